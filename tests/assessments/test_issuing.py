"""Issuing certificates: kinds by outcome, serials and codes, the stored PDF and what it says,
re-issue, revocation, bulk issue (run again: nothing doubles), lookups, the ZIP, the command."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from assessments import issuing
from assessments.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateDetails,
    CertificateStatus,
    CertificateWording,
    SerialCounter,
)
from tests.assessments.certificate_world import certificate_world

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


@pytest.fixture
def world():
    return certificate_world()


def _actions(certificate):
    return list(
        ModelLogEntry.objects.filter(object_id=str(certificate.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_kinds_follow_the_outcome(world):
    assert issuing.issue_participant(world["kim"], send_email=False).kind == "completion"
    assert issuing.issue_participant(world["somchai"], send_email=False).kind == "completion"
    assert issuing.issue_participant(world["lee"], send_email=False).kind == "attendance"
    with pytest.raises(issuing.IssueRefused, match="neither completed"):
        issuing.issue_participant(world["park"], send_email=False)
    speaker = issuing.issue_speaker(world["cohort"], world["speaker"])
    assert speaker.kind == "appreciation"
    assert speaker.holder_name == "Maria Santos"
    assert speaker.languages == ["en"]


def test_serials_codes_and_the_stored_pdf(world, settings):
    cohort = world["cohort"]
    first = issuing.issue_participant(world["kim"], send_email=False)
    second = issuing.issue_participant(world["somchai"], send_email=False)
    prefix = cohort.reference_prefix
    assert (first.serial, second.serial) == (f"{prefix}-000001", f"{prefix}-000002")
    assert SerialCounter.objects.get(prefix=prefix).last == 2
    # 160 random bits, URL-safe, different every time.
    assert len(first.code) == 27 and first.code != second.code
    assert set(first.code) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    data = issuing.pdf_bytes(first)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == first.sha256
    assert len(data) == first.size < 80_000
    assert first.pdf.name == f"certificates/{cohort.pk}/{first.code}.pdf"
    # What was printed is kept: bilingual English + Korean, the names, the family name.
    assert (first.language, first.languages) == ("ko", ["en", "ko"])
    assert (first.holder_name, first.holder_name_latin) == ("김민준", "Minjun Kim")
    assert first.holder_family_name == "Kim"
    text = pdf_text(data)
    for expected in (
        "Certificate of Completion",
        "수료증",
        "김민준",
        "Minjun Kim",
        "APEC School Leadership Program",
        first.serial,
        "Dr. Seo-yeon Han",
        f"/verify/{first.code}/",
    ):
        assert expected in text, expected
    thai = pdf_text(issuing.pdf_bytes(second))
    assert "ณัฐพงศ์ กิตติศักดิ์" in thai and "ประกาศนียบัตร" in thai
    assert issuing.verification_url(first).endswith(f"/verify/{first.code}/")
    assert "/ko/" not in issuing.verification_url(first)
    assert _actions(first) == ["assessments.certificate_issue"]


def test_one_valid_certificate_per_participant(world):
    first = issuing.issue_participant(world["kim"], send_email=False)
    with pytest.raises(issuing.AlreadyIssued):
        issuing.issue_participant(world["kim"], send_email=False)
    # The database refuses a second valid one whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            cohort=first.cohort,
            kind=first.kind,
            participant=first.participant,
            serial="ASLP-2099-000001",
            code="another",
            holder_name="x",
            language="en",
            issued_on=first.issued_on,
            sha256="0" * 64,
            size=1,
        )
    assert Certificate.objects.filter(participant=world["kim"]).count() == 1


def test_single_language_and_details_from_the_participant(world):
    CertificateDetails.objects.create(
        participant=world["kim"],
        language="ko",
        single_language=True,
        native_name="김 민준",
        latin_name="Min-jun KIM",
    )
    certificate = issuing.issue_participant(world["kim"], send_email=False)
    assert certificate.languages == ["ko"]
    text = pdf_text(issuing.pdf_bytes(certificate))
    assert "수료증" in text and "Certificate of Completion" not in text
    assert "김 민준" in text and "Min-jun KIM" in text


def test_missing_wording_is_refused_with_the_language_named(world):
    CertificateWording.objects.filter(language_code="th", kind="completion").delete()
    with pytest.raises(issuing.IssueRefused) as refused:
        issuing.issue_participant(world["somchai"], send_email=False)
    assert "ไทย" in str(refused.value) and "Completion" in str(refused.value)
    assert issuing.problems(world["cohort"]) == [
        "No ไทย wording for completion certificates: 1 participants need it."
    ]
    assert not Certificate.objects.exists()


def test_no_template_no_certificate():
    made = certificate_world("cohort-t", template=False)
    with pytest.raises(issuing.IssueRefused, match="no certificate template"):
        issuing.issue_participant(made["kim"], send_email=False)
    assert issuing.problems(made["cohort"]) == ["This cohort has no certificate template yet."]


def test_reissue_with_a_corrected_name_supersedes_the_old_one(world, django_user_model):
    staff = django_user_model.objects.create_user("certs@example.org", "certs@example.org")
    old = issuing.issue_participant(world["kim"], send_email=False)
    CertificateDetails.objects.create(
        participant=world["kim"], language="ko", native_name="김민준", latin_name="Min-Jun Kim"
    )
    new = issuing.reissue(old, by=staff, reason="Hyphen in the given name", send_email=False)
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.status_reason == "Hyphen in the given name"
    assert old.status_changed_by == staff
    assert new.replaces == old and old.replaced_by == new
    assert new.status == CertificateStatus.VALID and new.serial != old.serial
    assert "Min-Jun Kim" in pdf_text(issuing.pdf_bytes(new))
    assert issuing.current_certificate(world["kim"]) == new
    assert _actions(new) == ["assessments.certificate_reissue"]
    with pytest.raises(issuing.IssueRefused, match="Only a valid"):
        issuing.reissue(old, by=staff, reason="again", send_email=False)
    with pytest.raises(issuing.IssueRefused, match="reason"):
        issuing.reissue(new, by=staff, reason="  ", send_email=False)


def test_revoke_needs_a_reason_and_happens_once(world, django_user_model):
    staff = django_user_model.objects.create_user("certs@example.org", "certs@example.org")
    certificate = issuing.issue_participant(world["kim"], send_email=False)
    with pytest.raises(issuing.IssueRefused, match="reason"):
        issuing.revoke(certificate, by=staff, reason=" ")
    issuing.revoke(certificate, by=staff, reason="Attendance sheets were falsified")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.status_reason == "Attendance sheets were falsified"
    assert certificate.status_changed_at is not None
    with pytest.raises(issuing.IssueRefused, match="Only a valid"):
        issuing.revoke(certificate, by=staff, reason="again")
    with pytest.raises(issuing.IssueRefused, match="Only a valid"):
        issuing.reissue(certificate, by=staff, reason="new name", send_email=False)
    # A revoked certificate stays current: no new one is issued over it.
    with pytest.raises(issuing.AlreadyIssued):
        issuing.issue_participant(world["kim"], send_email=False)
    assert _actions(certificate) == [
        "assessments.certificate_issue",
        "assessments.certificate_revoke",
    ]
    issuing.record_download(certificate, staff)
    assert _actions(certificate)[-1] == "assessments.certificate_download"


def test_a_batch_issues_each_eligible_once_and_a_rerun_adds_nothing(world):
    cohort = world["cohort"]
    seen = []
    batch = CertificateBatch.objects.create(cohort=cohort, include_speakers=True, send_email=False)
    issuing.run_batch(batch, progress=lambda b: seen.append((b.processed, b.total)))
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.issued, batch.skipped, batch.failed) == (
        BatchStatus.FINISHED,
        4,
        4,
        0,
        0,
    )
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    issued = {c.holder_name_latin: c.kind for c in Certificate.objects.filter(cohort=cohort)}
    assert issued == {
        "Minjun Kim": "completion",
        "Nattapong Kittisak": "completion",
        "Jiwoo Lee": "attendance",
        "Maria Santos": "appreciation",
    }
    again = CertificateBatch.objects.create(cohort=cohort, include_speakers=True, send_email=False)
    issuing.run_batch(again)
    again.refresh_from_db()
    assert (again.issued, again.skipped, again.failed) == (0, 4, 0)
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == 4


def test_a_batch_lists_what_it_could_not_issue_and_goes_on(world):
    CertificateWording.objects.filter(language_code="th").delete()
    batch = CertificateBatch.objects.create(cohort=world["cohort"], send_email=False)
    issuing.run_batch(batch)
    batch.refresh_from_db()
    assert (batch.issued, batch.failed) == (2, 1)
    assert batch.errors == [
        {
            "name": "Nattapong KITTISAK",
            "error": "The certificate template has no ไทย wording for Completion.",
        }
    ]


def test_start_batch_runs_on_the_task_backend_and_does_not_start_twice(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = issuing.start_batch(world["cohort"], by=None, send_email=False)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FINISHED and batch.issued == 3
    # While one is active, starting returns it.
    active = CertificateBatch.objects.create(cohort=world["cohort"], status=BatchStatus.RUNNING)
    assert issuing.start_batch(world["cohort"], by=None) == active


def test_the_participant_is_emailed_with_both_links(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issuing.issue_participant(world["lee"])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lee@cohort-x.org"]
    assert certificate.serial in message.body
    assert f"/verify/{certificate.code}/" in message.body
    assert f"/my-programme/{world['cohort'].slug}/certificate/" in message.body
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_lookups(world):
    certificate = issuing.issue_participant(world["kim"], send_email=False)
    assert issuing.find_by_code(certificate.code) == certificate
    assert issuing.find_by_code("x" * 27) is None
    assert issuing.find_by_code("x" * 200) is None
    serial = certificate.serial
    assert issuing.find_by_serial(serial.lower(), "  KIM ") == certificate
    assert issuing.find_by_serial(serial, "Lee") is None
    assert issuing.find_by_serial("ASLP-1999-000001", "Kim") is None
    somchai = issuing.issue_participant(world["somchai"], send_email=False)
    assert issuing.find_by_serial(somchai.serial, "kittisak") == somchai


def test_accents_are_folded_in_the_family_name(world):
    CertificateDetails.objects.create(
        participant=world["lee"], language="es", latin_name="José Núñez"
    )
    application = world["lee"].application
    application.family_name = "Núñez"
    application.save(update_fields=["family_name"])
    CertificateWording.objects.create(
        template=world["template"], kind="attendance", language_code="es", title="T", body="B"
    )
    certificate = issuing.issue_participant(world["lee"], send_email=False)
    assert issuing.find_by_serial(certificate.serial, "nunez") == certificate


def test_the_zip_holds_the_valid_certificates(world):
    kim = issuing.issue_participant(world["kim"], send_email=False)
    lee = issuing.issue_participant(world["lee"], send_email=False)
    somchai = issuing.issue_participant(world["somchai"], send_email=False)
    issuing.revoke(somchai, by=None, reason="Withdrawn")
    data = issuing.zip_bytes(world["cohort"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{kim.serial}.pdf", f"{lee.serial}.pdf"]
        assert archive.read(f"{kim.serial}.pdf") == issuing.pdf_bytes(kim)
    assert issuing.zip_bytes(world["cohort"]) == data


def test_the_command_reports_progress_and_is_safe_to_run_again(world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "issue_certificates",
        "--cohort",
        "cohort-x",
        "--speakers",
        "--no-email",
        stdout=out,
        stderr=err,
    )
    assert "0/4 (0%)" in out.getvalue()
    assert (
        out.getvalue()
        .rstrip()
        .endswith("cohort-x: 4 issued, 0 already had one, 0 failed, 4 eligible.")
    )
    out = io.StringIO()
    call_command("issue_certificates", "--cohort", "cohort-x", "--speakers", stdout=out)
    assert "cohort-x: 0 issued, 4 already had one, 0 failed, 4 eligible." in out.getvalue()
    assert Certificate.objects.count() == 4
    assert not mail.outbox


def test_the_command_fails_loudly(world):
    CertificateWording.objects.filter(language_code="th").delete()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 certificates could not be issued"):
        call_command("issue_certificates", "--cohort", "cohort-x", stdout=io.StringIO(), stderr=err)
    assert "No ไทย wording for completion certificates" in err.getvalue()
    assert "not issued: Nattapong KITTISAK: The certificate template has no ไทย" in err.getvalue()


def test_preview_uses_a_sample_holder(world):
    data = issuing.preview_pdf(world["template"], "completion", "th")
    text = pdf_text(data)
    assert "ณัฐพงศ์ กิตติศักดิ์" in text and "ประกาศนียบัตร" in text
    assert not Certificate.objects.exists()


def test_a_batch_without_progress_for_two_minutes_counts_as_interrupted(
    world, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    stuck = CertificateBatch.objects.create(cohort=world["cohort"], status=BatchStatus.QUEUED)
    assert not issuing.is_interrupted(stuck)
    later = timezone.now() + dt.timedelta(minutes=2, seconds=1)
    assert issuing.is_interrupted(stuck, now=later)
    # Nobody ran it (no worker): after two minutes a new one may start, and it does the work.
    CertificateBatch.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        fresh = issuing.start_batch(world["cohort"], by=None, send_email=False)
    assert fresh != stuck
    fresh.refresh_from_db()
    assert (fresh.status, fresh.issued) == (BatchStatus.FINISHED, 3)
