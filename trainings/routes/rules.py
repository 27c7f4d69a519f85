"""Predicates and rule builders of the trainings routes, on the sample world of the permission
matrix (tests/security/samples.py): the ``participant`` persona takes part in cohort X
(``SAMPLE_COHORT``), wrote the sample dissemination report and its evidence file; cohort X has
an online meeting for everyone (``{activity}``), a workshop session (``{session}``), a group
(``{group}``) and an announcement (``{announcement}``).

Sample path placeholders (filled by tests/security/samples.py): ``{cohort}``, ``{activity}``,
``{session}``, ``{group}``, ``{participant}``, ``{report}``, ``{evidence}``,
``{announcement}``, ``{badge}`` (the participant's badge token), ``{calendar}`` (their
calendar token); for the assessments (tests/security/samples.py::assessments_world):
``{assignment}``, ``{submission}`` (the participant's), ``{subfile}`` (a file of it),
``{survey}`` (open now), ``{resource}`` (a published library resource made from that
submission, the participant persona its consenting author, ``{subfile}`` among its files).
"""

from __future__ import annotations

from aslp_site.core.routes import SAMPLE_COHORT, Rule, organizer_route, role

__all__ = [
    "organizer_route",
    "participant_route",
    "report_owner_route",
    "evidence_route",
    "submission_route",
]


def takes_part_in_sample_cohort(user) -> bool:
    from .. import permissions

    return permissions.participations(user).filter(cohort__slug=SAMPLE_COHORT).exists()


def _sample_report():
    from ..models import DisseminationReport

    return DisseminationReport.objects.filter(participant__cohort__slug=SAMPLE_COHORT).first()


def wrote_sample_report(user) -> bool:
    report = _sample_report()
    return report is not None and report.participant.user_id == user.pk


def may_open_sample_evidence(user) -> bool:
    from cohorts.permissions import is_organizer

    report = _sample_report()
    if report is None:
        return False
    return report.participant.user_id == user.pk or is_organizer(user, report.participant.cohort)


def may_open_sample_submission(user) -> bool:
    from assessments.models import Submission
    from assessments.permissions import can_see_submission

    submission = Submission.objects.filter(
        assignment__activity__stage__cohort__slug=SAMPLE_COHORT
    ).first()
    return submission is not None and can_see_submission(user, submission)


def submission_route(sample: str) -> Rule:
    return role(
        "the participant who submitted it (or their group), or an organizer of its cohort",
        may_open_sample_submission,
        sample=sample,
    )


def participant_route(sample: str) -> Rule:
    return role(
        "participant of the cohort in the URL (a confirmed place); others answer 404",
        takes_part_in_sample_cohort,
        sample=sample,
    )


def report_owner_route(sample: str) -> Rule:
    return role(
        "the participant who wrote the report; other reports answer 404",
        wrote_sample_report,
        sample=sample,
    )


def evidence_route(sample: str) -> Rule:
    return role(
        "the participant who reported it, or an organizer of the report's cohort; others 404",
        may_open_sample_evidence,
        sample=sample,
    )
