"""End to end in every certificate language: a participant whose name is written in that
language's script (Thai with stacked marks, Vietnamese typed decomposed) gets a certificate
through the issuing service; the text copied out of the PDF holds their names and the
programme's title; the QR code, read from the rendered page, is the verification address;
that page shows the holder as valid, and after revocation as revoked."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from urllib.parse import urlsplit

import pytest
from PIL import Image

from assessments import issuing
from assessments.certificates import LANGUAGES
from assessments.certificates.samples import HOLDERS
from assessments.demo_certificates import wordings
from assessments.models import CertificateDetails, CertificateWording
from cohorts.models import ProgrammeTranslation
from tests.assessments.certificate_world import certificate_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
        reason="poppler-utils (pdftotext, pdftoppm) is not installed",
    ),
]
KOREAN_TITLE = "APEC 학교 리더십 프로그램"
# Per language, the sample holder: the Thai one with stacked marks and the decomposed
# Vietnamese one are the second of their language in HOLDERS where there is a choice.
CASES = {}
for language, native, latin in HOLDERS:
    if language not in CASES or language == "th":
        CASES[language] = (native, latin)


@pytest.fixture
def world():
    made = certificate_world("cohort-l", template=True)
    template = made["template"]
    template.wordings.all().delete()
    for kind, by_language in wordings().items():
        for language, (title, body, label) in by_language.items():
            CertificateWording.objects.create(
                template=template,
                kind=kind,
                language_code=language,
                title=title,
                body=body,
                issued_label=label,
            )
    ProgrammeTranslation.objects.get_or_create(
        programme=made["cohort"].programme, language_code="ko", defaults={"title": KOREAN_TITLE}
    )
    return made


def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def _qr(pdf: bytes, tmp_path) -> list[str]:
    import zxingcpp

    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", tmp_path / "c.pdf", tmp_path / "page"],
        check=True,
    )
    found = zxingcpp.read_barcodes(
        Image.open(tmp_path / "page.png"), formats=zxingcpp.BarcodeFormat.QRCode
    )
    return [result.text for result in found]


@pytest.mark.parametrize("language", LANGUAGES)
def test_issue_read_scan_verify_revoke(client, world, language, tmp_path):
    native, latin = CASES[language]
    kim = world["kim"]
    CertificateDetails.objects.create(
        participant=kim, language=language, native_name=native, latin_name=latin or native
    )

    certificate = issuing.issue_participant(kim, send_email=False)

    nfc = unicodedata.normalize("NFC", native)
    assert certificate.holder_name == nfc
    assert certificate.languages == (["en"] if language == "en" else ["en", language])
    text = _text(issuing.pdf_bytes(certificate))
    assert nfc in text
    if latin:
        assert latin in text
    assert "APEC School Leadership Program" in text
    if language == "ko":
        assert KOREAN_TITLE in text
    url = issuing.verification_url(certificate)
    assert _qr(issuing.pdf_bytes(certificate), tmp_path) == [url]

    path = urlsplit(url).path
    assert path == f"/verify/{certificate.code}/"
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert nfc in page and "Status</dt>" in page
    assert "Valid" in page and "Revoked" not in page

    issuing.revoke(certificate, by=None, reason="Issued by mistake")
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoked" in page and "Issued by mistake" in page
