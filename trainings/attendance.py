"""Attendance at a cohort's sessions: recording it (with the audit trail), badge scans, and
attendance rates per participant and per session, each computed in a fixed number of queries.

Rules, in one place:

* Attendance is taken at the cohort's *timed* activities (meetings and workshop sessions) that
  have ``takes_attendance`` set. A session is meant for the whole cohort, or for one group when
  it has a group.
* Only active participants (confirmed places) of the session's cohort, and of its group for a
  group session, can be recorded; anyone else raises :class:`NotMeantForSession`.
* The first record of a participant at a session writes the audit entry
  ``trainings.attendance``; any later change of its status or note is a correction and writes
  ``trainings.attendance_correct`` with the values before and after.
* A scanned badge marks the participant *present*, or *late* when the scan comes more than
  :data:`LATE_AFTER` (15 minutes) after the session's start. A scan never lowers an attended
  status: someone already present stays present.
* A participant's rate is the sessions they attended (present or late) over the sessions meant
  for them that have already started; excused and absent both count as not attended. A
  session's rate is the participants recorded present or late over the active participants
  meant for it. Rates are shown as whole percentages, rounded half up (2 of 3 is "67%").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cohorts import audit
from cohorts.models import Cohort

from .models import (
    ATTENDED,
    TIMED_KINDS,
    Activity,
    Attendance,
    AttendanceStatus,
    Participant,
    Venue,
)

# A badge scanned more than this long after the session's start marks the participant late.
LATE_AFTER = dt.timedelta(minutes=15)
# What a badge's QR code carries before the participant's badge token.
BADGE_PREFIX = "ASLP-BADGE:"
# The order statuses are shown in (buttons, counts).
STATUS_ORDER = [
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
]


class NotMeantForSession(Exception):
    """The participant is not an active participant of the session's cohort and group."""


# -- Rates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """``attended`` out of ``total``; ``percent`` is a whole number rounded half up."""

    attended: int
    total: int

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        value = Decimal(self.attended * 100) / Decimal(self.total)
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def sort_key(self) -> float:
        """For sorting: no sessions yet sorts below 0%."""
        return -1.0 if not self.total else self.attended / self.total

    def __str__(self) -> str:
        percent = self.percent
        return "—" if percent is None else f"{percent}%"


# -- Which sessions, which participants --------------------------------------------------------


def attendance_sessions(cohort: Cohort) -> QuerySet[Activity]:
    """The cohort's sessions where attendance is taken, in time order."""
    return (
        Activity.objects.filter(stage__cohort=cohort, takes_attendance=True, kind__in=TIMED_KINDS)
        .exclude(starts_at__isnull=True)
        .select_related("stage", "group")
        .prefetch_related("translations", "stage__translations")
        .order_by("starts_at", "pk")
    )


def is_attendance_session(activity: Activity) -> bool:
    return bool(activity.takes_attendance and activity.kind in TIMED_KINDS and activity.starts_at)


def is_meant_for(activity: Activity, participant: Participant) -> bool:
    """Whether the session is meant for the participant (the whole cohort or their group)."""
    return activity.group_id is None or activity.group_id == participant.group_id


def _meant_q(prefix: str = "") -> Q:
    """Attendance rows whose session is meant for their participant."""
    return Q(**{f"{prefix}activity__group__isnull": True}) | Q(
        **{f"{prefix}participant__group_id": F(f"{prefix}activity__group_id")}
    )


def participants_for(activity: Activity) -> QuerySet[Participant]:
    """Active participants the session is meant for, by name."""
    found = Participant.objects.active().filter(cohort_id=activity.stage.cohort_id)
    if activity.group_id is not None:
        found = found.filter(group_id=activity.group_id)
    return found.select_related("application", "group").order_by(
        "application__family_name", "application__given_names", "pk"
    )


def check_meant_for(activity: Activity, participant: Participant) -> None:
    if (
        participant.cohort_id != activity.stage.cohort_id
        or not participant.is_active
        or not is_meant_for(activity, participant)
    ):
        raise NotMeantForSession


# -- Recording --------------------------------------------------------------------------------


@dataclass
class Outcome:
    attendance: Attendance
    created: bool
    changed: bool
    before: dict = field(default_factory=dict)


