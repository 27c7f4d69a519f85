"""R12 as a state machine (hypothesis.stateful): submissions are never lost.

Hypothesis sends versions on time and late (the clock moved with time_machine), lets the due
moment pass, has an organizer accept the work or ask for a revision, and reads the versions back
(through the download view and the organizers' ZIP of all versions), in any order, under either
late policy. Everything goes through the project's real functions (``assessments.submissions``)
and views; a small model of what should have happened is kept alongside.

After every step:

* every version that got a receipt (the e-mail with its fingerprint) is still there, with its
  text, its files' stored SHA-256 matching the bytes in storage and its fingerprint;
* version numbers are 1..n without gaps, and the submission's count is n;
* a late version never replaces an on-time one: ``latest_on_time`` is the last on-time version,
  and the submission counts as late only when every version is late;
* the status is the one the rules give.

The threaded double submit lives in test_assignments.py (``two_sends_at_once``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import zipfile
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from assessments import submissions
from assessments.models import (
    Assignment,
    LatePolicy,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f
from trainings.models import ActivityKind

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DUE = START + dt.timedelta(days=3)
_worlds = itertools.count(1)


@dataclass
class Receipted:
    """A version as the participant's receipt describes it."""

    number: int
    text: str
    late: bool
    file_hashes: list[str]
    digest: str


@dataclass
class Expected:
    versions: list[Receipted] = field(default_factory=list)
    status: str | None = None  # None: nothing sent yet


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40
).map(str.strip)
file_bodies = st.lists(st.binary(min_size=0, max_size=64), max_size=2)


