"""Open Badges 3.0 credentials for certificates, signed as VC-JWT, and the public documents a
verifier needs (issuer profile, public keys, revocation list).

Rules:

1. Format: Open Badges 3.0 on the Verifiable Credentials Data Model 2.0 with the JSON Web Token
   proof format (OB 3.0 section 8.2). The JWT payload is the ``OpenBadgeCredential`` itself plus
   the registered claims ``iss`` (issuer.id), ``jti`` (id), ``sub`` (credentialSubject.id) and
   ``nbf`` (validFrom). :func:`verify` also reads the older VCDM 1.1 layout, where the credential
   sits in a ``vc`` claim.
2. Header: ``alg`` EdDSA (Ed25519), ``typ`` JWT and ``kid``, the URL of the key set
   (``/badges/keys/``) with the key id as fragment; the key set names each key by that same URL.
3. Keys come from the settings (``OPENBADGES_SIGNING_KEY``, ``OPENBADGES_KEY_ID``,
   ``OPENBADGES_RETIRED_PUBLIC_KEYS``; formats in docs/open-badges.md). Credentials verify
   against the current key and every retired public key, so a rotation does not break the
   credentials already issued. Without a configured key (development, tests) a key is made once
   and kept in ``OPENBADGES_DEV_KEY_FILE``; production settings refuse to start without one.
4. The credential's id is the certificate's language-neutral verification address
   (``/verify/<code>/``), its description names the serial number, its subject is identified by
   the names printed on the certificate; nothing else about the holder is in it.
5. The credential is written in English, whatever language the request that issued it used, so
   that signing the same certificate gives the same bytes (Ed25519 signatures are deterministic).
6. The revocation list (1EdTech Revocation List Status Method) lists revoked and superseded
   certificates: a superseded credential carries the name before the correction.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Certificate, CertificateKind, CertificateStatus

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_TYPE = "1EdTechRevocationList"
ALGORITHM = "EdDSA"
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_RETIRED_ENTRY = re.compile(
    r"([A-Za-z0-9._-]+)\s*=\s*(-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----)", re.DOTALL
)

# OB 3.0 achievementType per kind of certificate, and the English defaults used when the
# cohort's template has no English wording.
ACHIEVEMENT_TYPES = {
    CertificateKind.COMPLETION: "CertificateOfCompletion",
    CertificateKind.ATTENDANCE: "Certificate",
    CertificateKind.APPRECIATION: "Award",
}
DEFAULT_TITLES = {
    CertificateKind.COMPLETION: "Certificate of Completion",
    CertificateKind.ATTENDANCE: "Certificate of Attendance",
    CertificateKind.APPRECIATION: "Certificate of Appreciation",
}
CRITERIA = {
    CertificateKind.COMPLETION: (
        "Completed the {cohort} cohort of the {programme}: met the cohort's completion "
        "requirements (onsite attendance, assignments, surveys and dissemination, as set for "
        "the cohort)."
    ),
    CertificateKind.ATTENDANCE: "Took part in the {cohort} cohort of the {programme}.",
    CertificateKind.APPRECIATION: (
        "Contributed to the {cohort} cohort of the {programme} as a speaker or facilitator."
    ),
}
SUPERSEDED_REASON = "Superseded by a re-issue."


# -- Keys -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    key_id: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


@dataclass(frozen=True)
class Keys:
    current: KeyPair
    retired: tuple[tuple[str, Ed25519PublicKey], ...]

    def public(self, key_id: str) -> Ed25519PublicKey | None:
        if key_id == self.current.key_id:
            return self.current.public
        for retired_id, key in self.retired:
            if retired_id == key_id:
                return key
        return None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint of the key (the key id when none is configured)."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw_public(key))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _pem_text(value: str, setting: str) -> str:
    """PEM text given inline (real or ``\\n``-escaped newlines) or as the path of a file."""
    value = value.strip()
    if "-----BEGIN" in value:
        return value.replace("\\n", "\n")
    try:
        return Path(value).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"{setting}: cannot read the key file {value!r}: {exc}") from exc


def _load_private(pem: str, setting: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(f"{setting}: not a PEM private key without password.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{setting}: the key must be an Ed25519 key.")
    return key


def _load_public(pem: str, setting: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(f"{setting}: not a PEM public key.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{setting}: the key must be an Ed25519 key.")
    return key


def _dev_key(path: Path) -> Ed25519PrivateKey:
    """The development key in ``path``, made on first use (never used in production)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = private_pem(Ed25519PrivateKey.generate()).encode("ascii")
        # Written aside, then linked into place: another process never reads a half-written
        # key, and the first one to link wins (the others use its key).
        draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            target.write(pem)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    return _load_private(path.read_text(encoding="ascii"), "OPENBADGES_DEV_KEY_FILE")


