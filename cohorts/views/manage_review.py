"""Organizers' reviewer assignment: the automatic run for a cohort, and manual changes for one
application. Both pages read a fixed number of queries whatever the number of reviewers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import permissions
from .. import review as services
from ..forms.review import ReviewerChangeForm
from ..models import Application, ReviewAssignment, Role, RoleGrant


def _reviewer_grants(cohort):
    """reviewer id -> their home economies in the cohort (names prefetched)."""
    homes: dict[int, list] = {}
    grants = (
        RoleGrant.objects.filter(role=Role.REVIEWER, cohort=cohort)
        .select_related("economy")
        .prefetch_related("economy__names")
        .order_by("user_id", "economy__sort_order")
    )
    for grant in grants:
        economies = homes.setdefault(grant.user_id, [])  # a reviewer with no economy counts too
        if grant.economy is not None:
            economies.append(grant.economy)
    return homes


@permissions.organizer_required
def manage_assign_reviewers(request, slug):
    """Reviewers of the cohort with their load; POST gives every application its reviewers."""
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    report = None
    if request.method == "POST":
        report = services.auto_assign(cohort, by=request.user)
        if report.reviewer_count == 0:
            messages.error(
                request,
                _("This cohort has no reviewers yet. Give people the reviewer role first."),
            )
        elif report.shortfalls:
            messages.warning(
                request,
                ngettext(
                    "%(count)d assignment made.",
                    "%(count)d assignments made.",
                    report.assigned,
                )
                % {"count": report.assigned},
            )
            messages.warning(
                request,
                ngettext(
                    "%(count)d application still lacks reviewers.",
                    "%(count)d applications still lack reviewers.",
                    len(report.shortfalls),
                )
                % {"count": len(report.shortfalls)},
            )
        elif report.assigned:
            messages.success(
                request,
                ngettext(
                    "%(assigned)d assignment made; every application has its reviewers.",
                    "%(assigned)d assignments made; every application has its reviewers.",
                    report.assigned,
                )
                % {"assigned": report.assigned},
            )
        else:
            messages.info(request, _("Every application already had its reviewers."))

    homes = _reviewer_grants(cohort)
    people = services.with_load(
        get_user_model().objects.filter(pk__in=list(homes)), cohort.pk
    ).order_by("load", "last_name", "first_name", "email")
    reviewers = [
        {
            "person": person,
            "economies": homes[person.pk],
            "load": person.load,
            "reviewed": person.reviewed,
        }
        for person in people
    ]
    open_count = Application.objects.filter(cohort=cohort, status__in=services.REVIEW_OPEN).count()
    context = {
        "cohort": cohort,
        "reviewers": reviewers,
        "open_count": open_count,
        "lacking_count": services.applications_lacking_reviewers(cohort),
        "report": report,
    }
    return render(request, "cohorts/manage/reviewers_assign.html", context)


def _not_eligible_reason(person, application, homes, conflict_ids):
    if person.pk == application.applicant_id:
        return _("The applicant")
    if not person.is_active:
        return _("Account deactivated")
    if person.pk in conflict_ids:
        return _("Declared a conflict of interest")
    if application.economy_id and any(e.pk == application.economy_id for e in homes):
        return _("From the applicant's economy")
    return ""


@permissions.organizer_required
def manage_application_reviewers(request, slug, pk):
    """One application's reviewers: see them, add an eligible one, remove one."""
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    application = permissions.organizer_application_or_404(request.user, cohort, pk)
    here = redirect("cohorts:manage_application_reviewers", slug=cohort.slug, pk=application.pk)

    if request.method == "POST":
        form = ReviewerChangeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return here
        try:
            if form.cleaned_data["action"] == ReviewerChangeForm.ADD:
                person = get_user_model().objects.filter(pk=form.cleaned_data["reviewer"]).first()
                if person is None:
                    messages.error(request, _("Choose a reviewer from the list."))
                    return here
                services.assign(application, person, by=request.user)
                messages.success(
                    request,
                    _("%(name)s now reviews this application.") % {"name": str(person)},
                )
            else:
                assignment = (
                    ReviewAssignment.objects.filter(
                        application=application, pk=form.cleaned_data["assignment"]
                    )
                    .select_related("reviewer", "application")
                    .first()
                )
                if assignment is None:
                    messages.error(request, _("This reviewer was already removed."))
                    return here
                services.unassign(assignment, by=request.user)
                messages.success(
                    request,
                    _("%(name)s no longer reviews this application.")
                    % {"name": str(assignment.reviewer)},
                )
        except services.ReviewError as exc:
            messages.error(request, exc.message)
        return here

    homes = _reviewer_grants(cohort)
    assignments = list(application.reviews.select_related("reviewer").order_by("assigned_at", "pk"))
    assigned_ids = {a.reviewer_id for a in assignments}
    for assignment in assignments:
        assignment.home_economies = homes.get(assignment.reviewer_id, [])
        assignment.still_reviewer = assignment.reviewer_id in homes
    candidates = list(services.reviewers_to_add(application))
    for person in candidates:
        person.home_economies = homes.get(person.pk, [])
    candidate_ids = {p.pk for p in candidates}
    conflicts = list(application.conflicts.select_related("reviewer").order_by("declared_at"))
    conflict_ids = {c.reviewer_id for c in conflicts}
    others = (
        get_user_model()
        .objects.filter(pk__in=[rid for rid in homes if rid not in candidate_ids | assigned_ids])
        .order_by("last_name", "first_name", "email")
    )
    not_eligible = [
        {
            "person": person,
            "economies": homes.get(person.pk, []),
            "reason": _not_eligible_reason(
                person, application, homes.get(person.pk, []), conflict_ids
            ),
        }
        for person in others
    ]
    context = {
        "cohort": cohort,
        "application": application,
        "assignments": assignments,
        "candidates": candidates,
        "not_eligible": not_eligible,
        "conflicts": conflicts,
        "open_for_review": services.can_score(application),
        "needed": cohort.reviewers_per_application,
    }
    return render(request, "cohorts/manage/reviewers_application.html", context)
