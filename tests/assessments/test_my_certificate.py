"""The participant's certificate: their page and PDF (others' answer 404, revoked and superseded
ones cannot be downloaded, downloads are audited), the details form before issue, the
"certificate issued" e-mail, and the certificate on the programme page."""

from __future__ import annotations

import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import formats, translation
from wagtail.models import ModelLogEntry

from assessments import completion, issuing
from assessments.demo_certificates import wordings
from assessments.models import (
    Certificate,
    CertificateDetails,
    CertificateKind,
    CertificateStatus,
    CertificateTemplate,
    CertificateWording,
)
from cohorts.emails import absolute_url
from cohorts.models import Role
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f

ROK_NATIVE = "김민준"


@pytest.fixture(autouse=True)
def _private_files(private_dir):
    """Certificate PDFs in this test's own folder."""


def certificate_template(cohort) -> CertificateTemplate:
    """Completion and attendance wording in English and Korean, no images."""
    template = CertificateTemplate.objects.create(cohort=cohort, issuer="IACE")
    order = 0
    for kind in (CertificateKind.COMPLETION, CertificateKind.ATTENDANCE):
        for language in ("en", "ko"):
            title, body, label = wordings()[kind][language]
            CertificateWording.objects.create(
                template=template,
                sort_order=order,
                kind=kind,
                language_code=language,
                title=title,
                body=body,
                issued_label=label,
            )
            order += 1
    return template


@pytest.fixture
def world(db):
    cohort = f.cohort("cohort-x")
    cohort.programme.organisation_email = "aslp@iace.example.org"
    cohort.programme.save(update_fields=["organisation_email"])
    certificate_template(cohort)
    other = f.cohort("cohort-y")
    staff = f.user("certificates-x@example.org")
    f.grant(staff, Role.CERTIFICATE_STAFF, cohort)
    return {
        "cohort": cohort,
        "other": other,
        "staff": staff,
        "kim": f.participant(
            cohort,
            "kim@example.org",
            economy_code="ROK",
            language="ko",
            given_names="Min-jun",
            family_name="Kim",
            native_name=ROK_NATIVE,
        ),
        "smith": f.participant(
            cohort,
            "smith@example.org",
            economy_code="USA",
            time_zone="America/New_York",
            given_names="Jane",
            family_name="Smith",
        ),
        "organizer": f.organizer(cohort, "organizer-x@example.org"),
        "other_organizer": f.organizer(other, "organizer-y@example.org"),
    }


def issue(participant, **kwargs) -> Certificate:
    kwargs.setdefault("kind", CertificateKind.COMPLETION)
    kwargs.setdefault("send_email", False)
    return issuing.issue_participant(participant, **kwargs)


def page_url(cohort) -> str:
    return reverse("assessments:my_certificate", kwargs={"slug": cohort.slug})


