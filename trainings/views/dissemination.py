"""Dissemination reports: the participant's list, new report and report pages, the evidence
download, and the organizer's list (with reach totals) and review page.

Participants reach only their own reports (``participant_or_404`` / ``own_report_or_404``);
organizers only their cohorts' (``organizer_cohort_or_404`` / ``organizer_report_or_404``).
The permission check comes before the method check, so a stranger's POST gets the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aslp_site.core.downloads import private_file_response
from aslp_site.core.http import method_not_allowed

from .. import dissemination, permissions
from ..forms_dissemination import ReportFilterForm, ReportForm, ReviewForm
from ..models import DisseminationEvidence, DisseminationReport, Participant, ReportStatus

# -- Participant -------------------------------------------------------------------------------


@permissions.participant_required
def participant_reports(request, slug):
    participant = permissions.participant_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    reports = list(
        DisseminationReport.objects.filter(participant=participant)
        .annotate(n_evidence=Count("evidence"))
        .order_by("-held_on", "-pk")
    )
    return render(
        request,
        "trainings/dissemination/participant_list.html",
        {
            "cohort": participant.cohort,
            "participant": participant,
            "reports": reports,
            "reached": sum(r.educators_reached for r in reports if r.status == "accepted"),
            "refusal": dissemination.reporting_refusal(participant),
        },
    )


def _report_form_page(request, participant, form, report=None, *, status=200):
    return render(
        request,
        "trainings/dissemination/report_form.html",
        {
            "cohort": participant.cohort,
            "participant": participant,
            "form": form,
            "report": report,
            "evidence": list(report.evidence.all()) if report else [],
        },
        status=status,
    )


@permissions.participant_required
def new_report(request, slug):
    participant = permissions.participant_or_404(request.user, slug)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    refusal = dissemination.reporting_refusal(participant)
    if refusal:
        if request.method == "POST":
            messages.error(request, refusal + " " + _("Nothing was saved."))
        return render(
            request,
            "trainings/dissemination/not_yet.html",
            {"cohort": participant.cohort, "participant": participant, "refusal": refusal},
            status=409 if request.method == "POST" else 200,
        )
    today = dissemination.local_today(participant)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, cohort=participant.cohort, today=today)
        if form.is_valid():
            report, _changed = dissemination.save_report(
                participant, form.cleaned_data, form.cleaned_data["evidence"]
            )
            messages.success(
                request,
                _("Your report is submitted. The organizers will review it."),
            )
            return redirect(
                "trainings:dissemination_report", slug=participant.cohort.slug, pk=report.pk
            )
        return _report_form_page(request, participant, form, status=400)
    form = ReportForm(cohort=participant.cohort, today=today)
    return _report_form_page(request, participant, form)


@permissions.participant_required
def report_detail(request, slug, pk):
    participant = permissions.participant_or_404(request.user, slug)
    report = permissions.own_report_or_404(participant, pk)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    today = dissemination.local_today(participant)
    form = None
    if report.is_editable:
        if request.method == "POST":
            form = ReportForm(
                request.POST,
                request.FILES,
                instance=report,
                cohort=participant.cohort,
                today=today,
            )
            if form.is_valid():
                try:
                    report, changed = dissemination.save_report(
                        participant,
                        form.cleaned_data,
                        form.cleaned_data["evidence"],
                        report=report,
                        remove=form.cleaned_data.get("remove_evidence") or (),
                    )
                except dissemination.ReviewError as error:
                    messages.error(request, str(error))
                    return redirect(request.path)
                if changed:
                    messages.success(request, _("Your changes are saved and sent for review."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(request.path)
        else:
            form = ReportForm(instance=report, cohort=participant.cohort, today=today)
    elif request.method == "POST":
        messages.error(request, _("This report is accepted and can no longer be changed."))
        return redirect(request.path)
    return render(
        request,
        "trainings/dissemination/report.html",
        {
            "cohort": participant.cohort,
            "participant": participant,
            "report": report,
            "evidence": list(report.evidence.all()),
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@permissions.participant_required
def evidence_download(request, pk):
    """An evidence file, as an attachment, for its reporter or the cohort's organizers."""
    evidence = permissions.evidence_or_404(request.user, pk)
    if refused := method_not_allowed(request):
        return refused
    return private_file_response(evidence, fallback="evidence")


# -- Organizers -------------------------------------------------------------------------------


@permissions.organizer_required
def manage_reports(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    totals = dissemination.cohort_totals(cohort)
    economies = [row["economy"] for row in totals.economies if row["economy"] is not None]
    economies.sort(key=lambda e: e.localized_name())
    filters = ReportFilterForm(request.GET or None, economies=economies)
    reports = (
        DisseminationReport.objects.filter(participant__cohort=cohort)
        .select_related("participant", "participant__application", "participant__user")
        .select_related("participant__application__economy")
        .prefetch_related(
            Prefetch("participant__application__economy__names"),
        )
        .annotate(n_evidence=Count("evidence"))
        .order_by("status", "-held_on", "-pk")
    )
    if filters.is_valid():
        if value := filters.cleaned_data.get("status"):
            reports = reports.filter(status=value)
        if value := filters.cleaned_data.get("economy"):
            reports = reports.filter(participant__application__economy_id=value)
        if value := filters.cleaned_data.get("kind"):
            reports = reports.filter(kind=value)
    return render(
        request,
        "trainings/dissemination/manage_list.html",
        {
            "cohort": cohort,
            "filters": filters,
            "reports": list(reports),
            "totals": totals,
            "filtered": bool(request.GET)
            and filters.is_valid()
            and any(filters.cleaned_data.values()),
        },
    )


@permissions.organizer_required
def manage_report(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    report = permissions.organizer_report_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                dissemination.review(
                    report,
                    form.cleaned_data["decision"],
                    form.cleaned_data["comment"],
                    request.user,
                )
            except dissemination.ReviewError as error:
                form.add_error(None, str(error))
            else:
                if form.cleaned_data["decision"] == "accept":
                    text = _("The report is accepted; the participant is told by e-mail.")
                else:
                    text = _("The report is returned; the participant is told by e-mail.")
                messages.success(request, text)
                return redirect(
                    reverse("trainings:manage_dissemination", kwargs={"slug": cohort.slug})
                )
        status = 400
    participant = Participant.objects.select_related(
        "application", "application__economy", "user", "group"
    ).get(pk=report.participant_id)
    return render(
        request,
        "trainings/dissemination/manage_report.html",
        {
            "cohort": cohort,
            "report": report,
            "participant": participant,
            "reached": dissemination.participant_reach(participant),
            "evidence": list(DisseminationEvidence.objects.filter(report=report)),
            "form": form,
            "statuses": ReportStatus,
        },
        status=status,
    )


__all__ = [
    "evidence_download",
    "manage_report",
    "manage_reports",
    "new_report",
    "participant_reports",
    "report_detail",
]
