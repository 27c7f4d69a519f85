"""A person's data (R14): the export holds every field and file version they own and nothing
of anyone else; erasure leaves none of their names or addresses in the database dump or the
media folders while the cohort's figures stay and their certificate still verifies; retention
deletes unsuccessful applicants' files once."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import zipfile
import zoneinfo
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry
from wagtail.search.backends import get_search_backend

from assessments import badges, issuing, submissions
from assessments.models import (
    Assignment,
    Certificate,
    CertificateStatus,
    ConsentState,
    Resource,
    ResourceAuthor,
    ResourceKind,
    ResourceLicence,
    ResourceStatus,
    SubmissionFile,
    SurveyAnswer,
    SurveyResponse,
)
from cohorts import personal_data
from cohorts.models import Application, ApplicationFile, ApplicationStatus, ErasureRecord, FileKind
from tests.assessments.certificate_world import certificate_world
from tests.assessments.test_surveys import make_survey
from tests.cohorts import factories as cf
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.cohorts.factories import PASSWORD
from tests.trainings import factories as f
from trainings.models import (
    ActivityKind,
    Attendance,
    AttendanceStatus,
    DisseminationEvidence,
    DisseminationReport,
)

EMAIL = "zephyrine.quillon@example.org"


def local_today(user) -> dt.date:
    """Today in the person's own zone, as the site dates their download."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(user.time_zone))


FAMILY = "Zephyrinova"
GIVEN = "Oluwaseun Quillarda"
NATIVE = "제피리노바"
NEEDLES = (EMAIL, FAMILY, GIVEN, NATIVE)


@pytest.fixture(autouse=True)
def signing_key(settings):
    settings.OPENBADGES_SIGNING_KEY = badges.private_pem(Ed25519PrivateKey.generate())
    settings.OPENBADGES_KEY_ID = "key-a"
    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = ""


@pytest.fixture
def my_data_urls():
    """The page is in the project's URLs (kept as a fixture the tests name)."""


def pdf_naming(name: str, n: int) -> bytes:
    """A small PDF whose bytes carry a name (so a walk of the folders can find it)."""
    return cf.MINIMAL_PDF + f"% {name} {n}\n".encode()