def parse_retired(value: str) -> tuple[tuple[str, Ed25519PublicKey], ...]:
    """``kid=PEM`` entries (separated by commas or newlines; newlines inside a PEM may be
    written ``\\n``), given inline or as the path of a file holding them."""
    value = (value or "").strip()
    if not value:
        return ()
    text = value.replace("\\n", "\n") if "-----BEGIN" in value else _pem_text(value, "retired")
    entries = _RETIRED_ENTRY.findall(text)
    if not entries:
        raise ImproperlyConfigured(
            "OPENBADGES_RETIRED_PUBLIC_KEYS: no 'kid=-----BEGIN PUBLIC KEY-----...' entry found."
        )
    return tuple(
        (key_id, _load_public(pem, f"OPENBADGES_RETIRED_PUBLIC_KEYS ({key_id})"))
        for key_id, pem in entries
    )


@functools.lru_cache(maxsize=4)
def _keys_for(signing: str, key_id: str, retired: str, dev_file: str) -> Keys:
    if signing.strip():
        private = _load_private(
            _pem_text(signing, "OPENBADGES_SIGNING_KEY"), "OPENBADGES_SIGNING_KEY"
        )
    else:
        private = _dev_key(Path(dev_file))
    key_id = key_id.strip() or thumbprint(private.public_key())
    if not KEY_ID_PATTERN.match(key_id):
        raise ImproperlyConfigured(
            "OPENBADGES_KEY_ID: use 1 to 64 letters, digits, dots, hyphens or underscores."
        )
    old = tuple((kid, key) for kid, key in parse_retired(retired) if kid != key_id)
    return Keys(current=KeyPair(key_id, private), retired=old)


def keys() -> Keys:
    """The current signing key and the retired public keys, from the settings."""
    return _keys_for(
        settings.OPENBADGES_SIGNING_KEY,
        settings.OPENBADGES_KEY_ID,
        settings.OPENBADGES_RETIRED_PUBLIC_KEYS,
        str(settings.OPENBADGES_DEV_KEY_FILE),
    )


# -- Addresses ------------------------------------------------------------------------------------


def _url(name: str, **kwargs) -> str:
    """The absolute, language-neutral address of one of our URLs."""
    from .issuing import neutral_url

    return neutral_url(name, **kwargs)


def issuer_id() -> str:
    return _url("badges_issuer")


def keys_url() -> str:
    return _url("badges_keys")


def revocation_list_url() -> str:
    return _url("badges_revocations")


def credential_id(certificate: Certificate) -> str:
    """The credential's id: the certificate's verification address."""
    return _url("verify_certificate", code=certificate.code)


def key_uri(key_id: str) -> str:
    return f"{keys_url()}#{key_id}"


def _key_id_of(kid: str) -> str:
    """The key id in a ``kid`` header: the fragment of the key URL (or the whole value)."""
    return kid.rsplit("#", 1)[-1]


# -- Public documents -----------------------------------------------------------------------------


def _profile() -> dict:
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.OPENBADGES_ISSUER_NAME,
        "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",
    }


