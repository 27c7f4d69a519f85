"""Copying a cohort: next year's cohort set up from this year's, in one transaction.

``copy_cohort(source, title=..., slug=..., year=..., shift_days=..., by=user)`` makes a new
cohort (status draft, no places offered) with every date moved by ``shift_days`` days, and copies
what describes the programme, never what belongs to people:

* copied: the cohort's settings and translations, economy quotas (with no places taken),
  application questions and their translations, the review rubric, the cohort's own e-mail
  templates, the three stages with their translations, activities with their translations and
  speakers (times moved), the workshop venue with its translations, and the participant groups
  (names only);
* never copied: applications, files, reviews, nominations, participants, group members,
  attendance, dissemination reports, announcements and role grants. The one exception: the
  person who copies, if they organize the source cohort, becomes organizer of the copy.

Dates move in the cohort's time zone: a session at 09:00 Seoul time stays at 09:00 Seoul time,
whatever daylight-saving time does in between.

Extending the copy (later issues)
---------------------------------
``COPIERS`` is the ordered list of copy steps. Each step is a callable
``step(source, target, shift)`` where ``source`` and ``target`` are the two cohorts (the target is
already saved) and ``shift`` is a :class:`Shift` (``shift.days``, ``shift.date(d)``,
``shift.moment(m)``). A later app adds its step with :func:`register_copier`, typically from its
``AppConfig.ready()``::

    from trainings.copying import register_copier

    @register_copier
    def copy_survey_templates(source, target, shift):
        for survey in source.surveys.all():
            ...

Steps run in order inside the transaction of ``copy_cohort``; a step that raises undoes the
whole copy. Steps must copy only set-up data, never personal data.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from cohorts import audit
from cohorts.models import (
    ApplicationQuestion,
    Cohort,
    CohortStatus,
    CohortTranslation,
    EconomyQuota,
    MessageTemplate,
    QuestionTranslation,
    Role,
    RoleGrant,
    RubricCriterion,
)

from .models import (
    STAGE_DATE_FIELDS,
    Activity,
    ActivityTranslation,
    ParticipantGroup,
    Stage,
    StageTranslation,
    Venue,
    VenueTranslation,
)


@dataclass(frozen=True)
class Shift:
    """How far the copy's dates move: ``days`` days, in the time zone ``zone``."""

    days: int
    zone: str = "UTC"

    def date(self, value: dt.date | None) -> dt.date | None:
        return None if value is None else value + dt.timedelta(days=self.days)

    def moment(self, value: dt.datetime | None) -> dt.datetime | None:
        """The same wall-clock time ``days`` days later in ``zone``."""
        if value is None:
            return None
        zone = zoneinfo.ZoneInfo(self.zone)
        local = value.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=self.days)
        return local.replace(tzinfo=zone).astimezone(dt.UTC)


Copier = Callable[[Cohort, Cohort, Shift], None]
COPIERS: list[Copier] = []


def register_copier(step: Copier) -> Copier:
    """Add a copy step (usable as a decorator); registering the same step twice adds it once."""
    if step not in COPIERS:
        COPIERS.append(step)
    return step


# Fields never copied from one row to another (keys, timestamps set on save, counters).
_SKIPPED = {"id", "created_at", "updated_at", "accepted_count"}


def clone(instance: models.Model, **changes) -> models.Model:
    """A new unsaved row of the same model with the same field values, apart from ``changes``."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in _SKIPPED or field.attname in changes:
            continue
        if field.name in changes:
            continue
        values[field.attname] = getattr(instance, field.attname)
    return type(instance)(**values, **changes)


# -- The copy steps of the cohorts and trainings apps ----------------------------------------------


def _retitle(text: str, source: Cohort, target: Cohort) -> str:
    """A translated title of the copy: the source's title and year replaced by the new ones."""
    text = text.replace(source.title, target.title)
    return text.replace(str(source.year), str(target.year))


@register_copier
def copy_cohort_translations(source: Cohort, target: Cohort, shift: Shift) -> None:
    CohortTranslation.objects.bulk_create(
        clone(row, cohort=target, title=_retitle(row.title, source, target))
        for row in source.translations.all()
    )


@register_copier
def copy_quotas(source: Cohort, target: Cohort, shift: Shift) -> None:
    EconomyQuota.objects.bulk_create(
        clone(quota, cohort=target, accepted_count=0) for quota in source.quotas.all()
    )


