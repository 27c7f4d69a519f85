"""Completion pages: the cohort's list (organizers and certificate staff), one participant's
outcome with certificate staff's override form, the rules form (organizers) and the
participant's own outcome. The rules and checks live in ``assessments.completion``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aslp_site.core import exports
from aslp_site.core.http import method_not_allowed
from cohorts import audit
from cohorts.models import Economy
from cohorts.permissions import (
    is_organizer,
    organizer_cohort_or_404,
    organizer_required,
    signed_in,
)
from trainings.permissions import participant_or_404, participant_required

from .. import completion, permissions
from ..forms_completion import FilterForm, OverrideForm, RulesForm

POST_ONLY = ("POST",)


def _attach_economies(results) -> list[Economy]:
    """Each participant's economy in two queries; the economies in the cohort, by name."""
    ids = {r.participant.application.economy_id for r in results} - {None}
    economies = {e.pk: e for e in Economy.objects.filter(pk__in=ids).prefetch_related("names")}
    for result in results:
        application = result.participant.application
        application.economy = economies.get(application.economy_id)
    return sorted(economies.values(), key=lambda e: e.localized_name())


@signed_in
def completion_list(request, slug):
    cohort = permissions.staff_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    results = list(completion.evaluate_cohort(cohort).values())
    economies = _attach_economies(results)
    filters = FilterForm(request.GET or None, economies=economies)
    shown = results
    if filters.is_valid():
        shown = completion.filter_results(shown, filters.cleaned_data["show"])
        if economy := filters.cleaned_data["economy"]:
            shown = [r for r in shown if str(r.participant.application.economy_id) == economy]
    context = {
        "cohort": cohort,
        "results": shown,
        "filters": filters,
        "total": len(results),
        "complete_count": sum(1 for r in results if r.complete),
        "overridden_count": sum(1 for r in results if r.overridden),
        "rules": completion.rules_of(cohort),
        "can_override": permissions.may_override(request.user, cohort),
        "can_edit_rules": is_organizer(request.user, cohort),
    }
    return render(request, "assessments/completion/manage_list.html", context)


def _participant_page(request, cohort, participant, form=None, status=200):
    can_override = permissions.may_override(request.user, cohort)
    result = completion.evaluate(participant)
    if can_override and form is None:
        initial = {}
        if result.override is not None:
            initial = {
                "decision": "complete" if result.override.complete else "not_complete",
                "reason": result.override.reason,
            }
        form = OverrideForm(initial=initial)
    context = {
        "cohort": cohort,
        "participant": participant,
        "result": result,
        "form": form if can_override else None,
        "can_override": can_override,
    }
    return render(request, "assessments/completion/manage_participant.html", context, status=status)


@signed_in
def completion_participant(request, slug, pk):
    cohort = permissions.staff_cohort_or_404(request.user, slug)
    participant = permissions.staff_participant_or_404(cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    return _participant_page(request, cohort, participant)


@signed_in
def completion_override(request, slug, pk):
    """Certificate staff set (``action=set``) or remove (``action=remove``) an override."""
    cohort = permissions.staff_cohort_or_404(request.user, slug)
    if not permissions.may_override(request.user, cohort):
        raise Http404
    participant = permissions.staff_participant_or_404(cohort, pk)
    if refused := method_not_allowed(request, POST_ONLY):
        return refused
    if request.POST.get("action") == "remove":
        if completion.remove_override(participant, request.user):
            messages.success(request, _("Override removed: the rules decide again."))
        return redirect("assessments:completion_participant", slug=cohort.slug, pk=participant.pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _participant_page(request, cohort, participant, form=form, status=400)
    completion.set_override(participant, form.complete, form.cleaned_data["reason"], request.user)
    messages.success(request, _("Override recorded."))
    return redirect("assessments:completion_participant", slug=cohort.slug, pk=participant.pk)


@organizer_required
def completion_rules(request, slug):
    cohort = organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    rules = completion.rules_of(cohort)
    before = completion.rule_values(rules)
    if request.method == "POST":
        form = RulesForm(request.POST, instance=rules)
        if form.is_valid():
            if completion.save_rules(form.instance, request.user, before):
                messages.success(request, _("Completion rules saved."))
            return redirect("assessments:completion_list", slug=cohort.slug)
        status = 400
    else:
        form = RulesForm(instance=rules)
        status = 200
    return render(
        request,
        "assessments/completion/manage_rules.html",
        {"cohort": cohort, "form": form},
        status=status,
    )


@participant_required
def my_completion(request, slug):
    participant = participant_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    context = completion.for_participant(participant)
    context["participant"] = participant
    return render(request, "assessments/completion/participant.html", context)


@signed_in
def completion_export(request, slug):
    """The list as CSV or XLSX (``?format=``), with the filters of the page; audited."""
    cohort = permissions.staff_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.FORMATS:
        raise Http404
    results = list(completion.evaluate_cohort(cohort).values())
    economies = _attach_economies(results)
    filters = FilterForm(request.GET or None, economies=economies)
    chosen = {}
    if filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
        results = completion.filter_results(results, chosen.get("show", ""))
        if economy := chosen.get("economy"):
            results = [r for r in results if str(r.participant.application.economy_id) == economy]
    headers = [
        _("Family name"),
        _("Given names"),
        _("Economy"),
        _("Complete"),
        _("Complete by the rules"),
        _("Onsite sessions attended"),
        _("Onsite sessions"),
        _("Reasons"),
        _("Override"),
        _("Override reason"),
        _("Overridden by"),
        _("Overridden at"),
    ]
    rows = []
    for result in results:
        application = result.participant.application
        override = result.override
        rows.append(
            [
                application.family_name,
                application.given_names,
                application.economy.code if application.economy else "",
                result.complete,
                result.rules_complete,
                result.onsite_attended,
                result.onsite_total,
                "; ".join(result.reasons),
                "" if override is None else ("complete" if override.complete else "not complete"),
                override.reason if override else "",
                str(override.decided_by or "") if override else "",
                override.decided_at if override else None,
            ]
        )
    audit.record(
        cohort,
        "cohorts.export",
        request.user,
        what="completion",
        format=file_format,
        rows=len(rows),
        filters=chosen,
    )
    return exports.export_response(
        file_format, f"{cohort.slug}-completion", headers, rows, title=_("Completion")
    )
