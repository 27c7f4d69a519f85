"""The audit trail of the cohorts app (R13), on Wagtail's log.

Every decision, role change, quota change and export writes one entry through :func:`record`:
who, when, which object, and what it was before and after. Entries are Wagtail ``ModelLogEntry``
rows, listed in the admin under Reports > Site history (filter by action) and in each object's
history where the object has an admin screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

# action -> (label, message shown in the history)
ACTIONS: dict[str, tuple[Any, Any]] = {
    "cohorts.role_grant": (_("Grant a programme role"), _("Programme role granted")),
    "cohorts.role_revoke": (_("Remove a programme role"), _("Programme role removed")),
    "cohorts.role_change": (_("Change a programme role"), _("Programme role changed")),
    "cohorts.quota_change": (_("Change seats or quotas"), _("Seats or quota changed")),
    "cohorts.submit": (_("Submit an application"), _("Application submitted")),
    "cohorts.withdraw": (_("Withdraw an application"), _("Application withdrawn")),
    "cohorts.endorse": (_("Endorsement decision"), _("Endorsement decided")),
    "cohorts.rank": (_("Rank candidates"), _("Coordinator's ranking changed")),
    "cohorts.nominate": (_("Nominate a candidate"), _("Candidate nominated")),
    "cohorts.nomination_accept": (
        _("Accept a nomination"),
        _("Nomination accepted; application linked to the economy"),
    ),
    "cohorts.review_assign": (_("Assign a reviewer"), _("Reviewer assigned")),
    "cohorts.review_unassign": (_("Remove a reviewer"), _("Reviewer removed")),
    "cohorts.review_submit": (_("Submit a review"), _("Review submitted")),
    "cohorts.conflict": (_("Declare a conflict of interest"), _("Conflict of interest declared")),
    "cohorts.decision": (_("Selection decision"), _("Selection decision made")),
    "cohorts.promote": (_("Offer to the wait-list"), _("Wait-listed applicant offered a place")),
    "cohorts.offer_answer": (_("Answer to an offer"), _("Offer answered")),
    "cohorts.offer_expire": (_("Offer expired"), _("Offer expired")),
    "cohorts.offer_decline_reason": (
        _("Reason for declining an offer"),
        _("Reason for declining the offer given"),
    ),
    "cohorts.export": (_("Export personal data"), _("Data exported")),
    "cohorts.letter": (_("Issue an invitation letter"), _("Invitation letter issued")),
    # Training stages (trainings/)
    "trainings.attendance": (_("Record attendance"), _("Attendance recorded")),
    "trainings.attendance_correct": (_("Correct attendance"), _("Attendance corrected")),
    "trainings.group_change": (_("Change groups"), _("Groups changed")),
    "trainings.group_assign": (_("Assign a participant to a group"), _("Group assigned")),
    "trainings.groups_balance": (
        _("Balance groups automatically"),
        _("Participants spread across groups"),
    ),
    "trainings.report_review": (
        _("Review a dissemination report"),
        _("Dissemination report accepted or returned"),
    ),
    "trainings.announcement_send": (_("Send an announcement"), _("Announcement sent")),
    "trainings.cohort_copy": (_("Copy a cohort"), _("Cohort copied from another")),
    # Assignments and surveys (assessments/)
    "assessments.submit": (_("Submit an assignment"), _("Assignment version submitted")),
    "assessments.feedback": (_("Give feedback on an assignment"), _("Feedback given")),
    "assessments.download": (
        _("Download all submissions"),
        _("Submissions of an assignment downloaded"),
    ),
    "assessments.results_export": (_("Export survey results"), _("Survey results exported")),
    "assessments.resource_prepare": (
        _("Prepare work for the resource library"),
        _("Resource prepared from a submission"),
    ),
    "assessments.resource_edit": (_("Edit a library resource"), _("Resource edited")),
    "assessments.resource_review": (
        _("Review a library resource"),
        _("Content or technical review recorded"),
    ),
    "assessments.resource_consent_ask": (
        _("Ask authors for consent"),
        _("Authors asked to agree to publication"),
    ),
    "assessments.resource_consent": (
        _("Answer a request for consent"),
        _("Author agreed or did not agree to publication"),
    ),
    "assessments.publish": (_("Publish to the resource library"), _("Resource published")),
    "assessments.unpublish": (
        _("Withdraw from the resource library"),
        _("Resource withdrawn"),
    ),
    "assessments.completion_rules": (
        _("Change completion rules"),
        _("Completion rules of the cohort changed"),
    ),
    "assessments.completion_override": (
        _("Override a participant's completion"),
        _("Completion set or cleared by certificate staff"),
    ),
    "assessments.certificate_template": (
        _("Change a certificate template"),
        _("Certificate template changed"),
    ),
    "assessments.certificate_issue": (_("Issue a certificate"), _("Certificate issued")),
    "assessments.certificate_reissue": (
        _("Re-issue a certificate"),
        _("Certificate re-issued (the old one superseded)"),
    ),
    "assessments.certificate_revoke": (_("Revoke a certificate"), _("Certificate revoked")),
    "assessments.certificate_download": (
        _("Download a certificate"),
        _("Certificate downloaded"),
    ),
    "assessments.certificate_batch": (
        _("Issue a cohort's certificates"),
        _("Bulk issue of certificates started"),
    ),
    "cohorts.personal_data_export": (
        _("Download one's personal data"),
        _("Personal data downloaded by the person"),
    ),
    "cohorts.erasure": (_("Erase a person's data"), _("Personal data erased")),
    "cohorts.retention": (
        _("Delete old application files"),
        _("Unsuccessful applicants' files deleted after the retention period"),
    ),
    "trainings.calendar_renew": (
        _("Renew a calendar address"),
        _("Calendar feed address renewed"),
    ),
}


def record(
    instance,
    action: str,
    user=None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    **extra: Any,
):
    """Write one audit entry for ``instance``; ``before``/``after`` hold the changed values."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}")
    data: dict[str, Any] = {key: _plain(value) for key, value in extra.items()}
    if before is not None:
        data["before"] = {key: _plain(value) for key, value in before.items()}
    if after is not None:
        data["after"] = {key: _plain(value) for key, value in after.items()}
    return log(instance, action, user=user, data=data)


def _plain(value):
    """JSON-friendly: model instances by their text and pk, other values by str()."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "pk"):
        return {"id": value.pk, "text": str(value)}
    return str(value)


def register_actions(actions) -> None:
    """For Wagtail's ``register_log_actions`` hook."""
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


# -- Many entries at once (appended by the review helper) --------------------------------------


def record_many(model, rows, action: str, user=None) -> int:
    """Write one entry per ``(pk, label, data)`` row of ``model`` in a few inserts (bulk work).

    ``data`` is stored as :func:`record` stores its keywords (use ``before`` and ``after`` for
    the changed values). All entries share one UUID: they are one action of one person.
    """
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}")
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    now = timezone.now()
    batch = uuid.uuid4()
    actor = user if getattr(user, "pk", None) else None
    entries = [
        ModelLogEntry(
            content_type=content_type,
            label=label or f"{model.__name__} object ({pk})",
            action=action,
            timestamp=now,
            data=_plain(dict(data)),
            user=actor,
            uuid=batch,
            object_id=str(pk),
        )
        for pk, label, data in rows
    ]
    ModelLogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