def pdf_url(certificate) -> str:
    return reverse(
        "assessments:my_certificate_pdf",
        kwargs={"slug": certificate.cohort.slug, "pk": certificate.pk},
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def date_text(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# -- Who sees what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_holder_downloads_their_pdf_and_the_download_is_audited(client, world):
    smith = world["smith"]
    certificate = issue(smith)
    client.force_login(smith.user)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.serial}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store, max-age=0, no-cache, must-revalidate"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert body == issuing.pdf_bytes(certificate)
    entries = list(ModelLogEntry.objects.filter(action="assessments.certificate_download"))
    assert [(e.object_id, e.user_id, e.data) for e in entries] == [
        (str(certificate.pk), smith.user.pk, {"serial": certificate.serial})
    ]
    assert client.post(pdf_url(certificate)).status_code == 405
    assert ModelLogEntry.objects.filter(action="assessments.certificate_download").count() == 1


@pytest.mark.django_db
def test_another_participants_certificate_answers_404(client, world):
    certificate = issue(world["smith"])
    client.force_login(world["kim"].user)
    assert client.get(pdf_url(certificate)).status_code == 404
    body = client.get(page_url(world["cohort"])).content.decode()
    assert certificate.serial not in body
    # Someone else's certificate under the holder's own cohort address, and another cohort's.
    stranger = f.participant(world["other"], "stranger@example.org")
    client.force_login(stranger.user)
    assert client.get(pdf_url(certificate)).status_code == 404
    assert client.get(page_url(world["cohort"])).status_code == 404
    assert not ModelLogEntry.objects.filter(action="assessments.certificate_download").exists()


@pytest.mark.django_db
def test_organizers_and_staff_are_not_participants_here(client, world):
    certificate = issue(world["smith"])
    for who in ("other_organizer", "organizer", "staff"):
        client.force_login(world[who])
        assert client.get(page_url(world["cohort"])).status_code == 404, who
        assert client.post(page_url(world["cohort"]), {}).status_code == 404, who
        assert client.get(pdf_url(certificate)).status_code == 404, who
    client.logout()
    response = client.get(pdf_url(certificate))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_revoked_certificate_shows_as_revoked_and_cannot_be_downloaded(client, world):
    smith = world["smith"]
    certificate = issue(smith)
    issuing.revoke(certificate, by=world["staff"], reason="Issued to the wrong person")
    client.force_login(smith.user)
    assert client.get(pdf_url(certificate)).status_code == 404
    body = client.get(page_url(world["cohort"])).content.decode()
    revoked_on = date_text(Certificate.objects.get(pk=certificate.pk).status_changed_at)
    assert f'<dd data-field="status">Revoked on {revoked_on}</dd>' in body
    assert '<dd data-field="reason">Issued to the wrong person</dd>' in body
    assert pdf_url(certificate) not in body
    assert 'data-link="credential"' not in body
    assert issuing.verification_url(certificate) in body


@pytest.mark.django_db
def test_a_superseded_certificate_answers_404_and_the_new_one_is_shown(client, world):
    smith = world["smith"]
    old = issue(smith)
    new = issuing.reissue(old, by=world["staff"], reason="Name corrected", send_email=False)
    assert Certificate.objects.get(pk=old.pk).status == CertificateStatus.SUPERSEDED
    client.force_login(smith.user)
    assert client.get(pdf_url(old)).status_code == 404
    assert client.get(pdf_url(new)).status_code == 200
    body = client.get(page_url(world["cohort"])).content.decode()
    assert f'data-certificate="{new.serial}"' in body
    assert old.serial not in body


# -- The page with a certificate ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_certificate_its_links_and_the_contact(client, world):
    kim = world["kim"]
    certificate = issue(kim)
    Certificate.objects.filter(pk=certificate.pk).update(credential="header.payload.signature")
    client.force_login(kim.user)
    response = client.get(page_url(world["cohort"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<dd>Completion</dd>" in body
    assert f"<dd>{certificate.serial}</dd>" in body
    assert f"<dd>{date_text(certificate.issued_on)}</dd>" in body
    assert '<dd data-field="status">Valid</dd>' in body
    assert '<span lang="en">English</span>, <span lang="ko">한국어</span>' in body
    assert f"<dd>{ROK_NATIVE} (Min-jun Kim)</dd>" in body
    assert f'href="{pdf_url(certificate)}"' in body
    verification = issuing.verification_url(certificate)
    assert verification.endswith(f"/verify/{certificate.code}/")
    assert f'<a href="{verification}" data-link="verification">{verification}</a>' in body
    credential = verification + "credential.jwt"
    assert f'<a href="{credential}" data-link="credential">' in body
    assert "digital wallets and employers can check" in body
    assert '<a href="mailto:aslp@iace.example.org">aslp@iace.example.org</a>' in body
    assert "<form" not in body.split("<h1")[1]
    # Without a signed credential there is no credential link.
    Certificate.objects.filter(pk=certificate.pk).update(credential="")
    body = client.get(page_url(world["cohort"])).content.decode()
    assert 'data-link="credential"' not in body


# -- The details form before issue --------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_starts_from_the_application_and_says_what_the_outcome_gives(client, world):
    kim = world["kim"]
    client.force_login(kim.user)
    response = client.get(page_url(world["cohort"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert {name: form[name].value() for name in form.fields} == {
        "language": "ko",
        "single_language": False,
        "native_name": ROK_NATIVE,
        "latin_name": "Min-jun Kim",
    }
    body = response.content.decode()
    assert (
        "You have not completed the programme yet, so no certificate can be issued for now." in body
    )
    assert f'href="{reverse("assessments:my_completion", kwargs={"slug": "cohort-x"})}"' in body
    assert len(response.context["form"].fields["language"].choices) == 11


@pytest.mark.django_db
def test_the_details_are_saved_stripped_and_nfc_normalized(client, world):
    smith = world["smith"]
    client.force_login(smith.user)
    typed = unicodedata.normalize("NFD", "  Nguyễn   Thị Jane  ")
    response = client.post(
        page_url(world["cohort"]),
        {"language": "vi", "single_language": "on", "native_name": typed, "latin_name": typed},
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(world["cohort"])
    assert messages_of(response) == ["Your certificate details are saved."]
    details = CertificateDetails.objects.get(participant=smith)
    expected = unicodedata.normalize("NFC", "Nguyễn Thị Jane")
    assert (details.language, details.single_language) == ("vi", True)
    assert (details.native_name, details.latin_name) == (expected, expected)
    assert issuing.holder_for(smith).latin_name == expected
    # Saving again changes the same row.
    client.post(
        page_url(world["cohort"]),
        {"language": "en", "native_name": "", "latin_name": "Jane O'Brien-Smith Jr."},
    )
    details.refresh_from_db()
    assert (details.language, details.single_language) == ("en", False)
    assert (details.native_name, details.latin_name) == ("", "Jane O'Brien-Smith Jr.")
    assert CertificateDetails.objects.count() == 1
    form = client.get(page_url(world["cohort"])).context["form"]
    assert form["latin_name"].value() == "Jane O'Brien-Smith Jr."


@pytest.mark.django_db
def test_a_name_the_fonts_cannot_print_is_refused_and_what_was_typed_kept(client, world):
    kim = world["kim"]
    client.force_login(kim.user)
    response = client.post(
        page_url(world["cohort"]),
        {"language": "en", "native_name": "ნინო ბერიძე", "latin_name": "Иван Петров"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "native_name": ["This name has characters the certificate cannot print: ნ ი ო ბ ე რ ძ"],
        "latin_name": [
            "Write this name in Latin letters (A to Z, accents allowed), with only spaces, "
            "hyphens, apostrophes or dots between them."
        ],
    }
    body = response.content.decode()
    assert 'value="ნინო ბერიძე"' in body
    assert 'value="Иван Петров"' in body
    assert 'id="details-errors"' in body
    assert not CertificateDetails.objects.exists()


@pytest.mark.django_db
def test_latin_names_allow_accents_and_refuse_other_scripts(client, world):
    client.force_login(world["smith"].user)
    cases = {
        "José Ñúñez-D'Arcy": True,
        "Zoë St. John": True,
        "Đặng Văn Lâm": True,
        "Jane Smith 2": False,
        "Ｊａｎｅ": False,
        "김민준": False,
        "Jane_Smith": False,
        "- '": False,
    }
    for name, accepted in cases.items():
        response = client.post(page_url(world["cohort"]), {"language": "en", "latin_name": name})
        assert (response.status_code == 302) is accepted, name


@pytest.mark.django_db
def test_hostile_input_is_refused_without_a_server_error(client, world):
    smith = world["smith"]
    client.force_login(smith.user)
    for data in (
        {"language": "en", "latin_name": "Jane\x00Smith"},
        {"language": "en", "latin_name": "J" * 1_000_000},
        {"language": "xx", "latin_name": "Jane Smith", "native_name": "\u202eJane"},
        {"language": "en", "latin_name": "Jane", "native_name": "\ue000"},
    ):
        assert client.post(page_url(world["cohort"]), data).status_code == 400
    assert not CertificateDetails.objects.exists()
    # Fields outside the form are ignored: the details are always the caller's own.
    other = world["kim"]
    response = client.post(
        page_url(world["cohort"]),
        {"language": "en", "latin_name": "Jane Smith", "participant": str(other.pk)},
    )
    assert response.status_code == 302
    assert CertificateDetails.objects.get().participant == smith


@pytest.mark.django_db
def test_the_native_name_is_checked_in_the_chosen_language(client, world):
    client.force_login(world["kim"].user)
    response = client.post(
        page_url(world["cohort"]),
        {"language": "ko", "native_name": "김민준 😀", "latin_name": "Min-jun Kim"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "native_name": ["This name has characters the certificate cannot print: 😀"]
    }


@pytest.mark.django_db
def test_the_form_is_refused_once_a_certificate_exists(client, world):
    kim = world["kim"]
    issue(kim)
    client.force_login(kim.user)
    response = client.post(
        page_url(world["cohort"]), {"language": "en", "latin_name": "Someone Else"}
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(world["cohort"])
    assert messages_of(response) == [
        "Your certificate has been issued: its details can no longer be changed here. "
        "Write to the programme team for a correction."
    ]
    assert not CertificateDetails.objects.exists()
    body = client.get(page_url(world["cohort"])).content.decode()
    assert 'name="latin_name"' not in body
    assert (
        "If your name or anything else on your certificate is wrong, write to the programme "
        'team at <a href="mailto:aslp@iace.example.org">' in body
    )


@pytest.mark.django_db
def test_the_outcome_sentence_follows_the_completion_result(client, world):
    kim = world["kim"]
    completion.set_override(kim, True, "Finished the work late, agreed", world["staff"])
    client.force_login(kim.user)
    body = client.get(page_url(world["cohort"])).content.decode()
    assert 'data-eligible="completion"' in body
    assert "You have completed the programme: you will receive a certificate of completion." in body


# -- The e-mail -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_in_english(world, django_capture_on_commit_callbacks):
    smith = world["smith"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(smith, send_email=True)
    (message,) = mail.outbox
    assert message.to == ["smith@example.org"]
    assert message.subject == f"Your certificate of Cohort cohort-x ({certificate.serial})"
    body = message.body
    assert body.startswith("Dear Jane Smith,\n\n")
    assert (
        "Your certificate of APEC School Leadership Program (Cohort cohort-x) is ready.\n"
        "It is a certificate of completion.\n"
        f"Serial number: {certificate.serial}\n"
    ) in body
    assert (
        "See it and download the PDF on your programme page:\n"
        f"{absolute_url('/my-programme/cohort-x/certificate/')}\n"
    ) in body
    assert (
        "Anyone, an employer for instance, can check it on its public verification page:\n"
        f"{issuing.verification_url(certificate)}\n"
    ) in body
    assert body.endswith("With best wishes,\nThe organizers of Cohort cohort-x\n")
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


@pytest.mark.django_db
def test_the_reissue_email_says_corrected(world, django_capture_on_commit_callbacks):
    smith = world["smith"]
    old = issue(smith)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = issuing.reissue(old, by=world["staff"], reason="Name corrected")
    (message,) = mail.outbox
    assert message.subject == f"Your corrected certificate of Cohort cohort-x ({new.serial})"
    assert (
        "Your certificate of APEC School Leadership Program (Cohort cohort-x) has been issued "
        "again with corrected details. It replaces the earlier one, whose verification page now "
        "says so.\n"
    ) in message.body


@pytest.mark.django_db
def test_the_email_of_a_korean_participant_is_rendered_in_korean(
    world, django_capture_on_commit_callbacks
):
    kim = world["kim"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(kim, send_email=True)
    (message,) = mail.outbox
    assert message.to == ["kim@example.org"]
    assert certificate.serial in message.subject
    body = message.body
    assert ROK_NATIVE in body.splitlines()[0]
    # Rendered with Korean active: the programme page link carries /ko/; the verification
    # link is language-neutral.
    assert f"{absolute_url('/ko/my-programme/cohort-x/certificate/')}\n" in body
    assert f"{issuing.verification_url(certificate)}\n" in body
    assert "/ko/verify/" not in body
    assert translation.get_language() == "en"


# -- The programme page and the completion page ------------------------------------------------


@pytest.mark.django_db
def test_the_programme_page_links_to_the_certificate_and_shows_its_card(client, world):
    smith = world["smith"]
    client.force_login(smith.user)
    programme = reverse("trainings:programme", kwargs={"slug": "cohort-x"})
    body = client.get(programme).content.decode()
    assert f'<li><a href="{page_url(world["cohort"])}">My certificate</a></li>' in body
    assert "Your certificate" not in body
    certificate = issue(smith)
    body = client.get(programme).content.decode()
    assert 'id="certificate-card-heading">Your certificate</h2>' in body
    issued = date_text(certificate.issued_on)
    assert f"Completion, serial number {certificate.serial}, issued on {issued}." in body
    assert f'href="{pdf_url(certificate)}">Download PDF</a>' in body
    issuing.revoke(certificate, by=world["staff"], reason="Wrong person")
    body = client.get(programme).content.decode()
    assert "This certificate has been revoked." in body
    assert pdf_url(certificate) not in body
    # Another participant of the cohort sees no card.
    client.force_login(world["kim"].user)
    assert "Your certificate" not in client.get(programme).content.decode()


@pytest.mark.django_db
def test_the_completion_page_links_to_the_certificate(client, world):
    client.force_login(world["kim"].user)
    url = reverse("assessments:my_completion", kwargs={"slug": "cohort-x"})
    body = client.get(url).content.decode()
    assert f'<a href="{page_url(world["cohort"])}">My certificate</a>' in body


@pytest.mark.django_db
def test_the_korean_page_is_in_korean_addresses(client, world):
    kim = world["kim"]
    certificate = issue(kim)
    client.force_login(kim.user)
    with translation.override("ko"):
        url = page_url(world["cohort"])
        download = pdf_url(certificate)
    assert url == "/ko/my-programme/cohort-x/certificate/"
    body = client.get(url).content.decode()
    assert f'href="{download}"' in body
    assert client.get(download).status_code == 200