def issuer_profile() -> dict:
    """The issuer's Profile, served at the issuer id."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **_profile()}


def jwk(key_id: str, key: Ed25519PublicKey) -> dict:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw_public(key)),
        "kid": key_uri(key_id),
        "alg": ALGORITHM,
        "use": "sig",
    }


def jwks() -> dict:
    """The public keys credentials verify against: the current one first, then the retired."""
    current = keys()
    entries = [jwk(current.current.key_id, current.current.public)]
    entries += [jwk(key_id, key) for key_id, key in current.retired]
    return {"keys": entries}


def _revocation_reason(certificate: Certificate) -> str:
    if certificate.status == CertificateStatus.SUPERSEDED:
        return SUPERSEDED_REASON
    return certificate.status_reason


def revocation_list(cohort=None) -> dict:
    """The revocation list: every revoked or superseded certificate (of ``cohort`` only when
    given), by serial number."""
    revoked = Certificate.objects.filter(
        status__in=[CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED]
    ).order_by("serial")
    if cohort is not None:
        revoked = revoked.filter(cohort=cohort)
    entries = []
    for certificate in revoked.only("code", "status", "status_reason", "serial"):
        entry = {"id": credential_id(certificate), "revoked": True}
        if reason := _revocation_reason(certificate):
            entry["revocationReason"] = reason
        entries.append(entry)
    return {"id": revocation_list_url(), "issuer": issuer_id(), "revokedCredentials": entries}


# -- The credential -------------------------------------------------------------------------------


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def valid_from(certificate: Certificate) -> dt.datetime:
    """The start of the issue date (UTC); the signing moment instead on an issue date that has
    not begun in UTC yet (issued early in the morning east of Greenwich), so that the
    credential is never valid only from the future."""
    start = dt.datetime.combine(certificate.issued_on, dt.time.min, tzinfo=dt.UTC)
    now = timezone.now().replace(microsecond=0)
    return min(start, now)


def _cohort_span(cohort) -> tuple[dt.date | None, dt.date | None]:
    starts = [cohort.pre_training_starts, cohort.workshop_starts, cohort.post_training_starts]
    ends = [cohort.pre_training_ends, cohort.workshop_ends, cohort.post_training_ends]
    starts = [day for day in starts if day]
    ends = [day for day in ends if day]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _title(certificate: Certificate) -> str:
    template = getattr(certificate.cohort, "certificate_template", None)
    wording = template.wording(certificate.kind, "en") if template is not None else None
    return (wording.title if wording is not None else "") or DEFAULT_TITLES[certificate.kind]


def achievement_id(cohort, kind: str) -> str:
    """A stable URI of the achievement (one per cohort and kind)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issuer_id()}#{cohort.slug}/{kind}"))


def _subject_id(certificate: Certificate) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, credential_id(certificate)))


def holder_identifiers(certificate: Certificate) -> list[dict]:
    names = [certificate.holder_name]
    if certificate.holder_name_latin and certificate.holder_name_latin not in names:
        names.append(certificate.holder_name_latin)
    return [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}
        for name in names
    ]


def serial_description(certificate: Certificate) -> str:
    return f"Serial number {certificate.serial}"


def credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential of a certificate (unsigned)."""
    cohort = certificate.cohort
    programme = cohort.programme
    title = _title(certificate)
    words = {"cohort": cohort.title, "programme": programme.title}
    subject = {
        "id": _subject_id(certificate),
        "type": ["AchievementSubject"],
        "identifier": holder_identifiers(certificate),
    }
    first, last = _cohort_span(cohort)
    if first:
        subject["activityStartDate"] = _day_start(first)
    if last:
        subject["activityEndDate"] = _day_start(last)
    subject["achievement"] = {
        "id": achievement_id(cohort, certificate.kind),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[certificate.kind],
        "name": f"{title}: {cohort.title}",
        "description": f"{title} of the {cohort.title} cohort of the {programme.title}.",
        "criteria": {"narrative": CRITERIA[certificate.kind].format(**words)},
        "inLanguage": "en",
    }
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id(certificate),
        "type": list(CREDENTIAL_TYPES),
        "issuer": _profile(),
        "validFrom": _timestamp(valid_from(certificate)),
        "name": f"{title}: {cohort.title}",
        "description": serial_description(certificate),
        "credentialSubject": subject,
        "credentialStatus": {"id": revocation_list_url(), "type": STATUS_TYPE},
    }


def sign(certificate: Certificate) -> str:
    """The certificate's credential as a compact JWS (VC-JWT), signed with the current key."""
    body = credential(certificate)
    moment = dt.datetime.strptime(body["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    payload = {
        **body,
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "sub": body["credentialSubject"]["id"],
        "nbf": int(moment.timestamp()),
    }
    current = keys().current
    return jwt.encode(
        payload,
        current.private,
        algorithm=ALGORITHM,
        headers={"kid": key_uri(current.key_id), "typ": "JWT"},
    )


# -- Verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a credential's signature; ``reason`` says why it failed."""

    ok: bool
    key_id: str = ""
    payload: dict | None = None
    reason: str = ""


def credential_of(payload: dict) -> dict:
    """The OpenBadgeCredential in a verified payload (VCDM 2.0 layout, or a VCDM 1.1 ``vc``)."""
    inner = payload.get("vc")
    return inner if isinstance(inner, dict) else payload


def _claims_agree(payload: dict) -> bool:
    """The registered claims say what the credential says (OB 3.0 section 8.2.4.1)."""
    body = credential_of(payload)
    issuer = body.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = body.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    start = body.get("validFrom") or body.get("issuanceDate")
    try:
        start_moment = dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    except ValueError:
        return False
    return (
        payload.get("iss") == issuer
        and payload.get("jti") == body.get("id")
        and payload.get("sub") == subject_id
        and int(start_moment.timestamp()) == payload.get("nbf")
        and body.get("type") is not None
        and "OpenBadgeCredential" in body.get("type", [])
    )


def verify(token: str) -> Verification:
    """Check a compact JWS against the current and the retired public keys."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return Verification(False, reason=_("This is not a signed credential."))
    if header.get("alg") != ALGORITHM:
        return Verification(
            False, reason=_("The credential is signed with a method this site does not use.")
        )
    key_id = _key_id_of(str(header.get("kid") or ""))
    key = keys().public(key_id)
    if key is None:
        return Verification(
            False, key_id=key_id, reason=_("The credential is signed with an unknown key.")
        )
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["iss", "jti", "sub", "nbf"], "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        return Verification(
            False,
            key_id=key_id,
            reason=_(
                "The signature does not match: the credential was changed or not signed by us."
            ),
        )
    except jwt.ImmatureSignatureError:
        return Verification(False, key_id=key_id, reason=_("The credential is not valid yet."))
    except jwt.PyJWTError:
        return Verification(
            False, key_id=key_id, reason=_("The credential is incomplete or damaged.")
        )
    if not _claims_agree(payload):
        return Verification(
            False,
            key_id=key_id,
            payload=payload,
            reason=_("The credential's claims do not agree with its contents."),
        )
    return Verification(True, key_id=key_id, payload=payload)


def decoded(token: str) -> dict:
    """Header and payload of a token, unverified (the readable view of a stored credential)."""
    return {
        "header": jwt.get_unverified_header(token),
        "payload": jwt.decode(token, options={"verify_signature": False}),
    }


def describes(payload: dict, certificate: Certificate) -> bool:
    """The credential is the one of this certificate: its code (in the id), serial number
    (in the description) and the holder's names."""
    body = credential_of(payload)
    subject = body.get("credentialSubject") or {}
    expected_path = urlsplit(credential_id(certificate)).path
    return (
        urlsplit(str(body.get("id", ""))).path == expected_path
        and body.get("description") == serial_description(certificate)
        and subject.get("identifier") == holder_identifiers(certificate)
    )


def is_listed_revoked(certificate: Certificate) -> bool:
    """Whether our revocation list names this certificate's credential."""
    wanted = urlsplit(credential_id(certificate)).path
    listed = revocation_list(certificate.cohort)["revokedCredentials"]
    return any(urlsplit(entry["id"]).path == wanted for entry in listed)


@dataclass(frozen=True)
class CredentialCheck:
    """What the verification page says about a certificate's stored credential."""

    present: bool
    verification: Verification | None = None
    matches: bool = False
    listed_revoked: bool = False

    @property
    def signature_ok(self) -> bool:
        return self.verification is not None and self.verification.ok

    @property
    def ok(self) -> bool:
        return self.signature_ok and self.matches and not self.listed_revoked


def check(certificate: Certificate) -> CredentialCheck:
    """Check the stored credential: signature, that it describes this certificate, and its
    status in our revocation list."""
    if not certificate.credential:
        return CredentialCheck(present=False)
    outcome = verify(certificate.credential)
    matches = outcome.ok and describes(outcome.payload, certificate)
    return CredentialCheck(
        present=True,
        verification=outcome,
        matches=matches,
        listed_revoked=is_listed_revoked(certificate),
    )
