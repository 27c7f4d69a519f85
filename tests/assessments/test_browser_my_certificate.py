"""In a real browser: a participant sets how their certificate is written, the certificate is
issued, and they open its page and download the PDF, which carries their names."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from assessments import issuing
from assessments.demo_certificates import wordings
from assessments.models import (
    CertificateDetails,
    CertificateKind,
    CertificateTemplate,
    CertificateWording,
)
from tests.browser import sign_in
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed"),
]

NATIVE = "Nguyễn Thị Lan"
LATIN = "Nguyen Thi Lan"


def certificate_template(cohort) -> None:
    template = CertificateTemplate.objects.create(cohort=cohort, issuer="IACE")
    for order, language in enumerate(("en", "vi")):
        title, body, label = wordings()[CertificateKind.COMPLETION][language]
        CertificateWording.objects.create(
            template=template,
            sort_order=order,
            kind=CertificateKind.COMPLETION,
            language_code=language,
            title=title,
            body=body,
            issued_label=label,
        )


def pdftotext(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return result.stdout.decode("utf-8")


def test_set_details_then_download_the_certificate(page, site_url, private_dir, tmp_path):
    cohort = factories.cohort("aslp-certificate", title="ASLP Certificate Cohort")
    certificate_template(cohort)
    participant = factories.participant(
        cohort, "lan@example.org", economy_code="VN", given_names="Thi Lan", family_name="Nguyen"
    )
    mine = f"/my-programme/{cohort.slug}/certificate/"

    sign_in(page, site_url, "lan@example.org", mine)
    assert page.locator("h1").inner_text() == "My certificate of ASLP Certificate Cohort"
    assert page.get_by_label("Certificate language").input_value() == "vi"
    assert page.get_by_label("Your name in Latin letters").input_value() == "Thi Lan Nguyen"
    page.get_by_label("Your name in your own script").fill(NATIVE)
    page.get_by_label("Your name in Latin letters").fill("Лан")
    page.get_by_role("button", name="Save the certificate details").click()
    alert = page.get_by_role("alert")
    assert "Write this name in Latin letters" in alert.inner_text()
    # What was typed is kept; the error summary links to the field.
    assert page.get_by_label("Your name in your own script").input_value() == NATIVE
    page.get_by_label("Your name in Latin letters").fill(LATIN)
    page.get_by_role("button", name="Save the certificate details").click()
    page.wait_for_url(f"{site_url}{mine}")
    assert page.locator(".messages").inner_text() == "Your certificate details are saved."
    details = CertificateDetails.objects.get(participant=participant)
    assert (details.language, details.native_name, details.latin_name) == ("vi", NATIVE, LATIN)

    certificate = issuing.issue_participant(
        participant, kind=CertificateKind.COMPLETION, send_email=False
    )
    page.goto(f"{site_url}/my-programme/{cohort.slug}/")
    page.get_by_role("link", name="See your certificate and how to check it").click()
    page.wait_for_url(f"{site_url}{mine}")
    main = page.locator("main").inner_text()
    assert certificate.serial in main
    assert "Valid" in main
    assert page.get_by_role("link", name=issuing.verification_url(certificate)).is_visible()

    link = page.get_by_role("link", name="Download PDF")
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == f"{certificate.serial}.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert saved.read_bytes() == issuing.pdf_bytes(certificate)
    text = " ".join(pdftotext(saved).split())
    assert NATIVE in text
    assert LATIN in text
