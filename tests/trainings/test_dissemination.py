"""Post-training dissemination: participants report with evidence files (R9 checks), organizers
accept or return with a comment (e-mail in the participant's language, audit), and reach totals
per participant, economy and cohort count accepted reports only."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cohorts.models import ApplicationStatus
from tests.cohorts.applying import files_on_disk, private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories
from trainings import dissemination
from trainings.models import (
    DisseminationEvidence,
    DisseminationKind,
    DisseminationReport,
    ReportStatus,
)

pytestmark = pytest.mark.django_db

MINIMAL_PDF = factories.MINIMAL_PDF
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def started_cohort(slug: str | None = None, **extra):
    """A cohort whose workshop began ten days ago (reports are open)."""
    today = timezone.localdate()
    return factories.cohort(
        slug,
        pre_training_starts=today - dt.timedelta(days=60),
        pre_training_ends=today - dt.timedelta(days=20),
        workshop_starts=today - dt.timedelta(days=10),
        workshop_ends=today - dt.timedelta(days=7),
        post_training_starts=today - dt.timedelta(days=5),
        post_training_ends=today + dt.timedelta(days=90),
        **extra,
    )


def report(participant, educators=10, status=ReportStatus.SUBMITTED, **extra):
    values = {
        "kind": DisseminationKind.TRAINING,
        "held_on": timezone.localdate() - dt.timedelta(days=3),
        "audience": "Teachers of my district",
        "educators_reached": educators,
        "description": "A day on distributed leadership.",
        "status": status,
        **extra,
    }
    return DisseminationReport.objects.create(participant=participant, **values)


def evidence(made_report, content=MINIMAL_PDF, name="agenda.pdf"):
    row = DisseminationEvidence(
        report=made_report,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    row.file.save("evidence.pdf", ContentFile(content), save=False)
    row.save()
    return row


def form_data(**extra):
    return {
        "kind": "training",
        "held_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "audience": "Head teachers of Busan district 4",
        "educators_reached": "42",
        "description": "Two-hour workshop on instructional leadership.",
        **extra,
    }


def new_url(cohort):
    return reverse("trainings:dissemination_new", kwargs={"slug": cohort.slug})


# -- Totals ---------------------------------------------------------------------------------


def test_totals_count_accepted_reports_per_participant_economy_and_cohort(client):
    cohort = started_cohort("reach")
    ana = factories.participant(cohort, "ana@example.org", economy_code="ROK")
    bo = factories.participant(cohort, "bo@example.org", economy_code="ROK")
    chai = factories.participant(cohort, "chai@example.org", economy_code="THA")
    quiet = factories.participant(cohort, "quiet@example.org", economy_code="THA")
    report(ana, 30, ReportStatus.ACCEPTED)
    report(ana, 20, ReportStatus.ACCEPTED)
    report(ana, 100, ReportStatus.SUBMITTED)
    report(ana, 50, ReportStatus.RETURNED)
    report(bo, 15, ReportStatus.ACCEPTED)
    report(chai, 7, ReportStatus.ACCEPTED)
    report(chai, 9, ReportStatus.SUBMITTED)
    other = started_cohort("elsewhere")
    report(factories.participant(other, economy_code="ROK"), 1000, ReportStatus.ACCEPTED)

    totals = dissemination.cohort_totals(cohort)

    assert {p.user.email: p.reached for p in totals.participants} == {
        "ana@example.org": 50,
        "bo@example.org": 15,
        "chai@example.org": 7,
        "quiet@example.org": 0,
    }
    assert {r["economy"].code: (r["participants"], r["reached"]) for r in totals.economies} == {
        "ROK": (2, 65),
        "THA": (2, 7),
    }
    assert totals.cohort == 72
    assert {row["value"]: row["count"] for row in totals.by_status} == {
        "submitted": 2,
        "accepted": 4,
        "returned": 1,
    }
    assert dissemination.participant_reach(ana) == 50
    assert dissemination.participant_reach(quiet) == 0

    client.force_login(factories.organizer(cohort))
    response = client.get(reverse("trainings:manage_dissemination", kwargs={"slug": "reach"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd class="reach-number" id="cohort-reach">72</dd>' in html
    assert '<dd id="count-accepted">4</dd>' in html

    client.force_login(ana.user)
    response = client.get(reverse("trainings:dissemination", kwargs={"slug": "reach"}))
    assert '<dd class="reach-number" id="my-reach">50</dd>' in response.content.decode()


def test_organizer_list_filters_by_status_economy_and_kind(client):
    cohort = started_cohort()
    korean = factories.participant(cohort, economy_code="ROK", family_name="Kim")
    thai = factories.participant(cohort, economy_code="THA", family_name="Srisuk")
    accepted = report(korean, 5, ReportStatus.ACCEPTED, kind=DisseminationKind.LESSON)
    submitted = report(thai, 6, ReportStatus.SUBMITTED, kind=DisseminationKind.MEETING)
    client.force_login(factories.organizer(cohort))
    url = reverse("trainings:manage_dissemination", kwargs={"slug": cohort.slug})

    def listed(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [r.pk for r in response.context["reports"]]

    assert sorted(listed()) == sorted([accepted.pk, submitted.pk])
    assert listed(status="accepted") == [accepted.pk]
    assert listed(economy=str(thai.application.economy_id)) == [submitted.pk]
    assert listed(kind="lesson") == [accepted.pk]
    assert listed(kind="lesson", status="submitted") == []


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_organizer_list_runs_a_constant_number_of_queries(client):
    cohort = started_cohort()
    organizer = factories.organizer(cohort)
    first = factories.participant(cohort, economy_code="ROK")
    evidence(report(first, 3))
    client.force_login(organizer)
    url = reverse("trainings:manage_dissemination", kwargs={"slug": cohort.slug})
    client.get(url)  # warm caches (sessions, site)
    one = _count_queries(client, url)
    for code in ("THA", "USA", "JPN", "ROK"):
        person = factories.participant(cohort, economy_code=code)
        evidence(report(person, 4, ReportStatus.ACCEPTED))
        report(person, 2, ReportStatus.RETURNED)
    several = _count_queries(client, url)
    assert several == one


# -- Participant: writing a report ------------------------------------------------------------


def test_participant_submits_a_report_with_evidence(client, private_dir):
    cohort = started_cohort()
    participant = factories.participant(cohort)
    client.force_login(participant.user)
    response = client.get(new_url(cohort))
    assert response.status_code == 200

    data = form_data(
        evidence=[
            SimpleUploadedFile("agenda.pdf", MINIMAL_PDF, "application/pdf"),
            SimpleUploadedFile("photo.pdf", MINIMAL_PDF, "application/pdf"),
        ]
    )
    response = client.post(new_url(cohort), data)

    made = DisseminationReport.objects.get(participant=participant)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "trainings:dissemination_report", kwargs={"slug": cohort.slug, "pk": made.pk}
    )
    assert made.status == ReportStatus.SUBMITTED
    assert made.educators_reached == 42
    assert made.audience == "Head teachers of Busan district 4"
    files = list(made.evidence.order_by("original_name"))
    digest = hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert [(f.original_name, f.sha256, f.size, f.content_type) for f in files] == [
        ("agenda.pdf", digest, len(MINIMAL_PDF), "application/pdf"),
        ("photo.pdf", digest, len(MINIMAL_PDF), "application/pdf"),
    ]
    for row in files:
        assert row.file.name.startswith(f"dissemination/{cohort.pk}/")
        assert "agenda" not in row.file.name and "photo" not in row.file.name
        assert (private_dir / row.file.name).read_bytes() == MINIMAL_PDF

    listing = client.get(reverse("trainings:dissemination", kwargs={"slug": cohort.slug}))
    html = listing.content.decode()
    assert "Head teachers of Busan district 4" in html
    assert "Submitted" in html


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "slides.pdf",
            EXECUTABLE,
            "The file is a program, not a document. Only documents and pictures are accepted.",
        ),
        ("empty.pdf", b"", "The file is empty. Choose the file again."),
    ],
)
def test_hostile_uploads_are_refused_with_a_reason_and_typed_values_kept(
    client, private_dir, name, content, reason
):
    cohort = started_cohort()
    participant = factories.participant(cohort)
    client.force_login(participant.user)
    data = form_data(
        evidence=[
            SimpleUploadedFile("fine.pdf", MINIMAL_PDF, "application/pdf"),
            SimpleUploadedFile(name, content, "application/pdf"),
        ]
    )

    response = client.post(new_url(cohort), data)

    assert response.status_code == 400
    errors = response.context["form"].errors["evidence"]
    assert errors[0] == f"“{name}” was not accepted: {reason}"
    assert "what you typed is kept below" in errors[1]
    html = response.content.decode()
    assert 'value="Head teachers of Busan district 4"' in html
    assert 'value="42"' in html
    assert "Two-hour workshop on instructional leadership." in html
    assert not DisseminationReport.objects.exists()
    assert not DisseminationEvidence.objects.exists()
    assert files_on_disk(private_dir) == set()


def test_a_date_in_the_future_or_before_the_workshop_is_refused(client):
    cohort = started_cohort()
    participant = factories.participant(cohort)
    client.force_login(participant.user)
    today = dissemination.local_today(participant)

    future = client.post(new_url(cohort), form_data(held_on=str(today + dt.timedelta(days=1))))
    assert future.status_code == 400
    (message,) = future.context["form"].errors["held_on"]
    assert "is in the future. Report an activity once it has happened." in message

    early = client.post(
        new_url(cohort), form_data(held_on=str(cohort.workshop_starts - dt.timedelta(days=1)))
    )
    assert early.status_code == 400
    (message,) = early.context["form"].errors["held_on"]
    assert message.startswith("The date is before the workshop started")

    assert client.post(new_url(cohort), form_data(held_on=str(today))).status_code == 302
    assert DisseminationReport.objects.count() == 1


@pytest.mark.parametrize("educators", ["-1", "1000001", "many"])
def test_educators_reached_must_be_between_zero_and_a_million(client, educators):
    cohort = started_cohort()
    participant = factories.participant(cohort)
    client.force_login(participant.user)
    response = client.post(new_url(cohort), form_data(educators_reached=educators))
    assert response.status_code == 400
    assert response.context["form"].errors["educators_reached"]
    assert not DisseminationReport.objects.exists()


def test_reports_open_on_the_workshops_first_day(client):
    cohort = factories.cohort()  # the workshop is 20 days ahead
    participant = factories.participant(cohort)
    client.force_login(participant.user)

    page = client.get(new_url(cohort))
    assert page.status_code == 200
    assert "Dissemination reports can be written from the first day of the workshop" in (
        page.content.decode()
    )
    refused = client.post(new_url(cohort), form_data())
    assert refused.status_code == 409
    assert not DisseminationReport.objects.exists()


def test_a_returned_report_goes_back_to_submitted_when_changed(client, private_dir):
    cohort = started_cohort()
    participant = factories.participant(cohort)
    made = report(participant, 10, ReportStatus.RETURNED, organizer_comment="Add the agenda.")
    old = evidence(made, name="old.pdf")
    client.force_login(participant.user)
    url = reverse("trainings:dissemination_report", kwargs={"slug": cohort.slug, "pk": made.pk})
    page = client.get(url)
    assert "Add the agenda." in page.content.decode()

    response = client.post(
        url,
        form_data(
            educators_reached="12",
            remove_evidence=[str(old.pk)],
            evidence=[SimpleUploadedFile("agenda.pdf", MINIMAL_PDF, "application/pdf")],
        ),
    )

    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ReportStatus.SUBMITTED
    assert made.educators_reached == 12
    assert [f.original_name for f in made.evidence.all()] == ["agenda.pdf"]


def test_an_accepted_report_can_no_longer_be_changed(client):
    cohort = started_cohort()
    participant = factories.participant(cohort)
    made = report(participant, 10, ReportStatus.ACCEPTED)
    client.force_login(participant.user)
    url = reverse("trainings:dissemination_report", kwargs={"slug": cohort.slug, "pk": made.pk})
    assert client.get(url).context["form"] is None
    client.post(url, form_data(educators_reached="999"))
    made.refresh_from_db()
    assert made.educators_reached == 10
    assert made.status == ReportStatus.ACCEPTED


# -- Who sees what ------------------------------------------------------------------------------


def test_others_reports_and_evidence_answer_404(client):
    cohort = started_cohort()
    owner = factories.participant(cohort)
    made = report(owner)
    file = evidence(made)
    stranger = factories.participant(cohort)
    client.force_login(stranger.user)
    report_url = reverse(
        "trainings:dissemination_report", kwargs={"slug": cohort.slug, "pk": made.pk}
    )
    evidence_url = reverse("trainings:evidence", kwargs={"pk": file.pk})
    assert client.get(report_url).status_code == 404
    assert client.post(report_url, form_data()).status_code == 404
    assert client.get(evidence_url).status_code == 404

    other_cohort = started_cohort()
    client.force_login(factories.organizer(other_cohort))
    assert client.get(evidence_url).status_code == 404
    manage_url = reverse(
        "trainings:manage_report", kwargs={"slug": other_cohort.slug, "pk": made.pk}
    )
    assert client.get(manage_url).status_code == 404

    withdrawn = owner.application
    withdrawn.status = ApplicationStatus.WITHDRAWN
    withdrawn.save(update_fields=["status"])
    client.force_login(owner.user)
    assert client.get(evidence_url).status_code == 404


def test_evidence_downloads_as_an_attachment_for_the_owner_and_the_cohorts_organizer(client):
    cohort = started_cohort()
    owner = factories.participant(cohort)
    file = evidence(report(owner), name='my "agenda".pdf')
    url = reverse("trainings:evidence", kwargs={"pk": file.pk})
    for person in (owner.user, factories.organizer(cohort)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == MINIMAL_PDF
        assert response["Content-Disposition"] == 'attachment; filename="my _agenda_.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
    assert client.post(url).status_code == 405


# -- Review -------------------------------------------------------------------------------------


def manage_url(made):
    return reverse(
        "trainings:manage_report",
        kwargs={"slug": made.participant.cohort.slug, "pk": made.pk},
    )


def test_returning_without_a_comment_is_refused(client, django_capture_on_commit_callbacks):
    cohort = started_cohort()
    made = report(factories.participant(cohort))
    client.force_login(factories.organizer(cohort))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url(made), {"decision": "return", "comment": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["comment"] == [
        "Write a comment to return the report: it tells the participant what to change."
    ]
    made.refresh_from_db()
    assert made.status == ReportStatus.SUBMITTED
    assert mail.outbox == []
    assert not ModelLogEntry.objects.filter(action="trainings.report_review").exists()


def test_return_is_mailed_in_korean_to_a_korean_participant_and_audited(
    client, django_capture_on_commit_callbacks
):
    cohort = started_cohort()
    participant = factories.participant(cohort, "jiwoo@example.org", language="ko")
    made = report(participant, 25, held_on=dt.date(2026, 11, 3))
    organizer = factories.organizer(cohort)
    client.force_login(organizer)
    comment = "행사 일정표를 첨부해 주세요."

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url(made), {"decision": "return", "comment": comment})

    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ReportStatus.RETURNED
    assert made.organizer_comment == comment
    assert made.reviewed_by == organizer
    (message,) = mail.outbox
    assert message.to == ["jiwoo@example.org"]
    expected_subject, expected_body = _rendered(participant, "report_returned", made, comment)
    assert message.subject == expected_subject
    assert message.body == expected_body
    # Rendered in Korean: the date in Korean format, the link under the /ko/ prefix.
    assert "2026년 11월 3일" in message.body
    assert comment in message.body
    assert f"/ko/my-programme/{cohort.slug}/dissemination/{made.pk}/" in message.body
    entry = ModelLogEntry.objects.get(action="trainings.report_review", object_id=str(made.pk))
    assert entry.user_id == organizer.pk
    assert entry.data["before"] == {"status": "submitted", "organizer_comment": ""}
    assert entry.data["after"] == {"status": "returned", "organizer_comment": comment}


def _rendered(participant, name, made, comment):
    from trainings import emails

    link = emails.absolute_url(
        f"/ko/my-programme/{participant.cohort.slug}/dissemination/{made.pk}/"
    )
    return emails.render_for(
        participant,
        name,
        {
            "report": made,
            "name": participant.application.display_name,
            "comment": comment,
            "link": link,
        },
    )


def test_accepting_counts_the_report_and_mails_the_participant_in_english(
    client, django_capture_on_commit_callbacks
):
    cohort = started_cohort()
    participant = factories.participant(cohort, "sam@example.org", economy_code="USA")
    made = report(participant, 33, held_on=dt.date(2026, 11, 3))
    client.force_login(factories.organizer(cohort))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url(made), {"decision": "accept", "comment": ""})

    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ReportStatus.ACCEPTED
    (message,) = mail.outbox
    assert message.subject == "Your dissemination report is accepted (Training)"
    assert "your report of the Training on Nov. 3, 2026 is accepted" in message.body
    assert "The 33 educators you reached" in message.body
    assert dissemination.cohort_totals(cohort).cohort == 33