def record(
    activity: Activity,
    participant: Participant,
    status: str,
    user,
    *,
    note: str | None = None,
    never_lower: bool = False,
) -> Outcome:
    """Set the participant's status at the session (and the note, when given).

    Writes one audit entry when something changed. With ``never_lower`` (badge scans) a
    participant already recorded present or late keeps their status.
    """
    if status not in AttendanceStatus.values:
        raise ValueError(f"Unknown attendance status {status!r}")
    check_meant_for(activity, participant)
    with transaction.atomic():
        existing = (
            Attendance.objects.select_for_update()
            .filter(activity=activity, participant=participant)
            .first()
        )
        attendance = None
        if existing is None:
            try:
                with transaction.atomic():
                    attendance = Attendance.objects.create(
                        activity=activity,
                        participant=participant,
                        status=status,
                        note=note or "",
                        recorded_by=user if getattr(user, "pk", None) else None,
                        recorded_at=timezone.now(),
                    )
            except IntegrityError:
                # Someone else (another organizer's phone) recorded them a moment ago: what
                # follows is then a correction of their record.
                existing = Attendance.objects.select_for_update().get(
                    activity=activity, participant=participant
                )
        if attendance is not None:
            audit.record(
                attendance,
                "trainings.attendance",
                user,
                after={"status": status, "note": attendance.note},
                activity=activity.pk,
                participant=participant.pk,
            )
            return Outcome(attendance, created=True, changed=True)
        if never_lower and existing.status in ATTENDED:
            return Outcome(existing, created=False, changed=False)
        new_note = existing.note if note is None else note
        if existing.status == status and existing.note == new_note:
            return Outcome(existing, created=False, changed=False)
        before = {"status": existing.status, "note": existing.note}
        existing.status = status
        existing.note = new_note
        existing.recorded_by = user if getattr(user, "pk", None) else None
        existing.recorded_at = timezone.now()
        existing.save(update_fields=["status", "note", "recorded_by", "recorded_at"])
        audit.record(
            existing,
            "trainings.attendance_correct",
            user,
            before=before,
            after={"status": status, "note": new_note},
            activity=activity.pk,
            participant=participant.pk,
        )
        return Outcome(existing, created=False, changed=True, before=before)


def scan_status(activity: Activity, now: dt.datetime | None = None) -> str:
    """Present, or late when more than ``LATE_AFTER`` has passed since the start."""
    now = now or timezone.now()
    if activity.starts_at and now > activity.starts_at + LATE_AFTER:
        return AttendanceStatus.LATE
    return AttendanceStatus.PRESENT


def badge_token(code: str) -> str:
    """The badge token in a scanned or typed code (``ASLP-BADGE:<token>``, or the bare token
    when typed); empty when the code cannot be one."""
    code = (code or "").strip()
    if code.upper().startswith(BADGE_PREFIX):
        code = code[len(BADGE_PREFIX) :].strip()
    if not code or len(code) > 64 or any(ch.isspace() or ch == ":" for ch in code):
        return ""
    return code


# -- Counting ---------------------------------------------------------------------------------


def statuses_by_participant(activity: Activity) -> dict[int, Attendance]:
    """The session's attendance rows of participants it is meant for, by participant id."""
    rows = Attendance.objects.filter(activity=activity).select_related("recorded_by")
    return {row.participant_id: row for row in rows}


def _active_counts(cohort: Cohort) -> tuple[int, dict[int | None, int]]:
    per_group = dict(
        Participant.objects.active()
        .filter(cohort=cohort)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return sum(per_group.values()), per_group


def session_counts(cohort: Cohort, sessions: Iterable[Activity]) -> dict[int, dict]:
    """Per session: counts per status, the participants meant for it and its rate.

    Two queries whatever the number of sessions: the active participants per group and the
    attendance rows per session and status (active participants the session is meant for).
    """
    sessions = list(sessions)
    total, per_group = _active_counts(cohort)
    counts: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Attendance.objects.filter(
            activity__in=[session.pk for session in sessions],
            participant__in=Participant.objects.active().filter(cohort=cohort),
        )
        .filter(_meant_q())
        .values_list("activity_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for activity_id, status, n in rows:
        counts[activity_id][status] = n
    result = {}
    for session in sessions:
        meant = total if session.group_id is None else per_group.get(session.group_id, 0)
        by_status = counts[session.pk]
        attended = sum(by_status[status] for status in ATTENDED)
        recorded = sum(by_status.values())
        result[session.pk] = {
            "statuses": [
                {"value": status, "label": status.label, "count": by_status[status]}
                for status in STATUS_ORDER
            ],
            "meant": meant,
            "recorded": recorded,
            "not_recorded": max(meant - recorded, 0),
            "rate": Rate(attended, meant),
        }
    return result


def started(sessions: Iterable[Activity], now: dt.datetime | None = None) -> list[Activity]:
    now = now or timezone.now()
    return [session for session in sessions if session.starts_at and session.starts_at <= now]


def participant_rates(
    cohort: Cohort,
    participants: Iterable[Participant],
    sessions: Iterable[Activity],
    now: dt.datetime | None = None,
) -> dict[int, Rate]:
    """Each participant's rate: sessions attended over started sessions meant for them.

    One query (the attended rows per participant) on top of the given lists.
    """
    participants = list(participants)
    begun = started(sessions, now)
    whole_cohort = sum(1 for session in begun if session.group_id is None)
    per_group = Counter(session.group_id for session in begun if session.group_id is not None)
    attended = dict(
        Attendance.objects.filter(
            activity__in=[session.pk for session in begun],
            participant__in=[participant.pk for participant in participants],
            status__in=ATTENDED,
        )
        .filter(_meant_q())
        .values_list("participant_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        participant.pk: Rate(
            attended.get(participant.pk, 0),
            whole_cohort + (per_group[participant.group_id] if participant.group_id else 0),
        )
        for participant in participants
    }


def active_participants(cohort: Cohort) -> QuerySet[Participant]:
    return (
        Participant.objects.active()
        .filter(cohort=cohort)
        .select_related("application", "group")
        .order_by("application__family_name", "application__given_names", "pk")
    )


def session_zone(cohort: Cohort) -> str:
    """The zone sessions are shown in: the venue's when there is one, else the cohort's."""
    try:
        return cohort.venue.time_zone
    except Venue.DoesNotExist:
        return cohort.time_zone
