"""Completion of the programme: each cohort's rules, their evaluation per participant with the
reasons in words, and certificate staff's overrides.

Rules (``CompletionRules``, one row per cohort, each rule optional):

* **Attendance**: at least ``min_attendance_percent`` of the onsite workshop's sessions where
  attendance is taken (stage of kind workshop, a timed activity with ``takes_attendance``),
  meant for the participant (the whole cohort's and their group's) and already started, attended
  *present* or *late* (``trainings.models.ATTENDED``, as ``trainings.attendance`` counts them).
  Compared exactly (7 of 9 is 77.8%, below 80%); shown with one decimal. With no such session
  yet the rule is not met.
* **Assignments**: every required assignment (an ``Assignment`` on an activity with
  ``is_required``, meant for the participant) has work in state *accepted*: the participant's
  own submission, or their group's for a group assignment (a participant without a group has
  none). Lateness does not matter once the work is accepted.
* **Surveys**: every survey whose activity is required and meant for the participant has been
  answered (a ``SurveyCompletion`` exists; anonymous surveys record it too). A survey without an
  activity, or on an optional activity, is never required.
* **Dissemination**: at least one of the participant's dissemination reports is *accepted*.

A cohort with no rule set completes nobody ("no completion rules set yet"): certificates are
never issued by accident. An active participant (confirmed place) is **complete** when every
rule set is met, unless certificate staff **override** it (complete or not complete, with a
written reason): then the override decides, and the rules' own outcome is still shown beside it.
Setting, changing and removing an override each write ``assessments.completion_override`` (on
the participant, with the values before and after); changing the rules writes
``assessments.completion_rules``.

**Attended** (for the attendance certificate of those who attended without completing): the
participant attended at least one onsite session (present or late).

:func:`evaluate_cohort` evaluates every active participant of a cohort in a fixed number of
queries, whatever their number; :func:`evaluate` does one participant.

**Who may** (checked in ``assessments.permissions``): the cohort's organizers and its
certificate staff see everyone's outcome; only certificate staff of the cohort (and superusers)
override — an organizer who is not also certificate staff may not; only organizers change the
rules; a participant sees their own outcome only. Anyone else: 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cohorts import audit
from cohorts.models import Cohort
from trainings import attendance as attendance_rules
from trainings.models import (
    ATTENDED,
    ActivityKind,
    Attendance,
    DisseminationReport,
    Participant,
    ReportStatus,
    StageKind,
)

from .models import (
    Assignment,
    CompletionOverride,
    CompletionRules,
    Submission,
    SubmissionStatus,
    Survey,
    SurveyCompletion,
)

ATTENDANCE = "attendance"
ASSIGNMENTS = "assignments"
SURVEYS = "surveys"
DISSEMINATION = "dissemination"
NO_RULES = "no_rules"

# The outcome a list is filtered by.
FILTERS = ("complete", "incomplete", "overridden")

# -- Results ------------------------------------------------------------------------------------


@dataclass
class Check:
    """One rule checked for one participant: met or not, the figures, the unmet items."""

    key: str
    label: str
    met: bool
    figures: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class Result:
    participant: Participant
    # The rules' own outcome, and the outcome after any override.
    rules_complete: bool
    checks: list[Check]
    override: CompletionOverride | None
    attended: bool
    # Onsite attendance: sessions attended (present or late) of those counted.
    onsite_attended: int = 0
    onsite_total: int = 0

    @property
    def complete(self) -> bool:
        if self.override is not None:
            return self.override.complete
        return self.rules_complete

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def reasons(self) -> list[str]:
        """Why the rules are not met, in the active language (empty when they are)."""
        return [reason for check in self.checks if not check.met for reason in check.reasons]


def percent_text(attended: int, total: int) -> str:
    """The exact share with one decimal, rounded half up ("77.8%"; "100%" when whole)."""
    value = (Decimal(attended * 100) / Decimal(total)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if value == value.to_integral_value():
        return f"{formats.number_format(int(value))}%"
    return f"{formats.number_format(value, decimal_pos=1)}%"


# -- What each participant is asked for --------------------------------------------------------


def _meant_for(activity, participant: Participant) -> bool:
    return activity.group_id is None or activity.group_id == participant.group_id


def _assignment_reason(assignment: Assignment, state: str) -> str:
    title = assignment.activity.display_title
    kind = assignment.activity.stage.kind
    if kind == StageKind.PRE_TRAINING:
        text = _("Missing: pre-training assignment “%(title)s” (%(state)s)")
    elif kind == StageKind.POST_TRAINING:
        text = _("Missing: post-training assignment “%(title)s” (%(state)s)")
    else:
        text = _("Missing: workshop assignment “%(title)s” (%(state)s)")
    return text % {"title": title, "state": state}


def _submission_state(status: str | None) -> str:
    if status is None:
        return _("not submitted")
    if status == SubmissionStatus.REVISION_REQUESTED:
        return _("revision requested")
    return _("not accepted yet")


@dataclass
class CohortData:
    """Everything the evaluation needs for one cohort, loaded in a fixed number of queries."""

    rules: CompletionRules | None
    sessions: list
    assignments: list[Assignment]
    surveys: list[Survey]
    # (assignment id, participant id or None, group id or None) -> status
    submissions: dict[tuple[int, int | None, int | None], str]
    answered: set[tuple[int, int]]
    reports: dict[int, set[str]]
    attended: dict[int, set[int]]
    overrides: dict[int, CompletionOverride]


def load_cohort_data(cohort: Cohort, participant_ids: list[int], now=None) -> CohortData:
    rules = CompletionRules.objects.filter(cohort=cohort).first()
    sessions = [
        session
        for session in attendance_rules.started(
            attendance_rules.attendance_sessions(cohort).filter(stage__kind=StageKind.WORKSHOP),
            now,
        )
    ]
    assignments = list(
        Assignment.objects.filter(
            activity__stage__cohort=cohort,
            activity__kind=ActivityKind.ASSIGNMENT,
            activity__is_required=True,
        )
        .select_related("activity", "activity__stage")
        .prefetch_related("activity__translations")
        .order_by("activity__due_at", "pk")
    )
    surveys = list(
        Survey.objects.filter(cohort=cohort, activity__isnull=False, activity__is_required=True)
        .select_related("activity")
        .prefetch_related("translations")
        .order_by("opens_at", "pk")
    )
    submissions = {
        (assignment_id, participant_id, group_id): status
        for assignment_id, participant_id, group_id, status in Submission.objects.filter(
            assignment__in=[a.pk for a in assignments]
        ).values_list("assignment_id", "participant_id", "group_id", "status")
    }
    answered = set(
        SurveyCompletion.objects.filter(
            survey__in=[s.pk for s in surveys], participant__in=participant_ids
        ).values_list("survey_id", "participant_id")
    )
    reports: dict[int, set[str]] = defaultdict(set)
    for participant_id, status in DisseminationReport.objects.filter(
        participant__in=participant_ids
    ).values_list("participant_id", "status"):
        reports[participant_id].add(status)
    attended: dict[int, set[int]] = defaultdict(set)
    for participant_id, activity_id in Attendance.objects.filter(
        activity__in=[s.pk for s in sessions],
        participant__in=participant_ids,
        status__in=ATTENDED,
    ).values_list("participant_id", "activity_id"):
        attended[participant_id].add(activity_id)
    overrides = {
        override.participant_id: override
        for override in CompletionOverride.objects.filter(
            participant__in=participant_ids
        ).select_related("decided_by")
    }
    return CohortData(
        rules, sessions, assignments, surveys, submissions, answered, reports, attended, overrides
    )


# -- Evaluation ---------------------------------------------------------------------------------


def _attendance_check(rules: CompletionRules, attended: int, total: int) -> Check:
    needed = rules.min_attendance_percent
    label = _("Onsite attendance")
    if not total:
        reason = _("No onsite session has taken place yet; %(needed)s%% attendance needed") % {
            "needed": needed
        }
        return Check(ATTENDANCE, label, False, reason, [reason])
    shown = percent_text(attended, total)
    met = attended * 100 >= needed * total
    figures = _(
        "%(attended)s of %(total)s onsite sessions attended (%(percent)s), %(needed)s%% needed"
    ) % {"attended": attended, "total": total, "percent": shown, "needed": needed}
    reasons = (
        []
        if met
        else [
            _("Attendance %(percent)s of onsite sessions, %(needed)s%% needed")
            % {"percent": shown, "needed": needed}
        ]
    )
    return Check(ATTENDANCE, label, met, figures, reasons)


def _assignments_check(participant: Participant, data: CohortData) -> Check:
    reasons = []
    asked = [a for a in data.assignments if _meant_for(a.activity, participant)]
    accepted = 0
    for assignment in asked:
        if assignment.per_group:
            key = (assignment.pk, None, participant.group_id)
            status = data.submissions.get(key) if participant.group_id else None
        else:
            status = data.submissions.get((assignment.pk, participant.pk, None))
        if status == SubmissionStatus.ACCEPTED:
            accepted += 1
        else:
            reasons.append(_assignment_reason(assignment, _submission_state(status)))
    figures = _("%(accepted)s of %(total)s required assignments accepted") % {
        "accepted": accepted,
        "total": len(asked),
    }
    return Check(ASSIGNMENTS, _("Required assignments"), not reasons, figures, reasons)


def _surveys_check(participant: Participant, data: CohortData) -> Check:
    reasons = []
    asked = [s for s in data.surveys if _meant_for(s.activity, participant)]
    for survey in asked:
        if (survey.pk, participant.pk) not in data.answered:
            reasons.append(
                _("Survey not answered: “%(title)s”") % {"title": survey.translated("title")}
            )
    figures = _("%(answered)s of %(total)s required surveys answered") % {
        "answered": len(asked) - len(reasons),
        "total": len(asked),
    }
    return Check(SURVEYS, _("Required surveys"), not reasons, figures, reasons)


def _dissemination_check(participant: Participant, data: CohortData) -> Check:
    statuses = data.reports.get(participant.pk, set())
    label = _("Dissemination report")
    if ReportStatus.ACCEPTED in statuses:
        return Check(DISSEMINATION, label, True, _("Dissemination report accepted"))
    if not statuses:
        reason = _("No dissemination report submitted")
    elif ReportStatus.SUBMITTED in statuses:
        reason = _("Dissemination report not accepted")
    else:
        reason = _("Dissemination report not accepted (returned for changes)")
    return Check(DISSEMINATION, label, False, reason, [reason])


def _evaluate(participant: Participant, data: CohortData) -> Result:
    meant = [s for s in data.sessions if _meant_for(s, participant)]
    mine = data.attended.get(participant.pk, set())
    onsite_attended = sum(1 for s in meant if s.pk in mine)
    rules = data.rules
    checks: list[Check] = []
    if rules is None or not rules.has_any:
        reason = _("No completion rules are set for this cohort yet")
        checks.append(Check(NO_RULES, _("Completion rules"), False, reason, [reason]))
    else:
        if rules.min_attendance_percent:
            checks.append(_attendance_check(rules, onsite_attended, len(meant)))
        if rules.require_assignments:
            checks.append(_assignments_check(participant, data))
        if rules.require_surveys:
            checks.append(_surveys_check(participant, data))
        if rules.require_dissemination:
            checks.append(_dissemination_check(participant, data))
    return Result(
        participant=participant,
        rules_complete=all(check.met for check in checks),
        checks=checks,
        override=data.overrides.get(participant.pk),
        attended=onsite_attended > 0,
        onsite_attended=onsite_attended,
        onsite_total=len(meant),
    )


def evaluate_cohort(cohort: Cohort, now=None) -> dict[int, Result]:
    """Every active participant's result, by participant id, in name order."""
    participants = list(attendance_rules.active_participants(cohort))
    for participant in participants:
        participant.cohort = cohort
    data = load_cohort_data(cohort, [p.pk for p in participants], now)
    return {participant.pk: _evaluate(participant, data) for participant in participants}