def build_person() -> dict:
    """The person with an application (2 CV versions), participation, attendance, a submission
    with 2 versions and files, an identified survey answer, a dissemination report with
    evidence and a certificate; the certificate world's other participants beside them."""
    world = certificate_world("cohort-pd")
    cohort = world["cohort"]
    person = f.participant(
        cohort,
        EMAIL,
        family_name=FAMILY,
        given_names=GIVEN,
        native_name=NATIVE,
        phone="+82 10 5555 0101",
    )
    user = person.user
    user.first_name, user.last_name = GIVEN, FAMILY
    user.save(update_fields=["first_name", "last_name"])
    application = person.application
    old_cv = cf.attach(application, FileKind.CV, pdf_naming(FAMILY, 1), "old-cv.pdf")
    old_cv.is_current = False
    old_cv.save(update_fields=["is_current"])
    cf.attach(application, FileKind.CV, pdf_naming(FAMILY, 2), "cv.pdf")
    for session in world["sessions"][:3]:
        Attendance.objects.create(
            activity=session, participant=person, status=AttendanceStatus.PRESENT, note=FAMILY
        )
    activity = f.activity(cohort, ActivityKind.ASSIGNMENT, title="School profile")
    assignment = Assignment.objects.create(activity=activity, instructions="Describe it.")
    for n in (1, 2):
        upload = SimpleUploadedFile(
            f"profile-{n}.pdf", pdf_naming(FAMILY, 10 + n), content_type="application/pdf"
        )
        submissions.submit(person, assignment, text=f"Version {n} by {FAMILY}", uploads=[upload])
    version = person.submissions.get().versions.get(number=2)
    resource = Resource.objects.create(
        submission=version.submission,
        version=version,
        title="Morning reading circles",
        summary="Pupils read together.",
        body="Every class starts with a reading circle.",
        language_code="en",
        kind=ResourceKind.BEST_PRACTICE,
        licence=ResourceLicence.CC_BY,
    )
    ResourceAuthor.objects.create(
        resource=resource,
        participant=person,
        credit_name=f"{GIVEN} {FAMILY}",
        consent=ConsentState.GIVEN,
    )
    resource.status = ResourceStatus.PUBLISHED
    resource.published_at = timezone.now()
    resource.save()
    survey = make_survey(cohort)
    response = SurveyResponse.objects.create(
        survey=survey, participant=person, economy_code="ROK", submitted_on=timezone.localdate()
    )
    SurveyAnswer.objects.create(response=response, question=survey.q["likert"], number=4)
    SurveyAnswer.objects.create(
        response=response, question=survey.q["long"], text=f"I am {GIVEN} {FAMILY}."
    )
    report = DisseminationReport.objects.create(
        participant=person,
        kind="training",
        held_on=timezone.localdate(),
        audience="Teachers of my district",
        educators_reached=25,
        description=f"{FAMILY} trained the district's teachers.",
    )
    evidence = DisseminationEvidence(
        report=report,
        original_name="photo-list.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    evidence.file.save("e.pdf", ContentFile(pdf_naming(FAMILY, 30)), save=False)
    evidence.save()
    certificate = issuing.issue_participant(person, send_email=False)
    other = issuing.issue_participant(world["kim"], send_email=False)
    return {**world, "person": person, "certificate": certificate, "other_certificate": other}


def read_export(user) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(personal_data.export_person(user)) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data.json"))
        files = {name: archive.read(name) for name in names if name != "data.json"}
    return data, files


def concrete_fields(model) -> set[str]:
    return {field.attname for field in model._meta.concrete_fields}


# -- Export ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_holds_every_field_and_file_version_and_nothing_of_others(private_dir):
    world = build_person()
    person = world["person"]
    data, files = read_export(person.user)
    rows = data["data"]

    application = rows["applications"][0]
    assert set(application) == concrete_fields(Application)
    assert (application["family_name"], application["given_names"], application["native_name"]) == (
        FAMILY,
        GIVEN,
        NATIVE,
    )
    assert application["phone"] == "+82 10 5555 0101"
    assert set(rows["account"][0]) == concrete_fields(type(person.user)) - {"password"}
    assert rows["account"][0]["email"] == EMAIL
    assert [r["email"] for r in rows["email_addresses"]] == [EMAIL]
    assert [r["id"] for r in rows["participants"]] == [person.pk]
    assert "badge_token" not in rows["participants"][0]
    assert len(rows["attendance"]) == 3
    assert [v["number"] for v in rows["submission_versions"]] == [1, 2]
    assert [v["text"] for v in rows["submission_versions"]] == [
        f"Version 1 by {FAMILY}",
        f"Version 2 by {FAMILY}",
    ]
    assert sorted(a["text"] for a in rows["survey_answers"]) == ["", f"I am {GIVEN} {FAMILY}."]
    assert [r["description"] for r in rows["dissemination_reports"]] == [
        f"{FAMILY} trained the district's teachers."
    ]
    assert [c["credit_name"] for c in rows["library_credits"]] == [f"{GIVEN} {FAMILY}"]
    assert [c["serial"] for c in rows["certificates"]] == [world["certificate"].serial]
    assert set(rows["certificates"][0]) == concrete_fields(Certificate) - {
        "issued_by_id",
        "status_changed_by_id",
        "batch_id",
    } | {"archive_path"}

    # Every file version the person owns, byte for byte, at the path its row gives.
    expected = {}
    for upload in ApplicationFile.objects.filter(application__applicant=person.user):
        expected[hashlib.sha256(upload.file.read()).hexdigest()] = upload.original_name
    for upload in SubmissionFile.objects.filter(version__submission__participant=person):
        expected[hashlib.sha256(upload.file.read()).hexdigest()] = upload.original_name
    for upload in DisseminationEvidence.objects.filter(report__participant=person):
        expected[hashlib.sha256(upload.file.read()).hexdigest()] = upload.original_name
    expected[world["certificate"].sha256] = "certificate"
    assert len(expected) == 6
    assert {hashlib.sha256(content).hexdigest() for content in files.values()} == set(expected)
    paths = [
        row["archive_path"]
        for kind in (
            "application_files",
            "submission_files",
            "dissemination_evidence",
            "certificates",
        )
        for row in rows[kind]
    ]
    assert sorted(paths) == sorted(files)
    assert sorted(p.split("/")[1] for p in paths) == [
        "application_files",
        "application_files",
        "certificates",
        "dissemination_evidence",
        "submission_files",
        "submission_files",
    ]

    # Nothing of another person.
    text = json.dumps(data, ensure_ascii=False)
    for other in (
        "Kittisak",
        "Minjun",
        "kim@cohort-pd.org",
        "somchai@",
        world["other_certificate"].serial,
    ):
        assert other not in text
    assert world["other_certificate"].sha256 not in {
        hashlib.sha256(content).hexdigest() for content in files.values()
    }


@pytest.mark.django_db
def test_the_my_data_page_explains_and_downloads_with_an_audit_entry(
    client, my_data_urls, private_dir
):
    world = build_person()
    user = world["person"].user
    anonymous = client.get("/accounts/my-data/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/my-data/").status_code == 302

    client.force_login(user)
    page = client.get("/accounts/my-data/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert "<h1>My data</h1>" in body
    assert '<button type="submit" class="button">Download my data</button>' in body
    assert not ModelLogEntry.objects.filter(action="cohorts.personal_data_export").exists()

    # A session that did not just type the password confirms it first (R4); nothing is sent.
    asked = client.post("/accounts/my-data/")
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2Fmy-data%2F"
    assert not ModelLogEntry.objects.filter(action="cohorts.personal_data_export").exists()
    wrong = client.post(asked["Location"], {"password": "not-the-password-1"})
    assert wrong.status_code == 200
    assert not ModelLogEntry.objects.filter(action="cohorts.personal_data_export").exists()

    # The right password resumes the suspended download.
    response = client.post(asked["Location"], {"password": PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-data-{local_today(user):%Y-%m-%d}.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert json.loads(archive.read("data.json"))["person"] == {"id": user.pk, "email": EMAIL}
        assert len(archive.namelist()) == 7
    entry = ModelLogEntry.objects.get(action="cohorts.personal_data_export")
    assert (entry.user_id, entry.object_id) == (user.pk, str(user.pk))


# -- Erasure --------------------------------------------------------------------------------------


def cohort_totals(cohort) -> dict:
    return {
        "applications": sorted(
            Application.objects.filter(cohort=cohort)
            .values_list("status", "economy__code", "gender", "position", "school_level")
            .annotate(n=Count("pk"))
        ),
        "attendance": sorted(
            Attendance.objects.filter(participant__cohort=cohort)
            .values_list("status")
            .annotate(n=Count("pk"))
        ),
        "valid_certificates": Certificate.objects.filter(
            cohort=cohort, status=CertificateStatus.VALID
        ).count(),
        "identified_answers": SurveyAnswer.objects.filter(response__survey__cohort=cohort).count(),
    }


def folder_texts(*folders: Path) -> list[tuple[str, bytes]]:
    found = []
    for folder in folders:
        if folder.exists():
            found.extend((str(p), p.read_bytes()) for p in folder.rglob("*") if p.is_file())
    return found


def hits(content: bytes) -> list[str]:
    lowered = content.lower()
    return [n for n in NEEDLES if n.lower().encode() in lowered]


def erase(world, by=None) -> ErasureRecord:
    return personal_data.erase_person(world["person"].user, by, "Asked in writing on 20 Nov.")


def queued_email_for_the_person():
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"to": EMAIL, "body": f"Dear {GIVEN} {FAMILY}"}},
        task_path="cohorts.tasks.send_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_erasure_keeps_the_figures_and_the_certificate_verifies(client, private_dir):
    world = build_person()
    cohort, certificate = world["cohort"], world["certificate"]
    admin = cf.user("root@example.org", is_superuser=True, is_staff=True)
    found = get_search_backend().search(FAMILY, Resource)
    assert [r.title for r in found] == ["Morning reading circles"]
    queued = queued_email_for_the_person()
    other_task = queued_email_for_the_person()
    other_task.args_kwargs = {"args": [], "kwargs": {"to": "kim@cohort-pd.org"}}
    other_task.save()
    before = cohort_totals(cohort)
    files_before = [name for name, content in folder_texts(private_dir) if hits(content)]
    assert len(files_before) == 6  # 2 CVs, 2 submission files, 1 evidence file, the certificate

    record = erase(world, admin)

    assert cohort_totals(cohort) == before
    assert (record.number, record.erased_by, record.reason) == (
        1,
        admin,
        "Asked in writing on 20 Nov.",
    )
    user = type(world["person"].user).objects.get(pk=world["person"].user.pk)
    assert (user.email, user.first_name, user.last_name, user.is_active) == (
        "erased-1@invalid",
        "",
        "",
        False,
    )
    assert not user.has_usable_password()
    assert [name for name, content in folder_texts(private_dir) if hits(content)] == []
    assert not Path(private_dir, certificate.pdf.name).exists()
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [other_task.pk]
    assert not DBTaskResult.objects.filter(pk=queued.pk).exists()
    assert SurveyResponse.objects.filter(participant=world["person"]).count() == 0
    answers = SurveyAnswer.objects.filter(response__survey__cohort=cohort)
    assert set(answers.values_list("number", "text")) == {(4, ""), (None, "")}
    entry = ModelLogEntry.objects.get(action="cohorts.erasure")
    assert (entry.label, entry.user_id, entry.data) == (
        "erased-1",
        admin.pk,
        {"after": {"pseudonym": 1}},
    )

    backend = get_search_backend()
    assert list(backend.search(FAMILY, Resource)) == []
    assert [r.title for r in backend.search("reading", Resource)] == ["Morning reading circles"]
    assert list(ResourceAuthor.objects.values_list("credit_name", flat=True)) == [""]

    page = client.get(f"/verify/{certificate.code}/")
    assert page.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "Valid This certificate was issued by the programme" in text
    assert "Holder name removed at the holder's request" in text
    for needle in NEEDLES:
        assert needle not in page.content.decode()
    for family_name in ("Anything", FAMILY):
        found = client.post(
            "/verify/", {"serial": certificate.serial.lower(), "family_name": family_name}
        )
        assert (found.status_code, found["Location"]) == (302, f"/verify/{certificate.code}/")
    other = world["other_certificate"]
    refused = client.post("/verify/", {"serial": other.serial, "family_name": "Anything"})
    assert refused.status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_erasure_the_database_dump_and_media_hold_none_of_the_names(private_dir):
    if connection.vendor != "postgresql" or not Path("/usr/bin/pg_dump").exists():
        pytest.skip("needs PostgreSQL and /usr/bin/pg_dump")
    world = build_person()
    queued_email_for_the_person()
    personal_data.export_person(world["person"].user)
    personal_data.record_export(world["person"].user)
    assert hits(dump()) == list(NEEDLES)

    erase(world)

    assert hits(dump()) == []
    media = Path(django_settings.MEDIA_ROOT)
    leftovers = [name for name, content in folder_texts(private_dir, media) if hits(content)]
    assert leftovers == []


def dump() -> bytes:
    database = connection.settings_dict
    command = [
        "/usr/bin/pg_dump",
        "--data-only",
        "--no-owner",
        "-h",
        database["HOST"] or "127.0.0.1",
        "-p",
        str(database["PORT"] or 5432),
        "-U",
        database["USER"] or "postgres",
        database["NAME"],
    ]
    return subprocess.run(command, check=True, capture_output=True, timeout=120).stdout  # noqa: S603


# -- Retention ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_retention_deletes_unsuccessful_applicants_files_once(
    private_dir, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = cf.cohort(
        "old-call",
        opens_in=-dt.timedelta(days=90),
        closes_in=-dt.timedelta(days=40),
        retention_days=30,
    )
    not_yet = cf.cohort(
        "recent-call",
        opens_in=-dt.timedelta(days=90),
        closes_in=-dt.timedelta(days=40),
        retention_days=60,
    )
    kept_for_ever = cf.cohort(
        "no-retention", opens_in=-dt.timedelta(days=90), closes_in=-dt.timedelta(days=40)
    )
    doomed, kept = [], []
    for status, files in (
        (ApplicationStatus.REJECTED, doomed),
        (ApplicationStatus.WAITLISTED, doomed),
        (ApplicationStatus.WITHDRAWN, doomed),
        (ApplicationStatus.ACCEPTED, kept),
        (ApplicationStatus.CONFIRMED, kept),
    ):
        application = cf.application(due, status=status, with_files=True)
        files.extend(application.files.all())
    for cohort in (not_yet, kept_for_ever):
        kept.extend(
            cf.application(cohort, status=ApplicationStatus.REJECTED, with_files=True).files.all()
        )
    paths = {upload.pk: Path(private_dir, upload.file.name) for upload in doomed + kept}
    assert all(p.exists() for p in paths.values())

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", stdout=out)
    assert out.getvalue() == ("old-call: 6 file(s) of 3 application(s) deleted.\n")
    assert sorted(ApplicationFile.objects.values_list("pk", flat=True)) == sorted(
        upload.pk for upload in kept
    )
    assert [pk for pk, p in paths.items() if not p.exists()] == sorted(u.pk for u in doomed)
    entry = ModelLogEntry.objects.get(action="cohorts.retention")
    assert (entry.object_id, entry.data) == (
        str(due.pk),
        {"files": 6, "applications": 3, "retention_days": 30},
    )
    assert now <= entry.timestamp

    again = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", stdout=again)
    assert again.getvalue() == "old-call: 0 file(s) of 0 application(s) deleted.\n"
    assert ApplicationFile.objects.count() == len(kept)
    assert all(paths[upload.pk].exists() for upload in kept)
    assert ModelLogEntry.objects.filter(action="cohorts.retention").count() == 1


@pytest.mark.django_db
def test_the_erase_person_command(private_dir):
    person = cf.user(EMAIL, first_name=GIVEN, last_name=FAMILY)
    admin = cf.user("root@example.org", is_superuser=True)
    out = io.StringIO()
    call_command(
        "erase_person",
        "--email",
        EMAIL.upper(),
        "--reason",
        "Asked by letter.",
        "--by",
        "root@example.org",
        stdout=out,
    )
    assert out.getvalue() == "Erased: the account is now erased-1@invalid (erasure 1).\n"
    record = ErasureRecord.objects.get()
    assert (record.person_id, record.erased_by, record.reason) == (
        person.pk,
        admin,
        "Asked by letter.",
    )
    with pytest.raises(CommandError, match="No account has this e-mail address."):
        call_command("erase_person", "--email", "nobody@example.org", "--reason", "x")


# -- The admin page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_page_lists_nobody_until_searched_and_erases_after_confirmation(
    client, django_capture_on_commit_callbacks
):
    person = cf.user(EMAIL, first_name=GIVEN, last_name=FAMILY)
    cf.application(cf.cohort("call"), person, family_name=FAMILY, given_names=GIVEN)
    editor = cf.user("editor@example.org", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    root = cf.user("root@example.org", is_superuser=True, is_staff=True)

    client.force_login(editor)
    assert client.get("/admin/personal-data/").status_code == 404
    assert client.get(f"/admin/personal-data/{person.pk}/erase/").status_code == 404
    assert (
        client.post(f"/admin/personal-data/{person.pk}/erase/", {"reason": "x"}).status_code == 404
    )

    client.force_login(root)
    empty = client.get("/admin/personal-data/")
    assert empty.status_code == 200
    assert EMAIL not in empty.content.decode()
    assert 'id="personal-data-results"' not in empty.content.decode()
    found = client.get("/admin/personal-data/", {"email": EMAIL.upper()}).content.decode()
    assert f"<td>{EMAIL}</td>" in found
    assert f'href="/admin/personal-data/{person.pk}/erase/"' in found
    none = client.get("/admin/personal-data/", {"email": "nobody@example.org"})
    assert "No account has this e-mail address." in none.content.decode()

    refused = client.post(f"/admin/personal-data/{person.pk}/erase/", {"reason": "  "})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert not ErasureRecord.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/admin/personal-data/{person.pk}/erase/", {"reason": "Asked by letter."}
        )
    assert (done.status_code, done["Location"]) == (302, "/admin/personal-data/")
    record = ErasureRecord.objects.get()
    assert (record.person_id, record.erased_by, record.reason) == (
        person.pk,
        root,
        "Asked by letter.",
    )
    application = Application.objects.get(applicant=person)
    assert (application.family_name, application.given_names) == ("", "")
    assert client.get(f"/admin/personal-data/{person.pk}/erase/").status_code == 404
    assert client.get(f"/admin/personal-data/{root.pk}/erase/").status_code == 404
