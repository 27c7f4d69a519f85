"""Who may see and do what in the training stages: every check of the trainings app.

* Participants see their own cohort's programme, their own sessions and their own
  dissemination reports; anything else answers 404 (its existence is not revealed).
* Organizers of a cohort (``cohorts.permissions.is_organizer``; superusers organize every cohort)
  run its training: sessions, groups, attendance, dissemination review, announcements. Another
  cohort's pages answer 404.
* The public sees a cohort's workshop programme (without meeting links) once the cohort is
  past its draft status; the calendar feed is reached by its secret address only.

Views use the decorators and ``*_or_404`` helpers below and no other check.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from cohorts.models import Cohort, CohortStatus
from cohorts.permissions import (
    is_organizer,
    organizer_cohort_or_404,
    organizer_cohorts,
    organizer_required,
    signed_in,
)

from .models import (
    Activity,
    Announcement,
    DisseminationEvidence,
    DisseminationReport,
    Participant,
    ParticipantGroup,
)

# Signed in; the view then finds the caller's participation (or 404).
participant_required = signed_in


# -- Participants -------------------------------------------------------------------------------


def participations(user):
    """The user's active participations (confirmed places), newest cohort first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Participant.objects.none()
    return (
        Participant.objects.active()
        .filter(user=user)
        .select_related("cohort", "cohort__programme", "application", "group")
        .order_by("-cohort__year", "-cohort__opens_at")
    )


def is_participant(user, cohort: Cohort | None = None) -> bool:
    found = participations(user)
    if cohort is not None:
        found = found.filter(cohort=cohort)
    return found.exists()


def participant_or_404(user, slug: str) -> Participant:
    """The caller's own participation in the cohort ``slug``."""
    return get_object_or_404(participations(user), cohort__slug=slug)


def participant_activity_or_404(participant: Participant, pk: int) -> Activity:
    """An activity of the participant's cohort meant for them (the whole cohort or their group)."""
    activity = get_object_or_404(
        Activity.objects.select_related("stage", "stage__cohort", "group"),
        pk=pk,
        stage__cohort_id=participant.cohort_id,
    )
    if activity.group_id is not None and activity.group_id != participant.group_id:
        raise Http404
    return activity


def own_report_or_404(participant: Participant, pk: int) -> DisseminationReport:
    return get_object_or_404(DisseminationReport, pk=pk, participant=participant)


def evidence_or_404(user, pk: int) -> DisseminationEvidence:
    """An evidence file, for the participant who reported it or an organizer of its cohort."""
    evidence = get_object_or_404(
        DisseminationEvidence.objects.select_related(
            "report", "report__participant", "report__participant__cohort"
        ),
        pk=pk,
    )
    participant = evidence.report.participant
    if participant.user_id == getattr(user, "pk", None) and participant.is_active:
        return evidence
    if is_organizer(user, participant.cohort):
        return evidence
    raise Http404


def participant_by_calendar_token_or_404(token: str) -> Participant:
    """The feed's owner, by the secret in its address (active participants only)."""
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        Participant.objects.active().select_related("cohort", "application", "user", "group"),
        calendar_token=token,
    )


# -- Organizers ---------------------------------------------------------------------------------


def organizer_activity_or_404(user, cohort: Cohort, pk: int) -> Activity:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(
        Activity.objects.select_related("stage", "group"), pk=pk, stage__cohort=cohort
    )


def organizer_participant_or_404(user, cohort: Cohort, pk: int) -> Participant:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(
        Participant.objects.select_related("application", "application__economy", "group"),
        pk=pk,
        cohort=cohort,
    )


def organizer_participant_by_badge_or_404(user, cohort: Cohort, token: str) -> Participant:
    """The participant whose badge carries ``token`` (check-in by scanning a badge)."""
    if not is_organizer(user, cohort) or not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        Participant.objects.active().select_related("application", "group"),
        cohort=cohort,
        badge_token=token,
    )


def organizer_group_or_404(user, cohort: Cohort, pk: int) -> ParticipantGroup:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(ParticipantGroup, pk=pk, cohort=cohort)


def organizer_report_or_404(user, cohort: Cohort, pk: int) -> DisseminationReport:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(
        DisseminationReport.objects.select_related("participant", "participant__application"),
        pk=pk,
        participant__cohort=cohort,
    )


def organizer_announcement_or_404(user, cohort: Cohort, pk: int) -> Announcement:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(Announcement, pk=pk, cohort=cohort)


# -- The public ---------------------------------------------------------------------------------

PUBLIC_PROGRAMME_STATUSES = (
    CohortStatus.OPEN,
    CohortStatus.CLOSED,
    CohortStatus.RUNNING,
    CohortStatus.FINISHED,
)


def public_cohort_or_404(slug: str) -> Cohort:
    """A cohort whose workshop programme the public may see (not a draft)."""
    return get_object_or_404(
        Cohort.objects.select_related("programme"), slug=slug, status__in=PUBLIC_PROGRAMME_STATUSES
    )


__all__ = [
    "organizer_required",
    "participant_required",
    "organizer_cohort_or_404",
    "participations",
    "is_participant",
    "participant_or_404",
    "participant_activity_or_404",
    "own_report_or_404",
    "evidence_or_404",
    "participant_by_calendar_token_or_404",
    "organizer_activity_or_404",
    "organizer_participant_or_404",
    "organizer_participant_by_badge_or_404",
    "organizer_group_or_404",
    "organizer_report_or_404",
    "organizer_announcement_or_404",
    "organizer_cohorts",
    "public_cohort_or_404",
]
