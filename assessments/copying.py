"""The assessments' steps of copying a cohort (``trainings.copying.copy_cohort``).

* ``copy_assignments``: every assignment with its translations and feedback criteria, attached to
  the copied activity. ``trainings.copying`` does not hand its steps the map from an activity to
  its copy, so the copy is found by what identifies it: the stage's kind, the title, the kind and
  the due moment moved by the shift (equal ones are paired in order).
* ``copy_surveys``: every survey with its translations, sections and questions (and theirs), on
  the copy's stage of the same kind and the copied survey activity found the same way; opening
  and closing moved by the shift.

Never copied: submissions and their versions, files and feedback; survey responses, answers,
completions and drafts.

The steps are registered with ``trainings.copying.register_copier`` by importing this module
(``AssessmentsConfig.ready()``); they run after the trainings steps, so the stages and activities
of the copy exist. ``register_copiers()`` registers them again (once only), for tests.
"""

from __future__ import annotations

from collections import defaultdict

from cohorts.models import Cohort
from trainings.copying import Shift, clone, register_copier
from trainings.models import Activity, Stage

from .models import (
    Assignment,
    AssignmentCriterion,
    AssignmentTranslation,
    Survey,
    SurveyQuestionTranslation,
    SurveySectionTranslation,
    SurveyTranslation,
)


def _activity_key(activity: Activity, due_at) -> tuple:
    return (activity.stage.kind, activity.kind, activity.title, due_at)


class _ActivityFinder:
    """The target cohort's activities, found by the key of the source's with moved dates."""

    def __init__(self, target: Cohort):
        self.free = defaultdict(list)
        for activity in Activity.objects.filter(stage__cohort=target).select_related("stage"):
            self.free[_activity_key(activity, activity.due_at)].append(activity)
        for found in self.free.values():
            found.sort(key=lambda a: a.pk)

    def copy_of(self, activity: Activity, shift: Shift) -> Activity | None:
        found = self.free.get(_activity_key(activity, shift.moment(activity.due_at)))
        return found.pop(0) if found else None


@register_copier
def copy_assignments(source: Cohort, target: Cohort, shift: Shift) -> None:
    finder = _ActivityFinder(target)
    assignments = (
        Assignment.objects.filter(activity__stage__cohort=source)
        .select_related("activity__stage")
        .prefetch_related("translations", "criteria")
        .order_by("activity__due_at", "pk")
    )
    for assignment in assignments:
        activity = finder.copy_of(assignment.activity, shift)
        if activity is None:
            continue
        copy = clone(assignment, activity=activity)
        copy.save()
        AssignmentTranslation.objects.bulk_create(
            clone(row, assignment=copy) for row in assignment.translations.all()
        )
        AssignmentCriterion.objects.bulk_create(
            clone(row, assignment=copy) for row in assignment.criteria.all()
        )


@register_copier
def copy_surveys(source: Cohort, target: Cohort, shift: Shift) -> None:
    finder = _ActivityFinder(target)
    stages = {stage.kind: stage for stage in Stage.objects.filter(cohort=target)}
    surveys = (
        Survey.objects.filter(cohort=source)
        .select_related("stage", "activity__stage")
        .prefetch_related(
            "translations",
            "sections__translations",
            "sections__questions__translations",
        )
        .order_by("opens_at", "pk")
    )
    for survey in surveys:
        copy = clone(
            survey,
            cohort=target,
            stage=stages.get(survey.stage.kind) if survey.stage_id else None,
            activity=finder.copy_of(survey.activity, shift) if survey.activity_id else None,
            opens_at=shift.moment(survey.opens_at),
            closes_at=shift.moment(survey.closes_at),
        )
        copy.save()
        SurveyTranslation.objects.bulk_create(
            clone(row, survey=copy) for row in survey.translations.all()
        )
        for section in survey.sections.all():
            section_copy = clone(section, survey=copy)
            section_copy.save()
            SurveySectionTranslation.objects.bulk_create(
                clone(row, section=section_copy) for row in section.translations.all()
            )
            for question in section.questions.all():
                question_copy = clone(question, section=section_copy)
                question_copy.save()
                SurveyQuestionTranslation.objects.bulk_create(
                    clone(row, question=question_copy) for row in question.translations.all()
                )


def register_copiers() -> None:
    """Register both steps (once only: registering again changes nothing)."""
    register_copier(copy_assignments)
    register_copier(copy_surveys)


__all__ = ["copy_assignments", "copy_surveys", "register_copiers"]
