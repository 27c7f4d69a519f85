"""The rules of assignments: sending a version, reviewing it, downloading all of them.

**Sending** (:func:`submit`). Every send makes a new ``SubmissionVersion`` with its text, its
files (each checked with ``aslp_site.core.uploads.check_upload`` against the assignment's file
kinds, size and count), its time and its fingerprint; nothing is ever overwritten (R12). The
submission row is locked while the version is numbered, so two sends at once make versions 1
and 2. Whether a version is late is judged on the server at the moment of the request against
the activity's due moment: with the "accept and mark" policy it is kept and marked late, with
the "refuse" policy it is refused and nothing is stored (unless the organizers asked for a
revision: that request is an invitation to send again). A submission counts as late only when
none of its versions was on time, and :func:`latest_on_time` keeps the last on-time version
findable. After a revision request a new version puts the status back to "submitted"; an
accepted submission takes no more versions. Each version sends a receipt e-mail listing the
files' SHA-256 and the fingerprint.

**Fingerprint.** ``SHA-256`` of the text (UTF-8), then, for each file in order, a newline and
the file's SHA-256 in hexadecimal.

**Reviewing** (:func:`give_feedback`). Accept or request a revision (a comment is required for
a revision), with optional rubric scores 1-5 per criterion; audited as ``assessments.feedback``
and e-mailed to the participant (every active group member for a group) in their language.

**Downloading** (:func:`build_zip`). A ZIP of the latest version of every submission (or all
versions) with ``manifest.csv`` naming each file with its owner, version, time, late flag and
SHA-256; audited as ``assessments.download``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aslp_site.core.downloads import safe_name
from aslp_site.core.exports import csv_bytes
from aslp_site.core.uploads import MB, check_upload, save_checked_upload
from cohorts import audit
from trainings import emails
from trainings.models import Participant

from .models import (
    Assignment,
    Feedback,
    LatePolicy,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)

MAX_TEXT = 50_000


class SubmissionRefused(Exception):
    """A send or a review that the rules refuse; the message is translated."""


# -- Reading ----------------------------------------------------------------------------------


def is_late(assignment: Assignment, at: dt.datetime) -> bool:
    due = assignment.activity.due_at
    return due is not None and at > due


def refusal(
    assignment: Assignment, submission: Submission | None, at: dt.datetime | None = None
) -> str | None:
    """Why a new version may not be sent now, or None."""
    at = at or timezone.now()
    if submission is not None and submission.status == SubmissionStatus.ACCEPTED:
        return _("Your work is accepted: no new version can be sent.")
    asked_again = (
        submission is not None and submission.status == SubmissionStatus.REVISION_REQUESTED
    )
    if assignment.late_policy == LatePolicy.REFUSE and is_late(assignment, at) and not asked_again:
        return _(
            "The due moment has passed and this assignment does not take late work. "
            "Contact the organizers if you need help."
        )
    return None


def latest_on_time(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.filter(is_late=False).order_by("-number").first()


def fingerprint(text: str, file_hashes) -> str:
    digest = hashlib.sha256(text.encode("utf-8"))
    for value in file_hashes:
        digest.update(b"\n" + value.encode("ascii"))
    return digest.hexdigest()


def owner_name(submission: Submission) -> str:
    if submission.group_id is not None:
        return submission.group.name
    participant = submission.participant
    return participant.application.display_name or participant.user.email


def recipients(submission: Submission) -> list[Participant]:
    """Who hears about a submission: its participant, or the group's active members."""
    if submission.group_id is not None:
        return list(
            Participant.objects.active()
            .filter(group_id=submission.group_id)
            .select_related("application", "user", "cohort")
            .order_by("pk")
        )
    return [submission.participant]


# -- Checking what is sent --------------------------------------------------------------------


def check_files(assignment: Assignment, uploads) -> list:
    """Check each upload against the assignment's kinds and size; raise ``ValidationError`` with
    one reason per refused file (naming it). Accepted uploads carry ``.checked``."""
    uploads = [item for item in uploads if item]
    if uploads and not assignment.accepts_files:
        raise ValidationError(_("This assignment takes no files."), code="no_files")
    if len(uploads) > assignment.max_files:
        raise ValidationError(
            _("Send at most %(limit)d files in one version."),
            code="too_many",
            params={"limit": assignment.max_files},
        )
    errors = []
    for upload in uploads:
        try:
            upload.checked = check_upload(
                upload, assignment.file_kinds, max_size=assignment.max_file_mb * MB
            )
        except ValidationError as error:
            errors.append(
                ValidationError(
                    _("“%(name)s” was not accepted: %(reason)s"),
                    code="refused",
                    params={
                        "name": getattr(upload, "name", "") or "?",
                        "reason": " ".join(error.messages),
                    },
                )
            )
    if errors:
        raise ValidationError(errors)
    return uploads


