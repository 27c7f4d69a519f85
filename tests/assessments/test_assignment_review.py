"""Assignments, the organizers' side: lists with counts in a constant number of queries, the
submission page with feedback (a revision needs a comment; e-mail; audit with before/after;
rubric scores), the ZIP with its manifest, and other cohorts' organizers kept out."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessments import submissions
from assessments.models import (
    Assignment,
    AssignmentCriterion,
    Feedback,
    Submission,
    SubmissionStatus,
)
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f
from trainings.models import ActivityKind

pytestmark = pytest.mark.django_db

PDF = f.MINIMAL_PDF


def make_assignment(cohort, *, due_in=dt.timedelta(days=7), title="School profile", **extra):
    activity = f.activity(
        cohort, ActivityKind.ASSIGNMENT, title=title, due_at=timezone.now() + due_in
    )
    return Assignment.objects.create(activity=activity, **extra)


def pdf(name="profile.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def cohort():
    return f.cohort("aslp-review")


@pytest.fixture
def organizer(cohort):
    return f.organizer(cohort, "organizer@example.org")


def manage(name, cohort, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"slug": cohort.slug, **kwargs})


def test_a_revision_needs_a_comment(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org")
    task = make_assignment(cohort)
    version = submissions.submit(person, task, text="Draft.")
    mail.outbox.clear()
    client.force_login(organizer)
    page = manage("manage_submission", cohort, pk=version.submission_id)
    response = client.post(page, {"decision": "revision", "comment": "  "})
    assert response.status_code == 400
    assert "Write a comment to ask for a revision" in response.content.decode()
    assert not Feedback.objects.exists()
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    assert mail.outbox == []
    with pytest.raises(submissions.SubmissionRefused):
        submissions.give_feedback(version.submission, "revision", "", organizer)


def test_feedback_is_saved_mailed_and_audited_with_scores(
    client, cohort, organizer, private_dir, django_capture_on_commit_callbacks
):
    person = f.participant(cohort, "amina@example.org", language="ko")
    task = make_assignment(cohort)
    clarity = AssignmentCriterion.objects.create(assignment=task, title="Clarity", level_5="Clear")
    version = submissions.submit(person, task, text="Draft.")
    mail.outbox.clear()
    client.force_login(organizer)
    page = manage("manage_submission", cohort, pk=version.submission_id)
    html = client.get(page).content.decode()
    assert "Clarity" in html and "5: Clear" in html and "Draft." in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page,
            {"decision": "revision", "comment": "Add numbers.", f"score_{clarity.pk}": "3"},
        )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.decision, feedback.comment, feedback.scores) == (
        SubmissionStatus.REVISION_REQUESTED,
        "Add numbers.",
        {str(clarity.pk): 3},
    )
    assert feedback.version == version and feedback.reviewer == organizer
    assert Submission.objects.get().status == SubmissionStatus.REVISION_REQUESTED
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert "Add numbers." in message.body
    assert f"/ko/my-programme/{cohort.slug}/assignments/{task.pk}/" in message.body
    entry = ModelLogEntry.objects.get(action="assessments.feedback")
    assert entry.data["before"] == {"status": "submitted"}
    assert entry.data["after"]["status"] == "revision"
    assert entry.data["after"]["comment"] == "Add numbers."
    assert entry.user_id == organizer.pk

    # The participant sees the comment; the organizer's page shows the history with the score.
    client.force_login(person.user)
    participant_page = reverse(
        "assessments:assignment", kwargs={"slug": cohort.slug, "pk": task.pk}
    )
    seen = client.get(participant_page).content.decode()
    assert "Add numbers." in seen and "Clarity" in seen and "3 / 5" in seen
    client.force_login(organizer)
    html = client.get(page).content.decode()
    assert "Add numbers." in html and "3 / 5" in html


def test_feedback_on_a_group_submission_reaches_every_member(
    cohort, organizer, django_capture_on_commit_callbacks
):
    group = f.group(cohort, "Group A")
    ana = f.participant(cohort, "ana@example.org", group=group)
    f.participant(cohort, "ben@example.org", group=group)
    task = make_assignment(cohort, per_group=True)
    version = submissions.submit(ana, task, text="Plan.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submissions.give_feedback(version.submission, "accept", "Well done.", organizer)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]
    assert all(m.subject == "Your work is accepted: School profile" for m in mail.outbox)


def test_the_zip_holds_the_latest_versions_and_a_manifest(client, cohort, organizer, private_dir):
    ana = f.participant(cohort, "ana@example.org", given_names="Ana", family_name="Lopez")
    ben = f.participant(cohort, "ben@example.org", given_names="Ben", family_name="Kim")
    task = make_assignment(cohort)
    submissions.submit(ana, task, text="First.", uploads=[pdf("plan.pdf")])
    second = PDF + b"%v2\n"
    submissions.submit(ana, task, uploads=[pdf("plan.pdf", second)])
    submissions.submit(ben, task, text="=HYPERLINK(1)")
    client.force_login(organizer)
    response = client.get(manage("assignment_zip", cohort, pk=task.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    ana_sub = Submission.objects.get(participant=ana)
    ben_sub = Submission.objects.get(participant=ben)
    assert names == sorted(
        [
            f"Ana LOPEZ ({ana_sub.pk})/v2/plan.pdf",
            f"Ben KIM ({ben_sub.pk})/v1/text.txt",
            "manifest.csv",
        ]
    )
    assert archive.read(f"Ana LOPEZ ({ana_sub.pk})/v2/plan.pdf") == second
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[0] == [
        "Participant or group",
        "Version",
        "Sent",
        "Late",
        "File",
        "Name in the archive",
        "Size in bytes",
        "SHA-256",
    ]
    by_name = {row[5]: row for row in rows[1:]}
    for inner, row in by_name.items():
        assert row[7] == hashlib.sha256(archive.read(inner)).hexdigest()
    assert by_name[f"Ana LOPEZ ({ana_sub.pk})/v2/plan.pdf"][:2] == ["Ana LOPEZ", "2"]
    assert by_name[f"Ben KIM ({ben_sub.pk})/v1/text.txt"][3] == "No"
    entry = ModelLogEntry.objects.get(action="assessments.download")
    assert entry.data["files"] == 2 and entry.data["submissions"] == 2

    every = client.get(manage("assignment_zip", cohort, pk=task.pk) + "?all=1")
    names = zipfile.ZipFile(io.BytesIO(b"".join(every.streaming_content))).namelist()
    assert f"Ana LOPEZ ({ana_sub.pk})/v1/plan.pdf" in names
    assert f"Ana LOPEZ ({ana_sub.pk})/v1/text.txt" in names


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_organizer_lists_take_a_constant_number_of_queries(
    cohort, organizer, client, private_dir
):
    client.force_login(organizer)
    task = make_assignment(cohort)
    first = f.participant(cohort, "p0@example.org")
    submissions.submit(first, task, text="One.", uploads=[pdf()])
    list_url = manage("manage_assignments", cohort)
    task_url = manage("manage_assignment", cohort, pk=task.pk)
    _queries(client, list_url)  # warm the per-process caches
    few_list, _ = _queries(client, list_url)
    few_task, _ = _queries(client, task_url)

    for n in range(1, 5):
        person = f.participant(cohort, f"p{n}@example.org")
        if n % 2:
            submissions.submit(person, task, text=f"Text {n}.", uploads=[pdf()])
    make_assignment(cohort, title="Reflection", due_in=-dt.timedelta(days=1))
    make_assignment(cohort, title="Plan")
    late_one = Assignment.objects.get(activity__title="Reflection")
    submissions.submit(first, late_one, text="Late.")
    many_list, response = _queries(client, list_url)
    many_task, task_page = _queries(client, task_url)
    assert many_list == few_list
    assert many_task == few_task

    html = response.content.decode()
    assert "3 / 5" in html  # School profile: three of five sent
    assert "1 / 5" in html  # Reflection: one, late
    html = task_page.content.decode()
    assert "Not sent yet (2)" in html
    assert "Submitted (3)" in html


def test_other_cohorts_organizers_and_participants_get_404(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org")
    task = make_assignment(cohort)
    version = submissions.submit(person, task, text="Mine.")
    pages = [
        manage("manage_assignments", cohort),
        manage("manage_assignment", cohort, pk=task.pk),
        manage("manage_submission", cohort, pk=version.submission_id),
        manage("assignment_zip", cohort, pk=task.pk),
    ]
    elsewhere = f.cohort("aslp-else")
    client.force_login(f.organizer(elsewhere, "org-b@example.org"))
    for page in pages:
        assert client.get(page).status_code == 404, page
    assert client.post(pages[2], {"decision": "accept", "comment": ""}).status_code == 404
    # Their own cohort's slug with this cohort's objects: 404 too.
    assert client.get(manage("manage_assignment", elsewhere, pk=task.pk)).status_code == 404
    client.force_login(person.user)
    for page in pages:
        assert client.get(page).status_code in (403, 404), page
    client.force_login(organizer)
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert not ModelLogEntry.objects.filter(action="assessments.feedback").exists()


# -- The admin screen ----------------------------------------------------------------------------

ADMIN = "/admin/programme/assignments/"


def _formset(prefix, rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = ""
        data[f"{prefix}-{i}-DELETE"] = ""
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_the_admin_screen_is_scoped_to_the_organizers_cohorts(client, cohort, organizer):
    mine = make_assignment(cohort, title="Mine")
    elsewhere = f.cohort("aslp-admin-else")
    theirs = make_assignment(elsewhere, title="Theirs")
    free = f.activity(cohort, ActivityKind.ASSIGNMENT, title="Free task")
    f.activity(elsewhere, ActivityKind.ASSIGNMENT, title="Other cohort task")
    client.force_login(organizer)
    assert '"label": "Assignments"' in client.get("/admin/").content.decode()
    listing = client.get(ADMIN).content.decode()
    assert "Mine" in listing and "Theirs" not in listing
    assert client.get(f"{ADMIN}edit/{theirs.pk}/").status_code == 404
    assert client.get(f"{ADMIN}edit/{mine.pk}/").status_code == 200
    form = client.get(f"{ADMIN}new/").content.decode()
    assert "Free task" in form
    assert "Other cohort task" not in form
    data = {
        "activity": free.pk,
        "instructions": "Write one page.",
        "late_policy": "refuse",
        "accepts_text": "on",
        "accepts_files": "on",
        "file_kinds": ["pdf"],
        "max_file_mb": 5,
        "max_files": 2,
        **_formset("translations", [{"language_code": "ko", "instructions": "한 쪽을 쓰세요."}]),
        **_formset("criteria", [{"title": "Clarity", "weight": 1, "sort_order": 0}]),
    }
    response = client.post(f"{ADMIN}new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Assignment.objects.get(activity=free)
    assert created.file_kinds == ["pdf"]
    assert created.late_policy == "refuse"
    assert created.translated("instructions", "ko") == "한 쪽을 쓰세요."
    assert list(created.criteria.values_list("title", flat=True)) == ["Clarity"]
