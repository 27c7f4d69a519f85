"""Answered surveys count as done activities in the participant's progress
(``trainings.progress.COMPLETION_SOURCES``)."""

from __future__ import annotations

from trainings import progress

from .models import SurveyCompletion


def answered_survey_activity_ids(participant, activities) -> set[int]:
    """Ids of the survey activities (``Survey.activity``) the participant has answered."""
    wanted = {activity.pk for activity in activities}
    done = SurveyCompletion.objects.filter(
        participant=participant, survey__activity__isnull=False
    ).values_list("survey__activity_id", flat=True)
    return wanted.intersection(done)


def register() -> None:
    """Add the source once (called from ``AssessmentsConfig.ready``)."""
    if answered_survey_activity_ids not in progress.COMPLETION_SOURCES:
        progress.COMPLETION_SOURCES.append(answered_survey_activity_ids)
