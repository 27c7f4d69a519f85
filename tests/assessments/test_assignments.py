"""Assignments, the participant's side: versions kept with their hashes and receipts, late work
flagged or refused on the server, hostile files refused, group work shared, others' work 404,
concurrent sends numbered 1 and 2, and the progress hook."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from assessments import submissions
from assessments.models import (
    Assignment,
    AssignmentTranslation,
    LatePolicy,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from tests.cohorts.applying import files_on_disk, private_dir_fixture  # noqa: F401 (fixture)
from tests.cohorts.test_uploads import HOSTILE
from tests.trainings import factories as f
from trainings.models import ActivityKind
from trainings.progress import load_programme

pytestmark = pytest.mark.django_db

PDF = f.MINIMAL_PDF


def make_assignment(cohort, *, due_in=dt.timedelta(days=7), title="School profile", **extra):
    activity = f.activity(
        cohort,
        ActivityKind.ASSIGNMENT,
        title=title,
        due_at=timezone.now() + due_in,
        group=extra.pop("activity_group", None),
    )
    return Assignment.objects.create(
        activity=activity, instructions="Describe your school.", **extra
    )


def url(assignment):
    cohort = assignment.activity.stage.cohort
    return reverse("assessments:assignment", kwargs={"slug": cohort.slug, "pk": assignment.pk})


def pdf(name="profile.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def cohort():
    return f.cohort("aslp-assign")


@pytest.fixture
def person(cohort):
    return f.participant(cohort, "amina@example.org")


def signed_in(client, participant):
    client.force_login(participant.user)
    return client


def test_two_versions_are_numbered_hashed_and_receipted(
    client, cohort, person, private_dir, django_capture_on_commit_callbacks
):
    task = make_assignment(cohort)
    signed_in(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url(task), {"text": "My school is small.", "files": [pdf()]})
    assert first.status_code == 302
    second_pdf = PDF + b"%second\n"
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            url(task), {"text": "Now longer.", "files": [pdf("v2.pdf", second_pdf)]}
        )
    assert second.status_code == 302

    submission = Submission.objects.get(assignment=task, participant=person)
    assert submission.version_count == 2
    assert submission.status == SubmissionStatus.SUBMITTED
    assert not submission.is_late
    versions = list(submission.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [v.text for v in versions] == ["My school is small.", "Now longer."]
    one = versions[0].files.get()
    two = versions[1].files.get()
    assert one.sha256 == hashlib.sha256(PDF).hexdigest()
    assert two.sha256 == hashlib.sha256(second_pdf).hexdigest()
    assert one.file.read() == PDF  # never overwritten
    assert versions[1].digest == submissions.fingerprint("Now longer.", [two.sha256])
    assert len(files_on_disk(private_dir)) == 2

    assert len(mail.outbox) == 2
    receipt = mail.outbox[1]
    assert receipt.to == ["amina@example.org"]
    assert receipt.subject == "Receipt: School profile, version 2"
    assert two.sha256 in receipt.body
    assert versions[1].digest in receipt.body
    assert "v2.pdf" in receipt.body
    assert ModelLogEntry.objects.filter(action="assessments.submit").count() == 2

    page = client.get(url(task))
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "Version 2" in html and "Version 1" in html
    assert one.sha256 in html and two.sha256 in html
    assert reverse("assessments:submission_file", kwargs={"pk": two.pk}) in html


def test_the_receipt_follows_the_participant_language(
    client, cohort, private_dir, django_capture_on_commit_callbacks
):
    korean = f.participant(cohort, "minji@example.org", language="ko")
    task = make_assignment(cohort)
    AssignmentTranslation.objects.create(
        assignment=task, language_code="ko", instructions="학교를 소개하세요."
    )
    signed_in(client, korean)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(task), {"text": "작은 학교입니다.", "files": [pdf()]})
    (receipt,) = mail.outbox
    assert receipt.to == ["minji@example.org"]
    # Rendered in Korean: the link carries the Korean language prefix.
    assert f"/ko/my-programme/{cohort.slug}/assignments/{task.pk}/" in receipt.body
    with translation.override("ko"):
        korean_url = url(task)
    assert "학교를 소개하세요." in client.get(korean_url).content.decode()


def test_a_late_version_is_flagged_with_the_accept_policy(
    client, cohort, person, private_dir, django_capture_on_commit_callbacks
):
    task = make_assignment(cohort, due_in=dt.timedelta(days=2))
    on_time = submissions.submit(person, task, text="On time.")
    later = timezone.now() + dt.timedelta(days=3)
    late = submissions.submit(person, task, text="After.", at=later)
    assert (on_time.is_late, late.is_late) == (False, True)
    submission = Submission.objects.get(pk=on_time.submission_id)
    assert submission.is_late is False  # an on-time version exists
    assert submissions.latest_on_time(submission) == on_time

    past = make_assignment(cohort, due_in=-dt.timedelta(hours=1), title="Reflection")
    signed_in(client, person)
    assert "marked late" in client.get(url(past)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(past), {"text": "Sorry, late."})
    assert response.status_code == 302
    version = SubmissionVersion.objects.get(submission__assignment=past)
    assert version.is_late
    assert version.submission.is_late
    assert "marked late" in mail.outbox[-1].body


def test_late_work_is_refused_with_the_refuse_policy_and_nothing_is_stored(
    client, cohort, person, private_dir
):
    task = make_assignment(cohort, due_in=-dt.timedelta(minutes=1), late_policy=LatePolicy.REFUSE)
    signed_in(client, person)
    page = client.get(url(task))
    html = page.content.decode()
    assert "does not take late work" in html
    assert 'enctype="multipart/form-data"' not in html
    response = client.post(url(task), {"text": "Too late.", "files": [pdf()]})
    assert response.status_code == 409
    assert not SubmissionVersion.objects.exists()
    assert not SubmissionFile.objects.exists()
    assert files_on_disk(private_dir) == set()
    assert mail.outbox == []
    with pytest.raises(submissions.SubmissionRefused):
        submissions.submit(person, task, text="Direct.")
    assert not SubmissionVersion.objects.exists()


def test_a_revision_request_reopens_a_refuse_policy_assignment_after_the_due_moment(cohort, person):
    task = make_assignment(cohort, due_in=dt.timedelta(hours=1), late_policy=LatePolicy.REFUSE)
    version = submissions.submit(person, task, text="First.")
    organizer = f.organizer(cohort)
    submissions.give_feedback(version.submission, "revision", "Add the data.", organizer)
    later = timezone.now() + dt.timedelta(hours=2)
    again = submissions.submit(person, task, text="With data.", at=later)
    assert again.number == 2 and again.is_late
    assert Submission.objects.get(pk=version.submission_id).status == SubmissionStatus.SUBMITTED
    submissions.give_feedback(again.submission, "accept", "", organizer)
    with pytest.raises(submissions.SubmissionRefused):
        submissions.submit(person, task, text="More.", at=later)


@pytest.mark.parametrize(("label", "name", "content", "code", "message"), HOSTILE)
def test_hostile_uploads_are_refused_with_the_reason(
    client, cohort, person, private_dir, label, name, content, code, message
):
    if content is None or "\x00" in name:
        pytest.skip("sent through the validator in tests/cohorts/test_uploads.py")
    task = make_assignment(cohort)
    signed_in(client, person)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(url(task), {"text": "Kept text.", "files": [upload]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept text." in html
    assert "was not accepted" in html
    assert "Nothing was sent" in html
    assert not SubmissionVersion.objects.exists()
    assert files_on_disk(private_dir) == set()


def test_file_rules_of_the_assignment_apply(client, cohort, person, private_dir):
    task = make_assignment(cohort, file_kinds=["docx"], max_files=1, accepts_text=False)
    signed_in(client, person)
    response = client.post(url(task), {"files": [pdf()]})
    assert response.status_code == 400
    assert "Files of type .pdf are not accepted here" in response.content.decode()
    response = client.post(url(task), {"files": [pdf("a.pdf"), pdf("b.pdf")]})
    assert "Send at most 1 files in one version." in response.content.decode()
    response = client.post(url(task), {})
    assert "Choose a file to send." in response.content.decode()
    assert not SubmissionVersion.objects.exists()


def test_a_group_assignment_is_shared_by_members_and_hidden_from_other_groups(
    client, cohort, private_dir, django_capture_on_commit_callbacks
):
    group_a = f.group(cohort, "Group A")
    group_b = f.group(cohort, "Group B")
    ana = f.participant(cohort, "ana@example.org", group=group_a)
    ben = f.participant(cohort, "ben@example.org", group=group_a)
    carl = f.participant(cohort, "carl@example.org", group=group_b)
    task = make_assignment(cohort, per_group=True)
    only_a = make_assignment(cohort, title="Group A task", activity_group=group_a)

    signed_in(client, ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(task), {"text": "Our plan.", "files": [pdf()]})
    # Every member of the group gets the receipt, addressed by name; the other group nothing.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
    ]
    assert all("It was sent for your group, Group A." in m.body for m in mail.outbox)
    submission = Submission.objects.get(assignment=task)
    assert submission.group == group_a and submission.participant is None
    file = SubmissionFile.objects.get()

    signed_in(client, ben)
    page = client.get(url(task)).content.decode()
    assert "Our plan." in page
    assert (
        client.get(reverse("assessments:submission_file", kwargs={"pk": file.pk})).status_code
        == 200
    )
    client.post(url(task), {"text": "Our plan, v2."})
    assert Submission.objects.get(pk=submission.pk).version_count == 2

    signed_in(client, carl)
    assert "Our plan." not in client.get(url(task)).content.decode()
    assert (
        client.get(reverse("assessments:submission_file", kwargs={"pk": file.pk})).status_code
        == 404
    )
    assert client.get(url(only_a)).status_code == 404
    assert client.post(url(only_a), {"text": "x"}).status_code == 404


def test_others_files_and_other_cohorts_answer_404(client, cohort, person, private_dir):
    task = make_assignment(cohort)
    version = submissions.submit(person, task, uploads=[pdf()])
    file = version.stored_files[0]
    file_url = reverse("assessments:submission_file", kwargs={"pk": file.pk})

    signed_in(client, person)
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="profile.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert b"".join(response.streaming_content) == PDF

    other = f.participant(cohort, "other@example.org")
    signed_in(client, other)
    assert client.get(file_url).status_code == 404

    elsewhere = f.cohort("aslp-other")
    outsider = f.participant(elsewhere, "outsider@example.org")
    signed_in(client, outsider)
    assert client.get(file_url).status_code == 404
    assert client.get(url(task)).status_code == 404
    wrong_slug = reverse("assessments:assignment", kwargs={"slug": elsewhere.slug, "pk": task.pk})
    assert client.get(wrong_slug).status_code == 404

    client.force_login(f.organizer(elsewhere, "org-b@example.org"))
    assert client.get(file_url).status_code == 404
    client.force_login(f.organizer(cohort, "org-a@example.org"))
    assert client.get(file_url).status_code == 200

    client.logout()
    assert client.get(file_url).status_code == 302


def test_the_progress_counts_a_sent_assignment_as_done(cohort, person):
    task = make_assignment(cohort)
    other = make_assignment(cohort, title="Second")
    assert task.activity_id not in load_programme(person).done_ids
    submissions.submit(person, task, text="Done.")
    done = load_programme(person).done_ids
    assert task.activity_id in done
    assert other.activity_id not in done


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_at_once_make_versions_1_and_2(private_dir):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    cohort = f.cohort("aslp-race")
    person = f.participant(cohort, "race@example.org")
    task = make_assignment(cohort)
    barrier = threading.Barrier(2)
    errors = []

    def send(text):
        try:
            barrier.wait(timeout=5)
            submissions.submit(person, task, text=text)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(f"copy {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(SubmissionVersion.objects.values_list("number", flat=True))
    assert numbers == [1, 2]
    assert Submission.objects.get().version_count == 2