def evaluate(participant: Participant, now=None) -> Result:
    """One participant's result."""
    data = load_cohort_data(participant.cohort, [participant.pk], now)
    return _evaluate(participant, data)


def attended_onsite(participant: Participant, now=None) -> bool:
    """Whether the participant attended at least one onsite session (present or late)."""
    return evaluate(participant, now).attended


def for_participant(participant: Participant) -> dict:
    """The context of ``assessments/completion/_participant.html`` (the participant's own)."""
    return {"completion": evaluate(participant), "cohort": participant.cohort}


def filter_results(results, chosen: str) -> list[Result]:
    results = list(results)
    if chosen == "complete":
        return [r for r in results if r.complete]
    if chosen == "incomplete":
        return [r for r in results if not r.complete]
    if chosen == "overridden":
        return [r for r in results if r.overridden]
    return results


# -- Changes ------------------------------------------------------------------------------------

RULE_FIELDS = (
    "min_attendance_percent",
    "require_assignments",
    "require_surveys",
    "require_dissemination",
)


def rules_of(cohort: Cohort) -> CompletionRules:
    """The cohort's rules (unsaved and empty when none were set)."""
    return CompletionRules.objects.filter(cohort=cohort).first() or CompletionRules(cohort=cohort)


def save_rules(rules: CompletionRules, user, before: dict) -> bool:
    """Save changed rules with one audit entry; False when nothing changed."""
    after = {name: getattr(rules, name) for name in RULE_FIELDS}
    if rules.pk and after == before:
        return False
    with transaction.atomic():
        rules.updated_by = user
        rules.save()
        audit.record(rules, "assessments.completion_rules", user, before=before, after=after)
    return True


