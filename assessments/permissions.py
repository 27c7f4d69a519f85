"""Who may see and do what with assignments and surveys: every check of the assessments app.

* Participants see the assignments and surveys of their own cohort meant for them (the whole
  cohort or their group), their own submissions (a group assignment's submission is shared by
  the group's members) and their own answers; anything else answers 404.
* Organizers of a cohort (``cohorts.permissions.is_organizer``; superusers organize every cohort)
  review its submissions and read its survey results; another cohort's pages answer 404.
* Completion: the cohort's organizers and certificate staff read every participant's outcome;
  only certificate staff (and superusers) override it; participants read their own.
* Certificates: certificate staff of a cohort issue, re-issue, revoke and download them; its
  organizers and certificate staff edit its certificate template; participants download their
  own (not a superseded one); anyone holding a verification code sees the public page.

Views use the decorators and ``*_or_404`` helpers below and no other check.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from cohorts.models import Cohort
from cohorts.permissions import (
    is_certificate_staff,
    is_organizer,
    organizer_cohort_or_404,
    organizer_required,
)
from trainings.models import Participant
from trainings.permissions import participant_or_404, participant_required

from .models import Assignment, Submission, SubmissionFile, Survey


def _meant_for(activity, participant: Participant) -> bool:
    return (
        activity is None or activity.group_id is None or activity.group_id == participant.group_id
    )


# -- Participants -------------------------------------------------------------------------------


def participant_assignment_or_404(participant: Participant, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("activity", "activity__stage", "activity__group"),
        pk=pk,
        activity__stage__cohort_id=participant.cohort_id,
    )
    if not _meant_for(assignment.activity, participant):
        raise Http404
    if assignment.per_group and participant.group_id is None:
        raise Http404
    return assignment


def own_submission(participant: Participant, assignment: Assignment) -> Submission | None:
    """The participant's submission (their group's for a group assignment), if there is one."""
    if assignment.per_group:
        return Submission.objects.filter(
            assignment=assignment, group_id=participant.group_id
        ).first()
    return Submission.objects.filter(assignment=assignment, participant=participant).first()


def can_see_submission(user, submission: Submission) -> bool:
    cohort = submission.assignment.activity.stage.cohort
    if is_organizer(user, cohort):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    mine = Participant.objects.active().filter(user=user, cohort=cohort)
    if submission.participant_id is not None:
        return mine.filter(pk=submission.participant_id).exists()
    return mine.filter(group_id=submission.group_id).exists()


def submission_file_or_404(user, pk: int) -> SubmissionFile:
    """A submitted file, for its author (or their group) and the cohort's organizers."""
    found = get_object_or_404(
        SubmissionFile.objects.select_related(
            "version__submission__assignment__activity__stage__cohort"
        ),
        pk=pk,
    )
    if not can_see_submission(user, found.version.submission):
        raise Http404
    return found


def participant_survey_or_404(participant: Participant, pk: int) -> Survey:
    survey = get_object_or_404(
        Survey.objects.select_related("activity", "stage"), pk=pk, cohort_id=participant.cohort_id
    )
    if not _meant_for(survey.activity, participant):
        raise Http404
    return survey


# -- Organizers ---------------------------------------------------------------------------------


def organizer_assignment_or_404(user, cohort: Cohort, pk: int) -> Assignment:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(
        Assignment.objects.select_related("activity", "activity__stage"),
        pk=pk,
        activity__stage__cohort=cohort,
    )


def organizer_submission_or_404(user, cohort: Cohort, pk: int) -> Submission:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(
        Submission.objects.select_related(
            "assignment", "assignment__activity", "participant", "participant__application", "group"
        ),
        pk=pk,
        assignment__activity__stage__cohort=cohort,
    )


def organizer_survey_or_404(user, cohort: Cohort, pk: int) -> Survey:
    if not is_organizer(user, cohort):
        raise Http404
    return get_object_or_404(Survey, pk=pk, cohort=cohort)


# -- Completion: organizers and certificate staff -------------------------------------------------


def may_view_cohort(user, cohort: Cohort) -> bool:
    """The cohort's organizers and certificate staff (superusers too)."""
    return is_organizer(user, cohort) or is_certificate_staff(user, cohort)


def may_override(user, cohort: Cohort) -> bool:
    """Certificate staff of the cohort (superusers too); organizers alone may not."""
    return is_certificate_staff(user, cohort)


def staff_cohort_or_404(user, slug: str) -> Cohort:
    """The cohort ``slug`` if the user organizes it or is its certificate staff, else 404."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)
    if not may_view_cohort(user, cohort):
        raise Http404
    return cohort


def staff_participant_or_404(cohort: Cohort, pk: int) -> Participant:
    """An active participant of the cohort (another cohort's answers 404)."""
    participant = get_object_or_404(
        Participant.objects.active().select_related("application", "group", "user"),
        cohort=cohort,
        pk=pk,
    )
    participant.cohort = cohort
    return participant


# -- Certificates -------------------------------------------------------------------------------


def may_issue(user, cohort: Cohort) -> bool:
    """Issue, re-issue, revoke and download a cohort's certificates (and its ZIP): certificate
    staff of the cohort (superusers too)."""
    return is_certificate_staff(user, cohort)


def may_edit_certificate_template(user, cohort: Cohort) -> bool:
    """The wording and look of a cohort's certificates: its organizers and certificate staff."""
    return is_organizer(user, cohort) or is_certificate_staff(user, cohort)


def issuing_cohort_or_404(user, slug: str) -> Cohort:
    """The cohort ``slug`` if the user is its certificate staff, else 404."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)
    if not may_issue(user, cohort):
        raise Http404
    return cohort


def staff_certificate_or_404(cohort: Cohort, pk: int):
    """A certificate of the cohort (another cohort's answers 404)."""
    from .models import Certificate

    return get_object_or_404(
        Certificate.objects.select_related("participant", "speaker", "replaces", "cohort"),
        cohort=cohort,
        pk=pk,
    )


def own_certificate_or_404(participant: Participant, pk: int):
    """One of the participant's own certificates that is not superseded (valid or revoked)."""
    from .models import Certificate

    return get_object_or_404(
        Certificate.objects.current(),
        participant=participant,
        pk=pk,
    )


__all__ = [
    "organizer_required",
    "participant_required",
    "organizer_cohort_or_404",
    "participant_or_404",
    "participant_assignment_or_404",
    "own_submission",
    "can_see_submission",
    "submission_file_or_404",
    "participant_survey_or_404",
    "organizer_assignment_or_404",
    "organizer_submission_or_404",
    "organizer_survey_or_404",
    "may_view_cohort",
    "may_override",
    "staff_cohort_or_404",
    "staff_participant_or_404",
    "may_issue",
    "may_edit_certificate_template",
    "issuing_cohort_or_404",
    "staff_certificate_or_404",
    "own_certificate_or_404",
]
