"""Assignments in the participant's progress: an assignment activity is done once the
participant (or their group, for a group assignment) has sent a version."""

from __future__ import annotations

from django.db.models import Q

from trainings.models import Activity, ActivityKind, Participant
from trainings.progress import COMPLETION_SOURCES

from .models import Submission


def assignments_done(participant: Participant, activities: list[Activity]) -> set[int]:
    """Ids of the assignment activities among ``activities`` with a version sent (one query)."""
    ids = [a.pk for a in activities if a.kind == ActivityKind.ASSIGNMENT]
    if not ids:
        return set()
    own = Q(participant=participant, assignment__per_group=False)
    if participant.group_id is not None:
        own |= Q(group_id=participant.group_id, assignment__per_group=True)
    return set(
        Submission.objects.filter(own, assignment__activity_id__in=ids, version_count__gt=0)
        .values_list("assignment__activity_id", flat=True)
        .distinct()
    )


def register() -> None:
    if assignments_done not in COMPLETION_SOURCES:
        COMPLETION_SOURCES.append(assignments_done)