@register_copier
def copy_questions(source: Cohort, target: Cohort, shift: Shift) -> None:
    for question in ApplicationQuestion.objects.filter(cohort=source).prefetch_related(
        "translations"
    ):
        copy = clone(question, cohort=target)
        copy.save()
        QuestionTranslation.objects.bulk_create(
            clone(row, question=copy) for row in question.translations.all()
        )


@register_copier
def copy_rubric(source: Cohort, target: Cohort, shift: Shift) -> None:
    RubricCriterion.objects.bulk_create(
        clone(criterion, cohort=target) for criterion in source.rubric.all()
    )


@register_copier
def copy_message_templates(source: Cohort, target: Cohort, shift: Shift) -> None:
    MessageTemplate.objects.bulk_create(
        clone(template, cohort=target) for template in MessageTemplate.objects.filter(cohort=source)
    )


@register_copier
def copy_groups(source: Cohort, target: Cohort, shift: Shift) -> None:
    """Group names and order only; members stay with their own cohort."""
    ParticipantGroup.objects.bulk_create(
        ParticipantGroup(cohort=target, name=group.name, sort_order=group.sort_order)
        for group in ParticipantGroup.objects.filter(cohort=source)
    )


@register_copier
def copy_venue(source: Cohort, target: Cohort, shift: Shift) -> None:
    venue = Venue.objects.filter(cohort=source).prefetch_related("translations").first()
    if venue is None:
        return
    copy = clone(venue, cohort=target)
    copy.save()
    VenueTranslation.objects.bulk_create(clone(row, venue=copy) for row in venue.translations.all())


@register_copier
def copy_stages_and_activities(source: Cohort, target: Cohort, shift: Shift) -> None:
    """Stages, their activities (times moved, same speakers, the copy's group of the same
    name), and both their translations."""
    groups = {group.name: group for group in ParticipantGroup.objects.filter(cohort=target)}
    stages = Stage.objects.filter(cohort=source).prefetch_related(
        "translations",
        models.Prefetch(
            "activities",
            queryset=Activity.objects.select_related("group").prefetch_related(
                "translations", "speakers"
            ),
        ),
    )
    for stage in stages:
        stage_copy = clone(stage, cohort=target)
        stage_copy.save()
        StageTranslation.objects.bulk_create(
            clone(row, stage=stage_copy) for row in stage.translations.all()
        )
        for activity in stage.activities.all():
            activity_copy = clone(
                activity,
                stage=stage_copy,
                group=groups.get(activity.group.name) if activity.group_id else None,
                starts_at=shift.moment(activity.starts_at),
                ends_at=shift.moment(activity.ends_at),
                due_at=shift.moment(activity.due_at),
            )
            activity_copy.save()
            ActivityTranslation.objects.bulk_create(
                clone(row, activity=activity_copy) for row in activity.translations.all()
            )
            activity_copy.speakers.set(activity.speakers.all())


# -- The copy -------------------------------------------------------------------------------------

DATE_FIELDS = [name for pair in STAGE_DATE_FIELDS.values() for name in pair]


def copy_cohort(
    source: Cohort, *, title: str, slug: str, year: int, shift_days: int, by=None
) -> Cohort:
    """The copy of ``source`` (see the module's text); audited as ``trainings.cohort_copy``."""
    shift = Shift(days=shift_days, zone=source.time_zone)
    with transaction.atomic():
        target = clone(
            source,
            title=title,
            slug=slug,
            year=year,
            status=CohortStatus.DRAFT,
            accepted_count=0,
            opens_at=shift.moment(source.opens_at),
            closes_at=shift.moment(source.closes_at),
            **{name: shift.date(getattr(source, name)) for name in DATE_FIELDS},
        )
        target.save()
        for step in COPIERS:
            step(source, target, shift)
        if (
            by is not None
            and RoleGrant.objects.filter(user=by, role=Role.ORGANIZER, cohort=source).exists()
        ):
            grant = RoleGrant.objects.create(user=by, role=Role.ORGANIZER, cohort=target)
            audit.record(
                grant,
                "cohorts.role_grant",
                by,
                after={"person": by.email, "role": grant.role, "cohort": target.slug},
            )
        audit.record(
            target,
            "trainings.cohort_copy",
            by,
            source={"id": source.pk, "slug": source.slug},
            after={"title": title, "slug": slug, "year": year, "shift_days": shift_days},
        )
    return target


__all__ = ["COPIERS", "Shift", "clone", "copy_cohort", "register_copier"]