def _check_content(assignment: Assignment, text: str, uploads: list) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if text and not assignment.accepts_text:
        raise SubmissionRefused(_("This assignment takes files only, not a text."))
    if len(text) > MAX_TEXT:
        raise SubmissionRefused(
            _("The text is too long: at most %(limit)d characters.") % {"limit": MAX_TEXT}
        )
    if not text and not uploads:
        raise SubmissionRefused(_("Write a text or choose a file to send."))
    return text


# -- Sending ----------------------------------------------------------------------------------


def _owner_filter(assignment: Assignment, participant: Participant) -> dict:
    if assignment.per_group:
        if participant.group_id is None:
            raise SubmissionRefused(_("You are not in a group yet: ask the organizers."))
        return {"assignment": assignment, "group_id": participant.group_id}
    return {"assignment": assignment, "participant": participant}


def _locked_submission(assignment: Assignment, participant: Participant) -> Submission:
    owner = _owner_filter(assignment, participant)
    if not Submission.objects.filter(**owner).exists():
        try:
            with transaction.atomic():
                Submission.objects.create(**owner)
        except IntegrityError:
            pass  # someone of the group (or another tab) made it at the same moment
    return Submission.objects.select_for_update().get(**owner)


def store_file(version: SubmissionVersion, upload) -> SubmissionFile:
    return save_checked_upload(SubmissionFile(version=version), upload, "submission")


def _link(name: str, participant: Participant, **kwargs) -> str:
    try:
        with translation.override(emails.participant_language(participant)):
            path = reverse(name, kwargs={"slug": participant.cohort.slug, **kwargs})
    except NoReverseMatch:
        return ""
    return emails.absolute_url(path)


def submit(
    participant: Participant,
    assignment: Assignment,
    *,
    text: str = "",
    uploads=(),
    user=None,
    at: dt.datetime | None = None,
) -> SubmissionVersion:
    """Send a new version for the participant (or their group); raise ``SubmissionRefused``
    (nothing stored) or ``ValidationError`` (refused files)."""
    uploads = check_files(assignment, list(uploads))
    text = _check_content(assignment, text, uploads)
    user = user or participant.user
    with transaction.atomic():
        submission = _locked_submission(assignment, participant)
        moment = at or timezone.now()  # judged once the row is ours
        reason = refusal(assignment, submission, moment)
        if reason:
            raise SubmissionRefused(reason)
        late = is_late(assignment, moment)
        number = submission.version_count + 1
        version = SubmissionVersion.objects.create(
            submission=submission,
            number=number,
            text=text,
            submitted_by=user,
            submitted_at=moment,
            is_late=late,
            digest=fingerprint(text, [u.checked.sha256 for u in uploads]),
        )
        files = [store_file(version, upload) for upload in uploads]
        before = {"status": submission.status, "version_count": submission.version_count}
        # Late only while no version was on time: a late one never hides an on-time one.
        submission.is_late = late if submission.version_count == 0 else submission.is_late and late
        submission.version_count = number
        submission.last_submitted_at = moment
        submission.status = SubmissionStatus.SUBMITTED
        submission.save(update_fields=["is_late", "version_count", "last_submitted_at", "status"])
        audit.record(
            submission,
            "assessments.submit",
            user,
            before=before,
            after={"status": submission.status, "version_count": number},
            version=number,
            late=late,
            digest=version.digest,
        )
        # Everyone the work belongs to gets the receipt (each member of a group).
        for person in recipients(submission):
            emails.send_to_participant(
                person,
                "assessments_receipt",
                {
                    "assignment": assignment,
                    "activity": assignment.activity,
                    "version": version,
                    "files": files,
                    "group": submission.group if submission.group_id else None,
                    "name": person.application.display_name or person.user.email,
                    "link": _link("assessments:assignment", person, pk=assignment.pk),
                },
            )
    version.stored_files = files
    return version


# -- Reviewing --------------------------------------------------------------------------------

DECISIONS = {
    "accept": SubmissionStatus.ACCEPTED,
    SubmissionStatus.ACCEPTED: SubmissionStatus.ACCEPTED,
    "revision": SubmissionStatus.REVISION_REQUESTED,
}


