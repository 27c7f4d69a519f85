"""The public verification page and the Open Badges documents: what a certificate's page says
when valid, revoked and superseded, the credential check, lookups by serial number and family
name (one answer for every miss), the rate limit, the visitor's language, and the JSON
documents' exact content."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.formats import date_format

from assessments import badges, issuing
from assessments.views import verify as verify_views
from tests.assessments.certificate_world import certificate_world
from tests.trainings import factories as f

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def signing_key(settings):
    """A key of this test's own, and rate-limit counters from zero."""
    cache.clear()
    key = Ed25519PrivateKey.generate()
    settings.OPENBADGES_SIGNING_KEY = badges.private_pem(key)
    settings.OPENBADGES_KEY_ID = "key-a"
    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = ""
    return key


@pytest.fixture
def world():
    return certificate_world()


@pytest.fixture
def kim(world):
    return issuing.issue_participant(world["kim"], send_email=False)


def text(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def day(value, language="en") -> str:
    with translation.override(language):
        return date_format(value, "DATE_FORMAT")


def error_summary(response) -> str:
    found = re.search(r'<div class="form-errors".*?</div>', response.content.decode(), re.DOTALL)
    return found.group(0) if found else ""


NOT_FOUND = (
    "No certificate matches these details. Check the verification code, or the serial number "
    "and the family name, exactly as printed on the certificate. A certificate that cannot be "
    "found here was not issued by the programme."
)


def test_a_valid_certificate(client, world, kim):
    cohort = world["cohort"]
    response = client.get(f"/verify/{kim.code}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    page = text(response)
    for expected in (
        "Certificate verification",
        f"Valid This certificate was issued by the programme on {day(kim.issued_on)} and is "
        "valid. Compare the details below with the certificate.",
        "Holder 김민준",
        "Name in Latin letters Minjun Kim",
        f"Programme {cohort.programme.title}",
        f"Cohort {cohort.title}",
        f"Online pre-training: {day(cohort.pre_training_starts)} to "
        f"{day(cohort.pre_training_ends)}",
        f"Onsite training workshop: {day(cohort.workshop_starts)} to {day(cohort.workshop_ends)}",
        f"Online post-training: {day(cohort.post_training_starts)} to "
        f"{day(cohort.post_training_ends)}",
        "Kind of certificate Completion",
        f"Serial number {kim.serial}",
        f"Date of issue {day(kim.issued_on)}",
        "Status Valid",
        "Signature verified with key key-a.",
        f"The credential is the one of this certificate (serial number {kim.serial} and its "
        "verification code).",
        "The programme's revocation list does not name this credential.",
        "Download the credential",
    ):
        assert expected in page, expected
    assert f'href="/verify/{kim.code}/credential.jwt"' in response.content.decode()
    # Nothing about the holder beyond what the certificate prints.
    assert "kim@cohort-x.org" not in response.content.decode()


def test_revoked_then_superseded(client, world, kim):
    staff = f.organizer(world["cohort"])
    lee = issuing.issue_participant(world["lee"], send_email=False)
    issuing.revoke(kim, by=staff, reason="Attendance records were falsified.")
    today = day(timezone.localdate())
    page = text(client.get(f"/verify/{kim.code}/"))
    assert f"Revoked on {today} This certificate was issued by the programme on" in page
    assert f"Status Revoked on {today}: Attendance records were falsified." in page
    assert "Signature verified with key key-a." in page
    assert "The programme's revocation list names this credential as no longer valid." in page
    assert "Status Valid" not in page

    new = issuing.reissue(lee, by=staff, reason="Family name misspelt.", send_email=False)
    response = client.get(f"/verify/{lee.code}/")
    page = text(response)
    assert f"Status Superseded by a re-issue on {today}" in page
    assert "Ask the holder for the new certificate." in page
    assert "The programme's revocation list names this credential as no longer valid." in page
    # Neither the new certificate's code nor the reason for the re-issue is shown.
    assert new.code not in response.content.decode()
    assert "misspelt" not in page
    assert "Status Valid" in text(client.get(f"/verify/{new.code}/"))


def test_lookup_by_code_and_by_serial_and_family_name(client, world, kim):
    response = client.post("/verify/", {"code": kim.code})
    assert (response.status_code, response["Location"]) == (302, f"/verify/{kim.code}/")
    # Case, accents and spaces do not matter.
    response = client.post("/verify/", {"serial": kim.serial.lower(), "family_name": "  KÍM "})
    assert (response.status_code, response["Location"]) == (302, f"/verify/{kim.code}/")
    response = client.post("/ko/verify/", {"serial": kim.serial, "family_name": "kim"})
    assert response["Location"] == f"/ko/verify/{kim.code}/"


def test_a_miss_gets_one_answer(client, kim):
    wrong_name = client.post("/verify/", {"serial": kim.serial, "family_name": "Park"})
    unknown = client.post("/verify/", {"serial": "ASLP-1999-000001", "family_name": "Kim"})
    bad_code = client.post("/verify/", {"code": "not-a-code"})
    for response in (wrong_name, unknown, bad_code):
        assert response.status_code == 200
        assert NOT_FOUND in text(response)
    assert error_summary(wrong_name) == error_summary(unknown) == error_summary(bad_code) != ""
    # What was typed is kept.
    assert 'value="Park"' in wrong_name.content.decode()
    page = client.get("/verify/unknown-code/")
    assert page.status_code == 404
    assert f"No certificate found {NOT_FOUND}" in text(page)


def test_form_errors(client):
    page = text(client.post("/verify/", {}))
    assert "Enter the verification code, or the serial number and the family name." in page
    page = text(client.post("/verify/", {"serial": "ASLP-2026-000001"}))
    assert "Enter the holder's family name." in page
    page = text(client.post("/verify/", {"family_name": "Kim"}))
    assert "Enter the serial number." in page


def test_rate_limit(client, kim):
    limit = verify_views.VERIFY_LIMIT
    for n in range(limit):
        if n % 2:
            response = client.get(f"/verify/{kim.code}/")
        else:
            response = client.post("/verify/", {"serial": kim.serial, "family_name": "Nobody"})
        assert response.status_code == 200, n
    for response in (
        client.get(f"/verify/{kim.code}/"),
        client.post("/verify/", {"code": kim.code}),
    ):
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
    # Another address is not held back.
    assert client.get(f"/verify/{kim.code}/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_visitors_language(client, world, kim):
    path = f"/verify/{kim.code}/"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")
    assert (response.status_code, response["Location"]) == (302, f"/ko{path}")
    assert {"Accept-Language", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}
    client.cookies["django_language"] = "ko"
    assert client.get(path)["Location"] == f"/ko{path}"
    # From the language switcher (a page of this site): English stays English.
    response = client.get(path, HTTP_REFERER=f"{BASE}/ko{path}")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    del client.cookies["django_language"]
    for language in ("en", "ja"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, language
    # The Korean page.
    cohort = world["cohort"]
    response = client.get(f"/ko{path}")
    assert response.status_code == 200
    assert '<html lang="ko"' in response.content.decode()
    page = text(response)
    for expected in (
        "프로그램",
        "기수",
        f"발급일 {day(kim.issued_on, 'ko')}",
        f"온라인 사전 연수: {day(cohort.pre_training_starts, 'ko')}",
        "수료",
    ):
        assert expected in page, expected


def test_json_documents(client, signing_key, world, kim):
    raw = signing_key.public_key().public_bytes_raw()
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    response = client.get("/badges/keys/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert json.loads(response.content) == {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": x,
                "kid": f"{BASE}/badges/keys/#key-a",
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }
    assert json.loads(client.get("/badges/issuer/").content) == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{BASE}/badges/issuer/",
        "type": ["Profile"],
        "name": "APEC School Leadership Program",
        "url": f"{BASE}/",
    }
    issuing.revoke(kim, by=f.organizer(world["cohort"]), reason="Issued by mistake.")
    assert json.loads(client.get("/badges/revocations/").content) == {
        "id": f"{BASE}/badges/revocations/",
        "issuer": f"{BASE}/badges/issuer/",
        "revokedCredentials": [
            {
                "id": f"{BASE}/verify/{kim.code}/",
                "revoked": True,
                "revocationReason": "Issued by mistake.",
            }
        ],
    }
    assert client.post("/badges/revocations/").status_code == 405


def test_the_credential_download(client, kim):
    response = client.get(f"/verify/{kim.code}/credential.jwt")
    assert response.status_code == 200
    assert response.content.decode() == kim.credential
    assert response["Content-Type"] == "application/jwt"
    assert response["Content-Disposition"] == f'attachment; filename="{kim.serial}.jwt"'
    assert response["Cache-Control"] == "private, max-age=3600"
    decoded = json.loads(client.get(f"/verify/{kim.code}/credential.json").content)
    assert decoded == {
        "header": {"alg": "EdDSA", "kid": f"{BASE}/badges/keys/#key-a", "typ": "JWT"},
        "payload": badges.verify(kim.credential).payload,
    }
    assert client.get("/verify/unknown/credential.jwt").status_code == 404
    assert client.get("/verify/unknown/credential.json").status_code == 404
    kim.credential = ""
    kim.save(update_fields=["credential"])
    assert client.get(f"/verify/{kim.code}/credential.jwt").status_code == 404
    page = text(client.get(f"/verify/{kim.code}/"))
    assert "No digital credential was issued with this certificate." in page


@pytest.mark.parametrize("code", ["%00", "a%00b", "%F0%9F%98%80", "x" * 65, "semi;colon"])
def test_hostile_codes_are_not_looked_up(client, code):
    assert client.get(f"/verify/{code}/").status_code == 404
    assert client.get(f"/verify/{code}/credential.jwt").status_code == 404
    assert client.get(f"/verify/{code}/credential.json").status_code == 404


def test_hostile_form_input(client):
    response = client.post("/verify/", {"code": "abc\x00def"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in text(response)
    response = client.post("/verify/", {"serial": "ASLP\x00", "family_name": "Kim\x00"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in text(response)