def rule_values(rules: CompletionRules) -> dict:
    return {name: getattr(rules, name) for name in RULE_FIELDS}


def _override_values(override: CompletionOverride | None) -> dict:
    if override is None:
        return {"override": None}
    return {
        "override": "complete" if override.complete else "not complete",
        "reason": override.reason,
    }


def set_override(participant: Participant, complete: bool, reason: str, user) -> CompletionOverride:
    """Mark the participant complete or not complete whatever the rules, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValueError("An override needs a reason.")
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        current = CompletionOverride.objects.filter(participant=locked).first()
        before = _override_values(current)
        override = current or CompletionOverride(participant=locked)
        override.complete = complete
        override.reason = reason
        override.decided_by = user
        override.decided_at = timezone.now()
        override.save()
        audit.record(
            participant,
            "assessments.completion_override",
            user,
            before=before,
            after=_override_values(override),
        )
    return override


def remove_override(participant: Participant, user) -> bool:
    """Back to the rules' outcome; False when there was no override."""
    with transaction.atomic():
        Participant.objects.select_for_update().get(pk=participant.pk)
        current = CompletionOverride.objects.filter(participant=participant).first()
        if current is None:
            return False
        before = _override_values(current)
        current.delete()
        audit.record(
            participant,
            "assessments.completion_override",
            user,
            before=before,
            after=_override_values(None),
        )
    return True
