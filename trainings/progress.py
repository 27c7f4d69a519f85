"""One participant's programme: the activities meant for them, the stages' states, what is due
next and their progress per stage.

Everything here works on lists already loaded (a few queries for the whole page, however many
activities there are): :func:`activities_for` loads the activities, :func:`load_programme`
the rest.

**Progress.** Per stage: the share of its past sessions where attendance is taken that the
participant attended (present or late), and how many of its activities they have done. A
session attended is done; surveys and assignments add their own source of "done" to
``COMPLETION_SOURCES`` (a function taking the participant and the activities and returning the
ids of the activities done) and are counted from then on without any change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    ATTENDED,
    STAGE_ORDER,
    Activity,
    Attendance,
    Participant,
    Speaker,
    Stage,
)

PAST = "past"
CURRENT = "current"
UPCOMING = "upcoming"


def activities_for(participant: Participant) -> QuerySet[Activity]:
    """The activities of the participant's cohort meant for them: the whole cohort's and their
    own group's, in time order, with what their pages show."""
    meant_for = Q(group__isnull=True)
    if participant.group_id is not None:
        meant_for |= Q(group_id=participant.group_id)
    return (
        Activity.objects.filter(meant_for, stage__cohort_id=participant.cohort_id)
        .select_related("stage", "group")
        .prefetch_related(
            "translations",
            Prefetch("speakers", queryset=Speaker.objects.prefetch_related("translations")),
        )
        .order_by("starts_at", "due_at", "pk")
    )


def has_ended(activity: Activity, now: dt.datetime) -> bool:
    """A session is over once it ends; a task once its due moment passed."""
    if activity.is_timed:
        end = activity.ends_at or activity.starts_at
        return end is not None and end <= now
    return activity.due_at is not None and activity.due_at < now


# -- Done or not -------------------------------------------------------------------------------


def attended_activity_ids(participant: Participant, activities: list[Activity]) -> set[int]:
    """Sessions the participant attended (present or late)."""
    ids = {activity.pk for activity in activities if activity.takes_attendance}
    recorded = Attendance.objects.filter(
        participant=participant, status__in=ATTENDED, activity__takes_attendance=True
    ).values_list("activity_id", flat=True)
    return ids.intersection(recorded)


CompletionSource = Callable[[Participant, list[Activity]], set[int]]

# Besides attendance, each source names the activities a participant has done (one query per
# source, whatever the number of activities). Surveys and assignments append theirs here.
COMPLETION_SOURCES: list[CompletionSource] = []


def done_activity_ids(
    participant: Participant, activities: list[Activity], attended: set[int] | None = None
) -> set[int]:
    """The activities done: the sessions attended and what every completion source adds."""
    if attended is None:
        attended = attended_activity_ids(participant, activities)
    done = set(attended)
    for source in COMPLETION_SOURCES:
        done |= source(participant, activities)
    return done


# -- The page's pieces -------------------------------------------------------------------------


@dataclass
class StageProgress:
    """How far the participant is in one stage."""

    attended: int = 0
    # Past sessions of the stage where attendance is taken.
    attendance_counted: int = 0
    done: int = 0
    total: int = 0

    @property
    def attendance_rate(self) -> int | None:
        """Whole percent of the past attendance-taking sessions attended (None before any)."""
        if not self.attendance_counted:
            return None
        return round(100 * self.attended / self.attendance_counted)

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class StageRow:
    stage: Stage
    state: str
    activities: list[Activity] = field(default_factory=list)
    progress: StageProgress = field(default_factory=StageProgress)


@dataclass
class Programme:
    participant: Participant
    stages: list[StageRow]
    activities: list[Activity]
    next_session: Activity | None
    next_due: Activity | None
    done_ids: set[int]


def stage_state(stage: Stage, today: dt.date) -> str:
    starts, ends = stage.starts_on, stage.ends_on
    if ends and ends < today:
        return PAST
    if starts and starts > today:
        return UPCOMING
    if starts or ends:
        return CURRENT
    return UPCOMING


def next_session(activities: Iterable[Activity], now: dt.datetime) -> Activity | None:
    """The first meeting or session that has not ended yet."""
    timed = [a for a in activities if a.is_timed and a.starts_at and not has_ended(a, now)]
    return min(timed, key=lambda a: (a.starts_at, a.pk), default=None)


def next_due(activities: Iterable[Activity], now: dt.datetime) -> Activity | None:
    """The first survey, assignment or dissemination task whose deadline has not passed."""
    due = [a for a in activities if not a.is_timed and a.due_at and a.due_at >= now]
    return min(due, key=lambda a: (a.due_at, a.pk), default=None)


def stage_progress(
    activities: list[Activity], attended: set[int], done: set[int], now: dt.datetime
) -> StageProgress:
    progress = StageProgress(total=len(activities))
    for activity in activities:
        if activity.pk in done:
            progress.done += 1
        if activity.is_timed and activity.takes_attendance and has_ended(activity, now):
            progress.attendance_counted += 1
            if activity.pk in attended:
                progress.attended += 1
    return progress


def load_programme(participant: Participant, now: dt.datetime | None = None) -> Programme:
    """Everything the participant's home shows, in a constant number of queries."""
    now = now or timezone.now()
    cohort = participant.cohort
    today = timezone.localtime(now, cohort.zone).date()
    stages = sorted(
        Stage.objects.filter(cohort=cohort).prefetch_related("translations"),
        key=lambda stage: STAGE_ORDER.index(stage.kind),
    )
    for stage in stages:
        stage.cohort = cohort  # its dates are the cohort's: no query per stage
    # In time order, meetings and deadlines together (the database puts empty dates first or
    # last depending on the engine).
    activities = sorted(
        activities_for(participant), key=lambda a: (a.moment is None, a.moment, a.pk)
    )
    attended = attended_activity_ids(participant, activities)
    done = done_activity_ids(participant, activities, attended)
    rows = []
    for stage in stages:
        own = [activity for activity in activities if activity.stage_id == stage.pk]
        for activity in own:
            activity.stage = stage
        rows.append(
            StageRow(
                stage=stage,
                state=stage_state(stage, today),
                activities=own,
                progress=stage_progress(own, attended, done, now),
            )
        )
    return Programme(
        participant=participant,
        stages=rows,
        activities=activities,
        next_session=next_session(activities, now),
        next_due=next_due(activities, now),
        done_ids=done,
    )
