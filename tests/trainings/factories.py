"""Test data of the training stages, on top of tests/cohorts/factories.py.

A running cohort with its three stages, participants (confirmed applications, which makes the
``Participant`` row through ``trainings.signals``), activities of every kind, groups, a venue.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cohorts.models import ApplicationStatus, Cohort, CohortStatus, Role
from tests.cohorts import factories as cf
from trainings.models import (
    Activity,
    ActivityKind,
    Participant,
    ParticipantGroup,
    Speaker,
    Stage,
    StageKind,
    Venue,
)

user = cf.user
economy = cf.economy
grant = cf.grant
MINIMAL_PDF = cf.MINIMAL_PDF


def cohort(slug: str | None = None, **extra) -> Cohort:
    """A running cohort (the call closed a month ago) with its three stages dated around now:
    pre-training from 20 days ago to 10 days ahead, the workshop 20-23 days ahead, post-training
    from 30 to 120 days ahead."""
    today = timezone.localdate()
    defaults = {
        "status": CohortStatus.RUNNING,
        "opens_in": -dt.timedelta(days=90),
        "closes_in": -dt.timedelta(days=30),
        "pre_training_starts": today - dt.timedelta(days=20),
        "pre_training_ends": today + dt.timedelta(days=10),
        "workshop_starts": today + dt.timedelta(days=20),
        "workshop_ends": today + dt.timedelta(days=23),
        "post_training_starts": today + dt.timedelta(days=30),
        "post_training_ends": today + dt.timedelta(days=120),
        "venue_city": "Busan",
        **extra,
    }
    made = cf.cohort(slug, **defaults)
    for kind in StageKind.values:
        Stage.objects.get_or_create(cohort=made, kind=kind)
    return made


def stage(cohort: Cohort, kind: str = StageKind.PRE_TRAINING) -> Stage:
    return Stage.objects.get_or_create(cohort=cohort, kind=kind)[0]


def participant(
    cohort: Cohort,
    email: str | None = None,
    *,
    economy_code: str = "ROK",
    time_zone: str = "Asia/Seoul",
    language: str = "en",
    group: ParticipantGroup | None = None,
    **extra,
) -> Participant:
    """A confirmed applicant of ``cohort`` and their participant row."""
    person = cf.user(email, time_zone=time_zone, preferred_language=language)
    application = cf.application(
        cohort,
        person,
        economy_code=economy_code,
        status=ApplicationStatus.CONFIRMED,
        time_zone=time_zone,
        preferred_language=language,
        **extra,
    )
    made = Participant.objects.get(application=application)
    if group is not None:
        made.group = group
        made.save(update_fields=["group"])
    return made


def organizer(cohort: Cohort, email: str | None = None):
    person = cf.user(email)
    cf.grant(person, Role.ORGANIZER, cohort)
    return person


def group(cohort: Cohort, name: str = "Group A", sort_order: int = 0) -> ParticipantGroup:
    return ParticipantGroup.objects.get_or_create(
        cohort=cohort, name=name, defaults={"sort_order": sort_order}
    )[0]


def activity(
    cohort: Cohort,
    kind: str = ActivityKind.LECTURE,
    *,
    stage_kind: str | None = None,
    starts_at: dt.datetime | None = None,
    hours: float = 1.5,
    due_at: dt.datetime | None = None,
    **extra,
) -> Activity:
    """An activity; timed kinds get a start (default: 21 days ahead, 09:00 UTC) and an end,
    due kinds a due date (default: 7 days ahead)."""
    if stage_kind is None:
        stage_kind = {
            ActivityKind.ONLINE_MEETING: StageKind.PRE_TRAINING,
            ActivityKind.SURVEY: StageKind.PRE_TRAINING,
            ActivityKind.ASSIGNMENT: StageKind.PRE_TRAINING,
            ActivityKind.DISSEMINATION: StageKind.POST_TRAINING,
        }.get(kind, StageKind.WORKSHOP)
    values = {"title": extra.pop("title", f"{kind} activity"), **extra}
    if kind in (ActivityKind.SURVEY, ActivityKind.ASSIGNMENT, ActivityKind.DISSEMINATION):
        values["due_at"] = due_at or timezone.now() + dt.timedelta(days=7)
    else:
        if starts_at is None:
            day = timezone.localdate() + dt.timedelta(days=21)
            starts_at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)
        values["starts_at"] = starts_at
        values["ends_at"] = starts_at + dt.timedelta(hours=hours)
    return Activity.objects.create(stage=stage(cohort, stage_kind), kind=kind, **values)


def venue(cohort: Cohort, **extra) -> Venue:
    defaults = {
        "name": "BEXCO Convention Hall",
        "address": "55 APEC-ro, Haeundae-gu, Busan",
        "map_url": "https://maps.example.org/bexco",
        "time_zone": "Asia/Seoul",
        "practical_information": "Take metro line 2 to Centum City.",
        **extra,
    }
    return Venue.objects.update_or_create(cohort=cohort, defaults=defaults)[0]


def speaker(name: str = "Dr. Hana Lee", **extra) -> Speaker:
    return Speaker.objects.create(name=name, **extra)
