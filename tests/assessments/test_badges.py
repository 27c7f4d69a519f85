"""Open Badges 3.0 credentials: the signed token and its exact content, verification against the
current and retired keys, tampering and foreign keys refused, the revocation list, key settings
(inline, file, development key), the key command and the production refusal without a key."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from assessments import badges, issuing
from tests.assessments.certificate_world import certificate_world
from tests.trainings import factories as f

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def use_key(settings, key, kid="key-a", retired=""):
    settings.OPENBADGES_SIGNING_KEY = badges.private_pem(key)
    settings.OPENBADGES_KEY_ID = kid
    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = retired


def retired_entry(kid, key) -> str:
    return f"{kid}=" + badges.public_pem(key.public_key()).strip().replace("\n", "\\n")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def key_a(settings):
    key = new_key()
    use_key(settings, key)
    return key


@pytest.fixture
def world():
    return certificate_world()


@pytest.fixture
def kim_certificate(world, key_a):
    return issuing.issue_participant(world["kim"], send_email=False)


def test_the_signed_credential_and_its_exact_content(world, kim_certificate):
    certificate = kim_certificate
    cohort = world["cohort"]
    token = certificate.credential
    assert jwt.get_unverified_header(token) == {
        "alg": "EdDSA",
        "kid": f"{BASE}/badges/keys/#key-a",
        "typ": "JWT",
    }
    outcome = badges.verify(token)
    assert (outcome.ok, outcome.key_id, outcome.reason) == (True, "key-a", "")
    url = f"{BASE}/verify/{certificate.code}/"
    subject = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, url))
    achievement = "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/badges/issuer/#{cohort.slug}/completion")
    )
    day = certificate.issued_on.isoformat()
    start = f"{day}T00:00:00Z"
    day_start = dt.datetime.combine(certificate.issued_on, dt.time.min, tzinfo=dt.UTC)
    if day_start > timezone.now():
        # Issued on a date that has not begun in UTC yet (the cohort's zone is ahead): the
        # credential is valid from the signing moment instead (badges.valid_from).
        start = outcome.payload["validFrom"]
        signed = dt.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        assert timezone.now() - dt.timedelta(minutes=5) < signed < day_start
    title = f"Certificate of Completion: {cohort.title}"
    programme = cohort.programme.title
    assert outcome.payload == {
        "@context": CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": f"{BASE}/badges/issuer/",
            "type": ["Profile"],
            "name": "APEC School Leadership Program",
            "url": f"{BASE}/",
        },
        "validFrom": start,
        "name": title,
        "description": f"Serial number {certificate.serial}",
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": "김민준",
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": "Minjun Kim",
                },
            ],
            "activityStartDate": f"{cohort.pre_training_starts.isoformat()}T00:00:00Z",
            "activityEndDate": f"{cohort.post_training_ends.isoformat()}T00:00:00Z",
            "achievement": {
                "id": achievement,
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": title,
                "description": (
                    f"Certificate of Completion of the {cohort.title} cohort of the {programme}."
                ),
                "criteria": {
                    "narrative": (
                        f"Completed the {cohort.title} cohort of the {programme}: met the "
                        "cohort's completion requirements (onsite attendance, assignments, "
                        "surveys and dissemination, as set for the cohort)."
                    )
                },
                "inLanguage": "en",
            },
        },
        "credentialStatus": {"id": f"{BASE}/badges/revocations/", "type": "1EdTechRevocationList"},
        "iss": f"{BASE}/badges/issuer/",
        "jti": url,
        "sub": subject,
        "nbf": int(badges.valid_from(certificate).timestamp()),
    }
    # Signing the same certificate again gives the same bytes, whatever the active language.
    with translation.override("ko"):
        assert badges.sign(certificate) == token


def test_attendance_and_appreciation_achievements(world, key_a):
    lee = issuing.issue_participant(world["lee"], send_email=False)
    speaker = issuing.issue_speaker(world["cohort"], world["speaker"])
    lee_body = badges.credential_of(badges.verify(lee.credential).payload)
    speaker_body = badges.credential_of(badges.verify(speaker.credential).payload)
    assert lee_body["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert lee_body["name"] == f"Certificate of Attendance: {world['cohort'].title}"
    assert speaker_body["credentialSubject"]["achievement"]["achievementType"] == "Award"
    # A Latin-only name is named once.
    assert speaker_body["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Maria Santos",
        }
    ]


def test_tampered_payload_fails(kim_certificate):
    header, payload, signature = kim_certificate.credential.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
    forged = ".".join([header, b64(json.dumps(claims).encode()), signature])
    outcome = badges.verify(forged)
    assert (outcome.ok, outcome.key_id, outcome.payload) == (False, "key-a", None)
    assert outcome.reason == (
        "The signature does not match: the credential was changed or not signed by us."
    )


def test_another_key_fails(settings, kim_certificate):
    # Someone else's key, claiming our key id: the signature does not match.
    impostor = new_key()
    payload = badges.verify(kim_certificate.credential).payload
    forged = jwt.encode(
        payload,
        impostor,
        algorithm="EdDSA",
        headers={"kid": f"{BASE}/badges/keys/#key-a", "typ": "JWT"},
    )
    assert badges.verify(forged).reason == (
        "The signature does not match: the credential was changed or not signed by us."
    )
    # Our key replaced without keeping the old one: its credentials no longer verify.
    use_key(settings, new_key(), kid="key-b")
    outcome = badges.verify(kim_certificate.credential)
    assert (outcome.ok, outcome.key_id) == (False, "key-a")
    assert outcome.reason == "The credential is signed with an unknown key."


def test_a_retired_key_still_verifies(settings, key_a, kim_certificate):
    key_b = new_key()
    use_key(settings, key_b, kid="key-b", retired=retired_entry("key-a", key_a))
    outcome = badges.verify(kim_certificate.credential)
    assert (outcome.ok, outcome.key_id) == (True, "key-a")
    assert badges.check(kim_certificate).ok
    # New credentials are signed with the new key.
    fresh = badges.sign(kim_certificate)
    assert jwt.get_unverified_header(fresh)["kid"] == f"{BASE}/badges/keys/#key-b"
    assert badges.verify(fresh).key_id == "key-b"
    assert [entry["kid"] for entry in badges.jwks()["keys"]] == [
        f"{BASE}/badges/keys/#key-b",
        f"{BASE}/badges/keys/#key-a",
    ]


def test_jwks_and_issuer_profile_exact_content(key_a):
    raw = key_a.public_key().public_bytes_raw()
    assert badges.jwks() == {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64(raw),
                "kid": f"{BASE}/badges/keys/#key-a",
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }
    assert badges.issuer_profile() == {
        "@context": CONTEXT,
        "id": f"{BASE}/badges/issuer/",
        "type": ["Profile"],
        "name": "APEC School Leadership Program",
        "url": f"{BASE}/",
    }


def test_revocation_list_lists_revoked_and_superseded(world, kim_certificate):
    staff = f.organizer(world["cohort"])
    lee = issuing.issue_participant(world["lee"], send_email=False)
    assert badges.revocation_list() == {
        "id": f"{BASE}/badges/revocations/",
        "issuer": f"{BASE}/badges/issuer/",
        "revokedCredentials": [],
    }
    issuing.revoke(kim_certificate, by=staff, reason="Attendance records were falsified.")
    issuing.reissue(lee, by=staff, reason="Name corrected.", send_email=False)
    by_serial = {
        kim_certificate.serial: {
            "id": f"{BASE}/verify/{kim_certificate.code}/",
            "revoked": True,
            "revocationReason": "Attendance records were falsified.",
        },
        lee.serial: {
            "id": f"{BASE}/verify/{lee.code}/",
            "revoked": True,
            "revocationReason": "Superseded by a re-issue.",
        },
    }
    listed = [by_serial[serial] for serial in sorted(by_serial)]
    assert badges.revocation_list() == {
        "id": f"{BASE}/badges/revocations/",
        "issuer": f"{BASE}/badges/issuer/",
        "revokedCredentials": listed,
    }
    kim_certificate.refresh_from_db()
    check = badges.check(kim_certificate)
    assert (check.signature_ok, check.matches, check.listed_revoked, check.ok) == (
        True,
        True,
        True,
        False,
    )
    assert badges.revocation_list(world["cohort"])["revokedCredentials"] == listed
    other = f.cohort("cohort-other")
    assert badges.revocation_list(other)["revokedCredentials"] == []


def test_not_a_credential_and_inconsistent_claims(key_a, kim_certificate):
    assert badges.verify("not-a-token").reason == "This is not a signed credential."
    payload = badges.verify(kim_certificate.credential).payload
    payload["iss"] = "https://elsewhere.example.org/issuer"
    signed = jwt.encode(
        payload, key_a, algorithm="EdDSA", headers={"kid": f"{BASE}/badges/keys/#key-a"}
    )
    outcome = badges.verify(signed)
    assert (outcome.ok, outcome.reason) == (
        False,
        "The credential's claims do not agree with its contents.",
    )
    hs = jwt.encode(payload, "secret-of-at-least-32-bytes-length!", algorithm="HS256")
    assert badges.verify(hs).reason == (
        "The credential is signed with a method this site does not use."
    )


def test_a_credential_of_another_certificate_does_not_match(world, kim_certificate):
    lee = issuing.issue_participant(world["lee"], send_email=False)
    lee.credential = kim_certificate.credential
    check = badges.check(lee)
    assert (check.signature_ok, check.matches, check.ok) == (True, False, False)
    lee.credential = ""
    assert badges.check(lee).present is False


def test_key_settings_inline_file_and_errors(settings, tmp_path):
    key = new_key()
    one_line = badges.private_pem(key).strip().replace("\n", "\\n")
    use_key(settings, key, kid="")
    settings.OPENBADGES_SIGNING_KEY = one_line
    current = badges.keys().current
    # Without a key id, the key's JWK thumbprint.
    assert current.key_id == badges.thumbprint(key.public_key())
    assert len(current.key_id) == 43
    path = tmp_path / "signing.pem"
    path.write_text(badges.private_pem(key))
    settings.OPENBADGES_SIGNING_KEY = str(path)
    settings.OPENBADGES_KEY_ID = "file-key"
    assert badges.keys().current.key_id == "file-key"
    retired_file = tmp_path / "retired.txt"
    old = new_key()
    retired_file.write_text(f"old-1={badges.public_pem(old.public_key())}\n")
    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = str(retired_file)
    assert [kid for kid, _key in badges.keys().retired] == ["old-1"]

    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = "just words"
    with pytest.raises(ImproperlyConfigured, match="cannot read the key file"):
        badges.keys()
    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = ""
    settings.OPENBADGES_KEY_ID = "has space"
    with pytest.raises(ImproperlyConfigured, match="OPENBADGES_KEY_ID"):
        badges.keys()
    settings.OPENBADGES_KEY_ID = "ok"
    settings.OPENBADGES_SIGNING_KEY = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="cannot read the key file"):
        badges.keys()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OPENBADGES_SIGNING_KEY = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(ImproperlyConfigured, match="must be an Ed25519 key"):
        badges.keys()


def test_development_key_is_made_once(settings, tmp_path):
    settings.OPENBADGES_SIGNING_KEY = ""
    settings.OPENBADGES_KEY_ID = ""
    settings.OPENBADGES_RETIRED_PUBLIC_KEYS = ""
    settings.OPENBADGES_DEV_KEY_FILE = tmp_path / "var" / "openbadges-dev-key.pem"
    first = badges.keys().current
    assert settings.OPENBADGES_DEV_KEY_FILE.stat().st_mode & 0o777 == 0o600
    badges._keys_for.cache_clear()
    again = badges.keys().current
    assert again.key_id == first.key_id
    assert again.public.public_bytes_raw() == first.public.public_bytes_raw()


def test_key_command(settings, key_a):
    out = io.StringIO()
    call_command("openbadges_key", kid="2027-01", stdout=out)
    first, pem = out.getvalue().split("\n", 1)
    assert first == "OPENBADGES_KEY_ID=2027-01"
    settings.OPENBADGES_SIGNING_KEY = pem
    settings.OPENBADGES_KEY_ID = "2027-01"
    made = badges.keys().current
    assert made.public.public_bytes_raw() != key_a.public_key().public_bytes_raw()
    # The entry that keeps the replaced key's credentials verifying.
    use_key(settings, key_a)
    out = io.StringIO()
    call_command("openbadges_key", retire_current=True, stdout=out)
    line = out.getvalue().strip()
    assert line == retired_entry("key-a", key_a)
    ((kid, public),) = badges.parse_retired(line)
    assert kid == "key-a"
    assert public.public_bytes_raw() == key_a.public_key().public_bytes_raw()
    with pytest.raises(CommandError, match="Use 1 to 64 letters"):
        call_command("openbadges_key", kid="no spaces please", stdout=io.StringIO())


def _import_production(extra: dict) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENBADGES_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "aslp.example.org",
            "OPENBADGES_SIGNING_KEY": "",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", "import aslp_site.settings.production"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_key():
    refused = _import_production({})
    assert refused.returncode == 1
    assert (
        "ImproperlyConfigured: Set OPENBADGES_SIGNING_KEY (an Ed25519 private key in PEM, or "
        "the path of a PEM file; `manage.py openbadges_key` makes one)." in refused.stderr
    )
    started = _import_production({"OPENBADGES_SIGNING_KEY": "/srv/aslp/openbadges.pem"})
    assert started.returncode == 0, started.stderr