class SubmissionMachine(RuleBasedStateMachine):
    @initialize(policy=st.sampled_from([LatePolicy.ACCEPT_AND_FLAG, LatePolicy.REFUSE]))
    def world(self, policy):
        self.travel = time_machine.travel(START, tick=False)
        self.clock = self.travel.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        n = next(_worlds)
        cohort = f.cohort(f"r12-{n}")
        self.person = f.participant(cohort, f"r12-{n}@example.org")
        self.organizer = f.organizer(cohort, f"r12-organizer-{n}@example.org")
        activity = f.activity(cohort, ActivityKind.ASSIGNMENT, title="School profile", due_at=DUE)
        self.assignment = Assignment.objects.create(
            activity=activity, instructions="Describe your school.", late_policy=policy
        )
        self.expected = Expected()
        self.client = Client()
        self.client.force_login(self.person.user)
        self.mail_seen = len(mail.outbox)

    def teardown(self):
        if getattr(self, "atomic", None) is not None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            self.travel.stop()

    # -- What the rules say should happen ----------------------------------------------------------

    def _late_now(self) -> bool:
        return timezone.now() > DUE

    def _should_refuse(self) -> bool:
        status = self.expected.status
        if status == SubmissionStatus.ACCEPTED:
            return True
        return (
            self.assignment.late_policy == LatePolicy.REFUSE
            and self._late_now()
            and status != SubmissionStatus.REVISION_REQUESTED
        )

    def _submission(self) -> Submission:
        return Submission.objects.get(assignment=self.assignment, participant=self.person)

    # -- Rules ------------------------------------------------------------------------------------

    def _send(self, text: str, bodies: list[bytes]):
        uploads = [
            SimpleUploadedFile(f"part {i}.pdf", f.MINIMAL_PDF + b"%" + body.hex().encode() + b"\n")
            for i, body in enumerate(bodies)
        ]
        contents = [upload.read() for upload in uploads]
        for upload in uploads:
            upload.seek(0)
        if not text and not uploads:
            text = "(empty)"
        refuse = self._should_refuse()
        before = SubmissionVersion.objects.filter(submission__assignment=self.assignment).count()
        if refuse:
            with pytest.raises(submissions.SubmissionRefused):
                submissions.submit(self.person, self.assignment, text=text, uploads=uploads)
            after = SubmissionVersion.objects.filter(submission__assignment=self.assignment)
            assert after.count() == before
            event("send refused")
            return
        with TestCase.captureOnCommitCallbacks(execute=True):
            version = submissions.submit(self.person, self.assignment, text=text, uploads=uploads)
        hashes = [hashlib.sha256(content).hexdigest() for content in contents]
        late = self._late_now()
        assert (version.number, version.is_late, version.text) == (
            len(self.expected.versions) + 1,
            late,
            text,
        )
        assert version.digest == submissions.fingerprint(text, hashes)
        # The receipt: one e-mail naming the version's fingerprint and each file's hash.
        (receipt,) = mail.outbox[self.mail_seen :]
        self.mail_seen = len(mail.outbox)
        assert receipt.to == [self.person.user.email]
        assert version.digest in receipt.body
        assert all(value in receipt.body for value in hashes)
        self.expected.versions.append(Receipted(version.number, text, late, hashes, version.digest))
        self.expected.status = SubmissionStatus.SUBMITTED
        event(f"version kept ({'late' if late else 'on time'})")

    @precondition(lambda self: timezone.now() <= DUE)
    @rule(text=texts, bodies=file_bodies)
    def send_on_time(self, text, bodies):
        self._send(text, bodies)

    @precondition(lambda self: timezone.now() > DUE)
    @rule(text=texts, bodies=file_bodies)
    def send_late(self, text, bodies):
        self._send(text, bodies)

    @rule(minutes=st.integers(min_value=1, max_value=36 * 60))
    def time_passes(self, minutes):
        self.clock.shift(dt.timedelta(minutes=minutes))

    @precondition(lambda self: timezone.now() <= DUE)
    @rule(seconds_after=st.sampled_from([0, 1, 3600]))
    def the_due_moment_passes(self, seconds_after):
        """To the due moment itself (still on time), or just after it."""
        self.clock.move_to(DUE + dt.timedelta(seconds=seconds_after))

    @precondition(lambda self: self.expected.status is not None)
    @rule(accept=st.booleans(), comment=texts)
    def organizer_reviews(self, accept, comment):
        decision = "accept" if accept else "revision"
        comment = comment or "Add the school's data."
        submissions.give_feedback(self._submission(), decision, comment, self.organizer)
        self.expected.status = (
            SubmissionStatus.ACCEPTED if accept else SubmissionStatus.REVISION_REQUESTED
        )

    @precondition(lambda self: self.expected.versions)
    @rule()
    def participant_reads_each_file(self):
        for stored in SubmissionFile.objects.filter(
            version__submission__assignment=self.assignment
        ):
            response = self.client.get(reverse("assessments:submission_file", args=[stored.pk]))
            assert response.status_code == 200
            content = b"".join(response.streaming_content)
            assert hashlib.sha256(content).hexdigest() == stored.sha256

    @precondition(lambda self: self.expected.versions)
    @rule()
    def organizer_downloads_every_version(self):
        archive = submissions.build_zip(self.assignment, self.organizer, all_versions=True)
        with zipfile.ZipFile(io.BytesIO(archive.file.read())) as opened:
            manifest = opened.read("manifest.csv").decode("utf-8-sig")
            names = opened.namelist()
        files = sum(len(v.file_hashes) + (1 if v.text else 0) for v in self.expected.versions)
        assert archive.files == files
        assert len(names) == files + 1
        for version in self.expected.versions:
            for value in version.file_hashes:
                assert value in manifest

    # -- Invariants --------------------------------------------------------------------------------

    @invariant()
    def receipted_versions_are_kept_with_their_hashes(self):
        if not hasattr(self, "expected"):
            return
        stored = list(
            SubmissionVersion.objects.filter(submission__assignment=self.assignment)
            .prefetch_related("files")
            .order_by("number")
        )
        assert [v.number for v in stored] == list(range(1, len(self.expected.versions) + 1))
        for version, receipted in zip(stored, self.expected.versions, strict=True):
            assert (version.text, version.is_late, version.digest) == (
                receipted.text,
                receipted.late,
                receipted.digest,
            )
            files = sorted(version.files.all(), key=lambda row: row.pk)
            assert [row.sha256 for row in files] == receipted.file_hashes
            for row in files:
                with row.file.open("rb") as handle:
                    assert hashlib.sha256(handle.read()).hexdigest() == row.sha256

    @invariant()
    def a_late_version_never_replaces_an_on_time_one(self):
        if not getattr(self, "expected", None) or not self.expected.versions:
            return
        submission = self._submission()
        assert submission.version_count == len(self.expected.versions)
        assert submission.status == self.expected.status
        on_time = [v.number for v in self.expected.versions if not v.late]
        counting = submissions.latest_on_time(submission)
        assert (counting.number if counting else None) == (on_time[-1] if on_time else None)
        assert submission.is_late == (not on_time)


@pytest.mark.django_db
def test_submissions_are_never_lost(private_dir):
    # Examples come from the loaded profile ("ci": 12); fewer steps each keep it within 30 s.
    run_state_machine_as_test(SubmissionMachine, settings=settings(stateful_step_count=25))