def give_feedback(
    submission: Submission, decision: str, comment: str, user, scores: dict | None = None
) -> Feedback:
    """Accept the latest version or ask for a revision (a comment is then required)."""
    status = DECISIONS.get(decision)
    if status is None:
        raise SubmissionRefused(_("Choose whether to accept the work or ask for a revision."))
    comment = (comment or "").strip()
    if status == SubmissionStatus.REVISION_REQUESTED and not comment:
        raise SubmissionRefused(
            _("Write a comment to ask for a revision: it tells the participant what to change.")
        )
    criteria = {str(c.pk): c for c in submission.assignment.criteria.all()}
    clean_scores = {}
    for key, value in (scores or {}).items():
        if value in (None, ""):
            continue
        if str(key) not in criteria or int(value) not in range(1, 6):
            raise SubmissionRefused(_("Scores go from 1 to 5 for the listed criteria."))
        clean_scores[str(key)] = int(value)
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("assignment__activity__stage__cohort", "participant", "group")
            .get(pk=submission.pk)
        )
        version = submission.versions.order_by("-number").first()
        if version is None:
            raise SubmissionRefused(_("Nothing has been sent yet."))
        before = {"status": submission.status}
        feedback = Feedback.objects.create(
            submission=submission,
            version=version,
            reviewer=user,
            decision=status,
            comment=comment,
            scores=clean_scores,
        )
        submission.status = status
        submission.save(update_fields=["status"])
        audit.record(
            submission,
            "assessments.feedback",
            user,
            before=before,
            after={"status": status, "comment": comment, "scores": clean_scores},
            version=version.number,
        )
        assignment = submission.assignment
        for person in recipients(submission):
            emails.send_to_participant(
                person,
                "assessments_feedback",
                {
                    "assignment": assignment,
                    "activity": assignment.activity,
                    "feedback": feedback,
                    "version": version,
                    "accepted": status == SubmissionStatus.ACCEPTED,
                    "comment": comment,
                    "name": person.application.display_name or person.user.email,
                    "link": _link("assessments:assignment", person, pk=assignment.pk),
                },
            )
    return feedback


# -- Downloading ------------------------------------------------------------------------------


def _folder(submission: Submission) -> str:
    label = owner_name(submission)
    return re.sub(r"\s+", " ", safe_name(label, "submission"))[:80] + f" ({submission.pk})"


def _rewound(handle):
    handle.seek(0)
    return handle


@dataclass
class Archive:
    name: str
    file: tempfile.SpooledTemporaryFile  # rewound; spills to disk past 20 MB
    files: int


def build_zip(assignment: Assignment, user, *, all_versions: bool = False) -> Archive:
    """All submissions' latest versions (or every version), with a manifest."""
    submissions = list(
        Submission.objects.filter(assignment=assignment, version_count__gt=0)
        .select_related("participant__application", "participant__user", "group")
        .prefetch_related("versions__files")
        .order_by("pk")
    )
    zone = assignment.activity.stage.cohort.zone
    headers = [
        _("Participant or group"),
        _("Version"),
        _("Sent"),
        _("Late"),
        _("File"),
        _("Name in the archive"),
        _("Size in bytes"),
        _("SHA-256"),
    ]
    rows = []
    buffer = tempfile.SpooledTemporaryFile(max_size=20 * MB)
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for submission in submissions:
            versions = sorted(submission.versions.all(), key=lambda v: v.number)
            if not all_versions:
                versions = versions[-1:]
            folder = _folder(submission)
            owner = owner_name(submission)
            for version in versions:
                sent = timezone.localtime(version.submitted_at, zone).strftime("%Y-%m-%d %H:%M")
                late = _("Yes") if version.is_late else _("No")
                prefix = f"{folder}/v{version.number}"
                if version.text:
                    data = version.text.encode("utf-8")
                    inner = f"{prefix}/text.txt"
                    archive.writestr(inner, data)
                    count += 1
                    rows.append(
                        [
                            owner,
                            version.number,
                            sent,
                            late,
                            _("(text)"),
                            inner,
                            len(data),
                            hashlib.sha256(data).hexdigest(),
                        ]
                    )
                used = set()
                for index, row in enumerate(version.files.all(), start=1):
                    name = safe_name(row.original_name)
                    if name in used:
                        name = f"{index}-{name}"
                    used.add(name)
                    inner = f"{prefix}/{name}"
                    with row.file.open("rb") as handle, archive.open(inner, "w") as target:
                        shutil.copyfileobj(handle, target, 1024 * 1024)
                    count += 1
                    rows.append(
                        [
                            owner,
                            version.number,
                            sent,
                            late,
                            row.original_name,
                            inner,
                            row.size,
                            row.sha256,
                        ]
                    )
        archive.writestr("manifest.csv", csv_bytes(headers, rows))
    audit.record(
        assignment,
        "assessments.download",
        user,
        submissions=len(submissions),
        files=count,
        all_versions=all_versions,
    )
    slug = assignment.activity.stage.cohort.slug
    return Archive(
        name=f"{slug}-assignment-{assignment.pk}{'-all' if all_versions else ''}.zip",
        file=_rewound(buffer),
        files=count,
    )
