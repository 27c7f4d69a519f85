"""Builders for cohorts tests: plain functions with sensible defaults, keyword overrides.

Every cohorts test (and the security harness's sample world) builds its data with these, so a
change of the model shows up in one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from aslp_site.accounts.models import User
from cohorts.economy_data import economies_sync
from cohorts.models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Cohort,
    CohortStatus,
    Economy,
    EconomyQuota,
    FileKind,
    Programme,
    ReviewAssignment,
    Role,
    RoleGrant,
    RubricCriterion,
)

PASSWORD = "Sturdy-Passphrase-42"
_counter = itertools.count(1)

# The smallest valid PDF that PDF readers and `filetype` accept.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def user(email: str | None = None, **extra) -> User:
    email = email or f"person{next(_counter)}@example.org"
    person = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    return person


def economy(code: str) -> Economy:
    """One of the economies seeded by the migration (ROK, THA, USA, JPN, ...).

    A transactional test run after another one's flush may find them gone: they are put back
    from the same data the migration uses.
    """
    try:
        return Economy.objects.get(code=code)
    except Economy.DoesNotExist:
        economies_sync()
        return Economy.objects.get(code=code)


def programme(slug: str = "aslp", **extra) -> Programme:
    defaults = {
        "title": "APEC School Leadership Program",
        "short_name": "ASLP",
        "organisation_name": "Institute for APEC Collaborative Education",
        "organisation_address": "Busan, Republic of Korea",
        "letter_signatory_name": "Dr. Min-ji Park",
        "letter_signatory_title": "Director",
        **extra,
    }
    return Programme.objects.get_or_create(slug=slug, defaults=defaults)[0]


def cohort(
    slug: str | None = None,
    *,
    opens_in: dt.timedelta = -dt.timedelta(days=10),
    closes_in: dt.timedelta = dt.timedelta(days=10),
    quotas: dict[str, int | tuple[int, int]] | None = None,
    rubric: bool = True,
    **extra,
) -> Cohort:
    """An open cohort (window around now) with quotas {"ROK": 2, "THA": (1, 2)} (seats, reserve)."""
    now = timezone.now()
    slug = slug or f"cohort-{next(_counter)}"
    defaults = {
        "programme": extra.pop("programme", None) or programme(),
        "title": f"Cohort {slug}",
        "year": now.year,
        "status": CohortStatus.OPEN,
        "time_zone": "Asia/Seoul",
        "opens_at": now + opens_in,
        "closes_at": now + closes_in,
        "total_seats": 30,
        "languages": ["en", "ko"],
        **extra,
    }
    made = Cohort.objects.create(slug=slug, **defaults)
    for code, value in (quotas if quotas is not None else {"ROK": 3, "THA": 3}).items():
        seats, reserve = value if isinstance(value, tuple) else (value, 2)
        EconomyQuota.objects.create(
            cohort=made, economy=economy(code), seats=seats, reserve_places=reserve
        )
    if rubric:
        RubricCriterion.objects.create(
            cohort=made,
            title="Leadership experience",
            weight=2,
            sort_order=1,
            level_1="None",
            level_3="Some",
            level_5="Extensive",
        )
        RubricCriterion.objects.create(
            cohort=made,
            title="Motivation",
            weight=1,
            sort_order=2,
            level_1="Unclear",
            level_3="Clear",
            level_5="Compelling",
        )
    return made


def grant(person: User, role: str, cohort: Cohort | None = None, economy_code: str | None = None):
    return RoleGrant.objects.create(
        user=person,
        role=role,
        cohort=cohort,
        economy=economy(economy_code) if economy_code else None,
    )


def application(
    cohort: Cohort,
    applicant: User | None = None,
    *,
    economy_code: str = "ROK",
    status: str = ApplicationStatus.SUBMITTED,
    with_files: bool = False,
    **extra,
) -> Application:
    """A complete application (as if submitted) unless ``status`` says draft."""
    applicant = applicant or user()
    n = next(_counter)
    values = {
        "family_name": extra.pop("family_name", f"Family{n}"),
        "given_names": extra.pop("given_names", f"Given{n}"),
        "native_name": "",
        "gender": "female",
        "position": "principal",
        "school_name": f"School {n}",
        "school_level": "primary",
        "years_experience": 12,
        "economy": economy(economy_code) if economy_code else None,
        "preferred_language": "en",
        "time_zone": "Asia/Seoul",
        "motivation": "I want to lead a school that prepares students for the future.",
        **extra,
    }
    made = Application.objects.create(cohort=cohort, applicant=applicant, status=status, **values)
    if status != ApplicationStatus.DRAFT:
        made.submitted_at = made.submitted_at or timezone.now()
        made.reference = f"{cohort.slug.upper()}-{made.pk:05d}"
        made.save(update_fields=["submitted_at", "reference"])
    if with_files:
        attach(made, FileKind.CV)
        attach(made, FileKind.ENDORSEMENT_LETTER)
    return made


def attach(app: Application, kind: str, content: bytes = MINIMAL_PDF, name: str = "cv.pdf"):
    upload = ApplicationFile(
        application=app,
        kind=kind,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    upload.file.save(name, ContentFile(content), save=False)
    upload.save()
    return upload


def assign(app: Application, reviewer: User) -> ReviewAssignment:
    return ReviewAssignment.objects.create(application=app, reviewer=reviewer)


__all__ = [
    "MINIMAL_PDF",
    "PASSWORD",
    "Role",
    "application",
    "assign",
    "attach",
    "cohort",
    "economy",
    "grant",
    "programme",
    "user",
]
