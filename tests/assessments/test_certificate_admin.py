"""Certificates in the Wagtail admin: the template screens (placeholders checked, the PDF
preview), and certificate staff's workspace (who reaches what, the bulk issue and its progress,
one participant's certificate, re-issue, revocation, downloads, the ZIP, the audit entries and
a constant number of queries)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments import issuing
from assessments.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateDetails,
    CertificateStatus,
    CertificateTemplate,
)
from cohorts.models import Role
from tests.assessments.certificate_world import certificate_world, make_template
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is not installed"),
]


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


@pytest.fixture
def world(private_dir):
    made = certificate_world("cohort-x")
    other = f.cohort("cohort-y")
    staff = f.user("certificates-x@example.org")
    f.grant(staff, Role.CERTIFICATE_STAFF, made["cohort"])
    made.update(
        other=other,
        staff=staff,
        organizer=f.organizer(made["cohort"], "organizer-x@example.org"),
        other_organizer=f.organizer(other, "organizer-y@example.org"),
    )
    return made


# Would be accepted from certificate staff (every form's fields, valid).
VALID_POST = {
    "send_email": "on",
    "reissue-language": "en",
    "reissue-latin_name": "Minjun Kim",
    "reissue-reason": "Typo",
    "revoke-reason": "Mistake",
    "revoke-confirm": "on",
}


def ws(name, *args):
    return reverse(f"certificates_admin:{name}", args=args)


def _issue(world, *names):
    return [issuing.issue_participant(world[name], send_email=False) for name in names]


def _actions(instance, action):
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(instance.pk),
            content_type__model=instance._meta.model_name,
            action=action,
        ).order_by("pk")
    )


# -- Who reaches what ---------------------------------------------------------------------------


def test_each_role_gets_its_answer(client, world):
    cohort = world["cohort"]
    template = world["template"]
    (certificate,) = _issue(world, "kim")
    gets = {
        "index": ws("index"),
        "cohort": ws("cohort", cohort.slug),
        "certificate": ws("certificate", cohort.slug, certificate.pk),
        "pdf": ws("pdf", cohort.slug, certificate.pk),
        "zip": ws("zip", cohort.slug),
        "template": reverse("admin_certificate_templates:edit", args=[template.pk]),
        "preview": reverse("admin_certificate_templates:preview", args=[template.pk]),
    }
    posts = {
        "start": ws("start_batch", cohort.slug),
        "issue_one": ws("issue_one", cohort.slug, world["lee"].pk),
        "reissue": ws("reissue", cohort.slug, certificate.pk),
        "revoke": ws("revoke", cohort.slug, certificate.pk),
    }
    expected = {
        "staff": {"index": 200, "cohort": 200, "certificate": 200, "pdf": 200, "zip": 200},
        "organizer": {"index": 200, "cohort": 200, "certificate": 200, "pdf": 404, "zip": 404},
        "other_organizer": {"index": 200, "cohort": 404, "certificate": 404, "pdf": 404},
    }
    template_codes = {"staff": 200, "organizer": 200, "other_organizer": 404}
    for who, codes in expected.items():
        client.force_login(world[who])
        for name, code in codes.items():
            assert client.get(gets[name]).status_code == code, (who, name)
        for name in ("template", "preview"):
            assert client.get(gets[name]).status_code == template_codes[who], (who, name)
        if who != "staff":
            for name, url in posts.items():
                assert client.post(url, VALID_POST).status_code == 404, (who, name)
    # Nothing was changed by the refused POSTs.
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert not CertificateBatch.objects.exists()
    assert Certificate.objects.count() == 1
    # A participant has no admin access and an anonymous visitor is sent to sign in.
    client.force_login(world["kim"].user)
    response = client.get(gets["cohort"])
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.logout()
    for url in [*gets.values(), *posts.values()]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    # The organizer of another cohort sees only that cohort in the index.
    client.force_login(world["other_organizer"])
    body = client.get(gets["index"]).content.decode()
    assert 'id="cohort-cohort-y"' in body and 'id="cohort-cohort-x"' not in body


def test_organizers_look_without_action_buttons(client, world):
    cohort = world["cohort"]
    (certificate,) = _issue(world, "kim")
    client.force_login(world["organizer"])
    body = client.get(ws("cohort", cohort.slug)).content.decode()
    assert "Issue certificates" not in body
    assert "Download all (ZIP)" not in body
    assert ws("issue_one", cohort.slug, world["lee"].pk) not in body
    page = client.get(ws("certificate", cohort.slug, certificate.pk)).content.decode()
    assert "Re-issue the certificate" not in page and "Revoke the certificate" not in page
    assert ws("pdf", cohort.slug, certificate.pk) not in page
    client.force_login(world["staff"])
    body = client.get(ws("cohort", cohort.slug)).content.decode()
    assert "Issue certificates" in body and "Download all (ZIP)" in body


# -- The template -------------------------------------------------------------------------------


def _template_post(template, **changes):
    wordings = [
        {
            "id": row.pk,
            "kind": row.kind,
            "language_code": row.language_code,
            "title": row.title,
            "body": row.body,
            "issued_label": row.issued_label,
        }
        for row in template.wordings.all()
    ]
    for index, values in changes.pop("wordings", {}).items():
        wordings[index].update(values)
    signatories = [
        {"id": row.pk, "name": row.name, "title": row.title, "signature": ""}
        for row in template.signatories.all()
    ]
    data = {
        "cohort": template.cohort_id,
        "issuer": template.issuer,
        "hours": "40",
        "bilingual": "on",
        "primary_colour": template.primary_colour,
        "secondary_colour": template.secondary_colour,
        "logo": "",
        "second_logo": "",
        "wordings": inline_formset(wordings, initial=len(wordings)),
        "signatories": inline_formset(signatories, initial=len(signatories)),
        **changes,
    }
    return nested_form_data(data)


def test_a_bad_placeholder_or_colour_is_refused_naming_it_and_the_input_stays(client, world):
    template = world["template"]
    client.force_login(world["staff"])
    url = reverse("admin_certificate_templates:edit", args=[template.pk])
    typed = "{name} finished {programme} in {city} on {dates}."
    data = _template_post(
        template, primary_colour="navy", wordings={0: {"body": typed, "title": "For {nom}"}}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Unknown placeholder: {city}. Use only {name}, {programme}, {cohort}, {dates} and "
        "{hours}." in body
    )
    assert "Unknown placeholder: {nom}." in body
    assert "Enter a colour as #rrggbb, e.g. #1f3a5f." in body
    assert typed in body and 'value="navy"' in body
    template.refresh_from_db()
    assert template.primary_colour == "#1f3a5f"
    assert not _actions(template, "assessments.certificate_template")


def test_saving_the_template_is_audited(client, world):
    template = world["template"]
    client.force_login(world["organizer"])
    url = reverse("admin_certificate_templates:edit", args=[template.pk])
    data = _template_post(template, issuer="Institute for Collaborative Education (ICE)")
    response = client.post(url, data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.issuer == "Institute for Collaborative Education (ICE)"
    (entry,) = _actions(template, "assessments.certificate_template")
    assert entry.user == world["organizer"]
    assert entry.data["changed"] == ["issuer"]
    assert entry.data["cohort"] == {"id": world["cohort"].pk, "text": str(world["cohort"])}


def test_the_cohort_choice_is_limited_to_the_persons_cohorts_without_a_template(client, world):
    own = f.cohort("cohort-z", title="Cohort Z")
    f.grant(world["staff"], Role.CERTIFICATE_STAFF, own)
    client.force_login(world["staff"])
    body = client.get(reverse("admin_certificate_templates:add")).content.decode()
    assert f'<option value="{own.pk}">' in body
    assert f'<option value="{world["cohort"].pk}"' not in body  # has a template already
    assert f'<option value="{world["other"].pk}"' not in body  # another cohort
    # Another cohort's template is not found, and not listed.
    other = make_template(world["other"])
    index = client.get(reverse("admin_certificate_templates:index")).content.decode()
    assert reverse("admin_certificate_templates:edit", args=[other.pk]) not in index
    url = reverse("admin_certificate_templates:edit", args=[other.pk])
    assert client.get(url).status_code == 404


def test_the_preview_is_the_pdf_for_a_sample_holder_inline(client, world):
    template = world["template"]
    client.force_login(world["staff"])
    edit = client.get(reverse("admin_certificate_templates:edit", args=[template.pk]))
    preview_url = reverse("admin_certificate_templates:preview", args=[template.pk])
    assert preview_url in edit.content.decode()
    page = client.get(preview_url)
    assert page.status_code == 200 and 'name="language"' in page.content.decode()
    response = client.get(preview_url, {"kind": "completion", "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="preview-cohort-x-completion-en.pdf"'
    )
    text = pdf_text(response.content)
    assert "Jane Smith" in text and "Certificate of Completion" in text
    korean = pdf_text(client.get(preview_url, {"kind": "attendance", "language": "ko"}).content)
    assert "김민준" in korean and "참가 확인서" in korean


def test_a_preview_that_cannot_be_made_says_why(client, world):
    template = world["template"]
    client.force_login(world["staff"])
    url = reverse("admin_certificate_templates:preview", args=[template.pk])
    response = client.get(url, {"kind": "appreciation", "language": "ko"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert (
        "There is no wording for the appreciation certificate in 한국어 yet. Add it under "
        "“Wordings” and save the template first."
    ) in response.content.decode()
    wording = template.wording("completion", "en")
    wording.title = "Certificate \U00013000"
    wording.save()
    response = client.get(url, {"kind": "completion", "language": "en"})
    assert response.status_code == 200
    assert "No certificate font has the character “\U00013000” (U+13000) used in" in (
        response.content.decode()
    )


# -- The bulk issue and its progress ------------------------------------------------------------


def test_bulk_issue_from_the_cohort_page(client, world, django_capture_on_commit_callbacks):
    cohort = world["cohort"]
    client.force_login(world["staff"])
    page = client.get(ws("cohort", cohort.slug)).content.decode()
    assert 'id="count-completion">2<' in page
    assert 'id="count-attendance">1<' in page
    assert 'id="count-not-eligible">1<' in page
    assert reverse("assessments:completion_list", kwargs={"slug": cohort.slug}) in page
    assert 'id="waiting-list"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ws("start_batch", cohort.slug), {"include_speakers": "on", "send_email": "on"}
        )
    assert response.status_code == 302
    assert response["Location"] == ws("cohort", cohort.slug) + "#batch-heading"
    batch = CertificateBatch.objects.get()
    assert (batch.status, batch.total, batch.processed, batch.issued) == ("finished", 4, 4, 4)
    assert batch.started_by == world["staff"]
    kinds = sorted(Certificate.objects.values_list("kind", flat=True))
    assert kinds == ["appreciation", "attendance", "completion", "completion"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "kim@cohort-x.org",
        "lee@cohort-x.org",
        "somchai@cohort-x.org",
    ]
    (entry,) = _actions(cohort, "assessments.certificate_batch")
    assert entry.user == world["staff"] and entry.data["batch"] == batch.pk
    page = client.get(ws("cohort", cohort.slug)).content.decode()
    assert '<progress id="batch-bar" max="4" value="4">100%</progress>' in page
    assert '<span id="batch-text">4 of 4</span>' in page
    assert 'id="batch-status">Finished<' in page
    assert 'id="batch-issued">4<' in page and 'id="batch-failed">0<' in page
    assert 'data-active="false"' in page
    assert 'id="count-valid">4<' in page
    for certificate in Certificate.objects.all():
        assert certificate.serial in page
    assert "Every eligible participant has a certificate." in page
    # The task ran when the request's transaction ended (the immediate backend in tests).
    assert "Issuing started; the progress is shown below." in page
    # Running it again is safe: everyone is skipped.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ws("start_batch", cohort.slug), {"include_speakers": "on"})
    again = CertificateBatch.objects.first()
    assert (again.issued, again.skipped) == (0, 4)
    assert Certificate.objects.count() == 4


def test_the_progress_endpoint_answers_json_and_html(client, world):
    cohort = world["cohort"]
    batch = CertificateBatch.objects.create(
        cohort=cohort,
        status=BatchStatus.RUNNING,
        total=480,
        processed=120,
        issued=118,
        skipped=1,
        failed=1,
        errors=[{"name": "Sora Park", "error": "No wording."}],
    )
    url = ws("batch", cohort.slug, batch.pk)
    client.force_login(world["organizer"])
    state = json.loads(client.get(url, {"format": "json"}).content)
    assert state == {
        "id": batch.pk,
        "status": "running",
        "status_label": "Running",
        "active": True,
        "interrupted": False,
        "total": 480,
        "processed": 120,
        "issued": 118,
        "skipped": 1,
        "failed": 1,
        "percent": 25,
        "text": "120 of 480",
        "errors": [{"name": "Sora Park", "error": "No wording."}],
    }
    html = client.get(url).content.decode()
    assert '<progress id="batch-bar" max="480" value="120">25%</progress>' in html
    assert '<span id="batch-text">120 of 480</span>' in html
    assert 'data-active="true"' in html
    assert "<li>Sora Park: No wording.</li>" in html
    page = client.get(ws("cohort", cohort.slug)).content.decode()
    assert f'data-url="{url}"' in page
    assert "assessments/certificates/progress.js" in page
    # Two minutes without progress: interrupted, with "Run again" for certificate staff only.
    CertificateBatch.objects.filter(pk=batch.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=3)
    )
    state = client.get(url, HTTP_ACCEPT="application/json").json()
    assert (state["status"], state["status_label"], state["active"]) == (
        "interrupted",
        "Interrupted",
        False,
    )
    assert "Run again" not in client.get(url).content.decode()
    client.force_login(world["staff"])
    assert "Run again" in client.get(url).content.decode()
    # Another cohort's batch is not found through this cohort.
    other = CertificateBatch.objects.create(cohort=world["other"])
    assert client.get(ws("batch", cohort.slug, other.pk)).status_code == 404


def test_a_batch_under_way_is_not_started_twice(client, world):
    cohort = world["cohort"]
    CertificateBatch.objects.create(cohort=cohort, status=BatchStatus.RUNNING)
    client.force_login(world["staff"])
    response = client.post(ws("start_batch", cohort.slug), {"send_email": "on"}, follow=True)
    assert "Certificates are already being issued; wait for that to finish." in (
        response.content.decode()
    )
    assert CertificateBatch.objects.count() == 1


def test_issue_one_participant(client, world):
    cohort = world["cohort"]
    client.force_login(world["staff"])
    response = client.post(ws("issue_one", cohort.slug, world["lee"].pk), follow=True)
    certificate = Certificate.objects.get(participant=world["lee"])
    assert certificate.kind == "attendance" and certificate.issued_by == world["staff"]
    assert f"Certificate {certificate.serial} issued to Jiwoo Lee." in response.content.decode()
    response = client.post(ws("issue_one", cohort.slug, world["park"].pk), follow=True)
    assert "Sora PARK has neither completed the programme nor attended the workshop." in (
        response.content.decode()
    )
    assert not Certificate.objects.filter(participant=world["park"]).exists()
    # A participant of another cohort is not found through cohort X.
    stranger = f.participant(world["other"], "stranger@example.org")
    assert client.post(ws("issue_one", cohort.slug, stranger.pk)).status_code == 404


# -- One certificate ----------------------------------------------------------------------------


def test_reissue_with_a_corrected_name(client, world):
    cohort = world["cohort"]
    (old,) = _issue(world, "kim")
    client.force_login(world["staff"])
    page = client.get(ws("certificate", cohort.slug, old.pk)).content.decode()
    assert 'value="Minjun Kim"' in page  # the holder's details as they stand
    url = ws("reissue", cohort.slug, old.pk)
    typed = {
        "reissue-language": "ko",
        "reissue-native_name": "김민준",
        "reissue-latin_name": "Min-jun Kim",
        "reissue-reason": "",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 400
    assert 'value="Min-jun Kim"' in refused.content.decode()
    assert "This field is required." in refused.content.decode()
    response = client.post(url, {**typed, "reissue-reason": "Given name as in the passport"})
    new = Certificate.objects.get(replaces=old)
    assert response.status_code == 302
    assert response["Location"] == ws("certificate", cohort.slug, new.pk)
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.status_reason == "Given name as in the passport"
    assert (new.status, new.holder_name, new.holder_name_latin) == (
        "valid",
        "김민준",
        "Min-jun Kim",
    )
    details = CertificateDetails.objects.get(participant=world["kim"])
    assert (details.language, details.single_language, details.latin_name) == (
        "ko",
        False,
        "Min-jun Kim",
    )
    assert "Min-jun Kim" in pdf_text(new.pdf.open("rb").read())
    assert [m.to[0] for m in mail.outbox] == []  # e-mail not ticked
    (entry,) = _actions(new, "assessments.certificate_reissue")
    assert entry.user == world["staff"] and entry.data["replaces"] == old.serial
    # The chain shows both ways; the old one can no longer be changed.
    page = client.get(ws("certificate", cohort.slug, new.pk)).content.decode()
    assert f">{old.serial}</a>" in page and "Replaces" in page
    old_page = client.get(ws("certificate", cohort.slug, old.pk)).content.decode()
    assert f">{new.serial}</a>" in old_page and "Replaced by" in old_page
    assert "This certificate was superseded by a re-issue" in old_page
    assert client.post(url, {**typed, "reissue-reason": "Again"}).status_code == 404


def test_revoke_needs_a_reason_and_confirmation(client, world):
    cohort = world["cohort"]
    (certificate,) = _issue(world, "lee")
    client.force_login(world["staff"])
    url = ws("revoke", cohort.slug, certificate.pk)
    refused = client.post(url, {"revoke-reason": "Attendance recorded by mistake"})
    assert refused.status_code == 400
    assert "Attendance recorded by mistake" in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    response = client.post(
        url, {"revoke-reason": "Attendance recorded by mistake", "revoke-confirm": "on"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.status_reason == "Attendance recorded by mistake"
    assert certificate.status_changed_by == world["staff"]
    (entry,) = _actions(certificate, "assessments.certificate_revoke")
    assert entry.data["reason"] == "Attendance recorded by mistake"
    page = client.get(ws("certificate", cohort.slug, certificate.pk)).content.decode()
    assert 'id="certificate-status">Revoked<' in page
    assert "This certificate is revoked: it can no longer be re-issued or revoked." in page
    assert client.post(url, {"revoke-reason": "Again", "revoke-confirm": "on"}).status_code == 404
    # A revoked holder is not listed as waiting for a certificate.
    body = client.get(ws("cohort", cohort.slug)).content.decode()
    assert f'id="waiting-{world["lee"].pk}"' not in body


def test_pdf_and_zip_downloads_are_audited_and_the_zip_holds_the_valid_ones(client, world):
    cohort = world["cohort"]
    kim, somchai, lee = _issue(world, "kim", "somchai", "lee")
    issuing.revoke(lee, by=world["staff"], reason="Mistake")
    client.force_login(world["staff"])
    response = client.get(ws("pdf", cohort.slug, kim.pk))
    assert response["Content-Disposition"] == f'attachment; filename="{kim.serial}.pdf"'
    assert response.content == kim.pdf.open("rb").read()
    (entry,) = _actions(kim, "assessments.certificate_download")
    assert entry.user == world["staff"]
    response = client.get(ws("zip", cohort.slug))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="cohort-x-certificates.zip"'
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert sorted(names) == sorted([f"{kim.serial}.pdf", f"{somchai.serial}.pdf"])
    (entry,) = _actions(cohort, "assessments.certificate_download")
    assert entry.data == {"what": "zip", "certificates": 2}


# -- Lists --------------------------------------------------------------------------------------


def test_filters_search_and_pages(client, world):
    cohort = world["cohort"]
    kim, lee = _issue(world, "kim", "lee")
    issuing.revoke(lee, by=world["staff"], reason="Mistake")
    client.force_login(world["organizer"])
    url = ws("cohort", cohort.slug)
    body = client.get(url, {"status": "revoked"}).content.decode()
    assert f'id="certificate-{lee.pk}"' in body and f'id="certificate-{kim.pk}"' not in body
    body = client.get(url, {"kind": "completion"}).content.decode()
    assert f'id="certificate-{kim.pk}"' in body and f'id="certificate-{lee.pk}"' not in body
    body = client.get(url, {"q": "minjun"}).content.decode()
    assert f'id="certificate-{kim.pk}"' in body and f'id="certificate-{lee.pk}"' not in body
    body = client.get(url, {"q": lee.serial.lower()}).content.decode()
    assert f'id="certificate-{lee.pk}"' in body and f'id="certificate-{kim.pk}"' not in body
    _fake_certificates(cohort, 60)
    body = client.get(url, {"status": "superseded"}).content.decode()
    assert "Page 1 of 2" in body and "status=superseded&amp;page=2" in body
    assert body.count('data-status="superseded"') == 50


def _fake_certificates(cohort, count):
    Certificate.objects.bulk_create(
        Certificate(
            cohort=cohort,
            kind="completion",
            serial=f"TEST-{number:06d}",
            code=f"code-{number}",
            holder_name=f"Holder {number}",
            language="en",
            languages=["en"],
            status=CertificateStatus.SUPERSEDED,
            issued_on=timezone.localdate(),
            pdf=f"certificates/{cohort.pk}/code-{number}.pdf",
            sha256="0" * 64,
            size=1,
        )
        for number in range(count)
    )


def test_pages_take_a_constant_number_of_queries(client, world):
    cohort = world["cohort"]
    (certificate,) = _issue(world, "kim")
    client.force_login(world["staff"])

    def count(url):
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [ws("index"), ws("cohort", cohort.slug), reverse("wagtailadmin_home")]
    before = [count(url) for url in urls]
    _fake_certificates(cohort, 40)
    assert [count(url) for url in urls] == before
    # More eligible participants (each with attendance and certificate details) add nothing.
    from assessments.models import CertificateDetails
    from trainings.models import Attendance, AttendanceStatus

    for n in range(5):
        person = f.participant(cohort, f"more{n}@x.org", economy_code="THA", family_name=f"M{n}")
        CertificateDetails.objects.create(participant=person, language="th", latin_name="M")
        for session in world["sessions"]:
            Attendance.objects.create(
                activity=session, participant=person, status=AttendanceStatus.PRESENT
            )
    assert [count(url) for url in urls] == before


def test_the_admin_home_lists_certificate_staffs_cohorts(client, world):
    _issue(world, "kim")
    client.force_login(world["staff"])
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="certificates-heading"' in body or 'id="certificates"' in body
    assert f'href="{ws("cohort", "cohort-x")}"' in body
    assert "Issue and manage" in body and ws("index") in body  # the "Certificates" menu
    client.force_login(world["organizer"])
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{ws("cohort", "cohort-x")}"' not in body
    assert "Issue and manage" in body  # organizers may look
    # A CMS editor without a programme role has neither the menu nor the workspace.
    editor = f.user("editor@example.org")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Issue and manage" not in body and ws("index") not in body
    assert client.get(ws("index")).status_code == 404
    assert client.get(reverse("admin_certificate_templates:index")).status_code == 302


def test_no_template_is_a_warning_not_an_error(client, world):
    CertificateTemplate.objects.filter(cohort=world["cohort"]).delete()
    client.force_login(world["staff"])
    body = client.get(ws("cohort", "cohort-x")).content.decode()
    assert 'id="certificate-problems"' in body
    assert "This cohort has no certificate template yet." in body


def test_logo_and_signature_uploads_are_checked_and_kept_private(client, world, settings):
    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.certificates.samples import sample_logo, sample_signature

    template = world["template"]
    client.force_login(world["staff"])
    url = reverse("admin_certificate_templates:edit", args=[template.pk])
    fake = SimpleUploadedFile("logo.png", b"not a picture at all", content_type="image/png")
    response = client.post(url, _template_post(template, logo=fake))
    assert response.status_code == 200
    assert (
        "The file&#x27;s content is not a PNG file. Save it again as a real PNG file."
        in response.content.decode()
    )
    template.refresh_from_db()
    assert not template.logo

    data = _template_post(template)
    data["logo"] = SimpleUploadedFile("ASLP logo.png", sample_logo(), content_type="image/png")
    data["signatories-0-signature"] = SimpleUploadedFile(
        "my signature.png", sample_signature(), content_type="image/png"
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    signature = template.signatories.get().signature
    # Stored in private storage under generated names, never under MEDIA_ROOT.
    for field in (template.logo, signature):
        assert field.name.startswith(f"certificate-images/{template.cohort_id}/")
        assert "logo" not in field.name and "signature" not in field.name
        assert field.storage is storages["private"]
        assert not field.path.startswith(str(settings.MEDIA_ROOT))
    # Both are printed: two images, each with its transparency as a soft mask (also an image).
    (certificate,) = _issue(world, "kim")
    assert issuing.pdf_bytes(certificate).count(b"/Subtype /Image") == 4
    assert issuing.pdf_bytes(certificate).count(b"/SMask") == 2
