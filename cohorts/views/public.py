"""Public cohort pages: the open calls and past cohorts with their figures, and one cohort's call.

Anyone may read them. Anonymous responses hold nothing personal and are kept by the public page
cache (emptied whenever a programme, cohort, quota or translation changes: see
``aslp_site/core/signals.py``); signed-in readers get their own uncached page, which also shows
their application, if any.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aslp_site.core.cache import mark_public_cacheable

from ..models import Application, ApplicationStatus, Cohort, CohortStatus, EconomyQuota


def _figures():
    """Annotations: applications received, participants, economies represented."""
    received = Q(applications__submitted_at__isnull=False)
    confirmed = Q(applications__status=ApplicationStatus.CONFIRMED)
    return {
        "n_received": Count("applications", filter=received, distinct=True),
        "n_participants": Count("applications", filter=confirmed, distinct=True),
        "n_economies": Count("applications__economy", filter=confirmed, distinct=True),
    }


def _language_names(codes) -> list[str]:
    names = dict(settings.LANGUAGES)
    return [names.get(code, code) for code in codes or []]


@require_GET
def cohort_list(request):
    now = timezone.now()
    cohorts = list(
        Cohort.objects.exclude(status=CohortStatus.DRAFT)
        .select_related("programme")
        .prefetch_related("translations", "programme__translations")
        .annotate(**_figures())
        .order_by("-year", "closes_at", "pk")
    )
    open_calls, upcoming, in_selection, past = [], [], [], []
    for cohort in cohorts:
        if cohort.status == CohortStatus.OPEN and now < cohort.closes_at:
            (open_calls if now >= cohort.opens_at else upcoming).append(cohort)
        elif cohort.status in (CohortStatus.OPEN, CohortStatus.CLOSED):
            in_selection.append(cohort)
        else:
            past.append(cohort)
    open_calls.sort(key=lambda c: c.closes_at)
    upcoming.sort(key=lambda c: c.opens_at)
    response = render(
        request,
        "cohorts/public/cohort_list.html",
        {
            "open_calls": open_calls,
            "upcoming": upcoming,
            "in_selection": in_selection,
            "past": past,
            "now": now,
        },
    )
    return mark_public_cacheable(response)


@require_GET
def cohort_detail(request, slug):
    now = timezone.now()
    cohort = get_object_or_404(
        Cohort.objects.exclude(status=CohortStatus.DRAFT)
        .select_related("programme")
        .prefetch_related("translations", "programme__translations")
        .annotate(**_figures()),
        slug=slug,
    )
    quotas = list(
        EconomyQuota.objects.filter(cohort=cohort)
        .select_related("economy")
        .prefetch_related("economy__names")
        .order_by("economy__sort_order", "economy__name")
    )
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(cohort=cohort, applicant=request.user).first()
    accepting = cohort.is_accepting_applications(now)
    stages = [
        (key, start, end)
        for key, start, end in (
            ("pre", cohort.pre_training_starts, cohort.pre_training_ends),
            ("workshop", cohort.workshop_starts, cohort.workshop_ends),
            ("post", cohort.post_training_starts, cohort.post_training_ends),
        )
        if start or end
    ]
    response = render(
        request,
        "cohorts/public/cohort_detail.html",
        {
            "cohort": cohort,
            "quotas": quotas,
            "application": application,
            "accepting": accepting,
            "not_open_yet": cohort.status == CohortStatus.OPEN and now < cohort.opens_at,
            "is_past": cohort.status in (CohortStatus.RUNNING, CohortStatus.FINISHED),
            "cohort_languages": _language_names(cohort.languages),
            "stages": stages,
            "now": now,
        },
    )
    if application is None:
        mark_public_cacheable(response)
    return response
