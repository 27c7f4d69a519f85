"""After an offer: the applicant's answer, travel details, the visa invitation letter, and the
public page where anyone (a consulate) checks a letter's verification code."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import audit, letters, permissions, ratelimit
from ..forms.offers import LogisticsForm, OfferAnswerForm, VerifyLetterForm
from ..models import Application, ApplicationStatus, Cohort, CohortStatus, Logistics
from ..selection import SelectionError, answer_offer

# Public verification lookups per address and minute.
VERIFY_LIMIT = 30
VERIFY_PERIOD = 60


def _cohort_or_404(slug: str) -> Cohort:
    return get_object_or_404(
        Cohort.objects.exclude(status=CohortStatus.DRAFT).select_related("programme"), slug=slug
    )


def _own_application(request, slug: str) -> Application:
    """The signed-in person's application in the (published) cohort, else 404."""
    return permissions.own_application_or_404(request.user, _cohort_or_404(slug))


def _stages(cohort: Cohort) -> list[tuple[str, dt.date | None, dt.date | None, str]]:
    """(name, start, end, place) of the cohort's stages that have dates."""
    online = _("Online")
    rows = [
        (_("Online pre-training"), cohort.pre_training_starts, cohort.pre_training_ends, online),
        (
            _("Onsite training workshop"),
            cohort.workshop_starts,
            cohort.workshop_ends,
            cohort.venue_city or _("To be announced"),
        ),
        (
            _("Online post-training"),
            cohort.post_training_starts,
            cohort.post_training_ends,
            online,
        ),
    ]
    return [row for row in rows if row[1] or row[2]]


def _workshop_started(cohort: Cohort, now: dt.datetime | None = None) -> bool:
    """Travel details can be changed until the first day of the workshop (cohort's zone)."""
    if not cohort.workshop_starts:
        return False
    local_today = timezone.localtime(now or timezone.now(), cohort.zone).date()
    return local_today >= cohort.workshop_starts


# -- The answer to an offer --------------------------------------------------------------------


@permissions.signed_in
@require_http_methods(["GET", "POST"])
def offer_answer(request, slug):
    application = _own_application(request, slug)
    cohort = application.cohort
    form = OfferAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.accepts
        try:
            answer_offer(application, accept=accept, by=request.user)
        except SelectionError as exc:
            messages.error(request, str(exc))
            return redirect("cohorts:offer_answer", slug=cohort.slug)
        if accept:
            messages.success(
                request,
                _(
                    "Your place in %(cohort)s is confirmed. Welcome! Please tell us your travel "
                    "details now."
                )
                % {"cohort": cohort.translated("title")},
            )
            return redirect("cohorts:logistics", slug=cohort.slug)
        reason = form.cleaned_data["decline_reason"].strip()
        if reason:
            audit.record(application, "cohorts.offer_decline_reason", request.user, reason=reason)
        messages.success(
            request,
            _("You have declined your place in %(cohort)s. Thank you for letting us know.")
            % {"cohort": cohort.translated("title")},
        )
        return redirect("cohorts:status", slug=cohort.slug)
    now = timezone.now()
    is_open_offer = application.status == ApplicationStatus.ACCEPTED and (
        application.offer_deadline is None or now <= application.offer_deadline
    )
    return render(
        request,
        "cohorts/offers/offer.html",
        {
            "application": application,
            "cohort": cohort,
            "programme": cohort.programme,
            "form": form,
            "is_open_offer": is_open_offer,
            "offer_lapsed": application.status == ApplicationStatus.ACCEPTED and not is_open_offer,
            "is_confirmed": application.status == ApplicationStatus.CONFIRMED,
            "stages": _stages(cohort),
        },
    )


# -- Travel details ----------------------------------------------------------------------------


@permissions.signed_in
@require_http_methods(["GET", "POST"])
def logistics(request, slug):
    application = _own_application(request, slug)
    cohort = application.cohort
    if application.status != ApplicationStatus.CONFIRMED:
        messages.info(
            request, _("Travel details are asked of confirmed participants once they confirm.")
        )
        return redirect("cohorts:status", slug=cohort.slug)
    record = Logistics.objects.filter(application=application).first()
    locked = _workshop_started(cohort)
    if request.method == "POST":
        if locked:
            messages.error(
                request,
                _(
                    "The workshop has started: travel details can no longer be changed here. "
                    "Please write to the organizers."
                ),
            )
            return redirect("cohorts:logistics", slug=cohort.slug)
        name_before = letters.passport_name(application) if record else ""
        form = LogisticsForm(
            request.POST, instance=record or Logistics(application=application), cohort=cohort
        )
        if form.is_valid():
            saved = form.save()
            application.logistics = saved
            messages.success(request, _("Your travel details are saved."))
            for warning in form.travel_warnings():
                messages.warning(request, warning)
            if (
                record
                and letters.passport_name(application) != name_before
                and application.invitation_letters.exists()
            ):
                messages.info(
                    request,
                    _(
                        "Your name as in your passport changed: download your invitation letter "
                        "again to get one with the new name."
                    ),
                )
            return redirect("cohorts:logistics", slug=cohort.slug)
    else:
        form = LogisticsForm(instance=record, cohort=cohort)
    family, given = letters.document_name_parts(application)
    return render(
        request,
        "cohorts/offers/logistics.html",
        {
            "application": application,
            "cohort": cohort,
            "form": form,
            "record": record,
            "locked": locked,
            "family_name": family,
            "given_names": given,
            "stages": _stages(cohort),
        },
    )


# -- The invitation letter ---------------------------------------------------------------------


def _download_name(application: Application) -> str:
    reference = re.sub(r"[^A-Za-z0-9-]", "", application.reference or "") or str(application.pk)
    return f"invitation-letter-{reference}.pdf"


@permissions.signed_in
@require_http_methods(["GET", "POST"])
def invitation_letter(request, slug):
    application = _own_application(request, slug)
    if application.status != ApplicationStatus.CONFIRMED:
        raise Http404
    cohort = application.cohort
    problems = letters.letter_problems(application)
    if request.method == "POST" or request.GET.get("download") == "1":
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return redirect("cohorts:invitation_letter", slug=cohort.slug)
        letter, pdf, _created = letters.issue_letter(application, by=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{_download_name(application)}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Length"] = str(len(pdf))
        return response
    facts = letters.letter_facts(application)
    return render(
        request,
        "cohorts/offers/letter.html",
        {
            "application": application,
            "cohort": cohort,
            "facts": facts,
            "problems": problems,
            "omissions": letters.letter_omissions(facts),
            "issued": list(application.invitation_letters.order_by("-issued_at", "-pk")[:10]),
        },
    )


# -- Public verification -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD"])
def verify_letter(request):
    form = VerifyLetterForm(request.GET if "code" in request.GET else None)
    result = None
    if form.is_bound:
        if not ratelimit.allow(request, "letter-verify", limit=VERIFY_LIMIT, period=VERIFY_PERIOD):
            return ratelimit.too_many_requests(request, retry_after=VERIFY_PERIOD)
        if form.is_valid():
            result = letters.verify(form.cleaned_data["code"])
    return render(
        request,
        "cohorts/offers/verify.html",
        {"form": form, "result": result, "states": letters.LetterState},
    )
