"""One person across cohorts: their history, the accounts that are probably them, and the alumni.

Rules:

1. A person is a user account. Their applications, participations, certificates and role
   grants are linked to it; :func:`timeline` puts them together by cohort year, in a fixed
   number of queries (four). Grants for every cohort have no year and are left out.
2. "Completed" means a valid completion certificate of that cohort; the kinds of every valid
   certificate are listed (attendance, appreciation...). Revoked and superseded ones never count.
3. :func:`possible_duplicates` looks for earlier applications (submitted, to a cohort of the
   same year or before) by **other** accounts that are probably the same person: the same
   family and given names compared without case, accents or extra spaces (NFKD, casefold,
   spaces collapsed) and the same economy; or the same phone number, digits only, when both
   have at least :data:`MIN_PHONE_DIGITS` digits. One query, whatever the number of candidates.
4. An alumnus is a confirmed participant of a finished cohort (:func:`is_alumnus`). The alumni
   directory is for alumni and for staff (organizers of some cohort, superusers); it lists only
   the profiles their owners chose to list, of people who are alumni.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from django.db.models import Prefetch, Q, QuerySet

from . import permissions
from .models import (
    AlumniProfile,
    Application,
    ApplicationStatus,
    Cohort,
    CohortStatus,
    Role,
    RoleGrant,
)

MIN_PHONE_DIGITS = 6
# Statuses of an application that was offered a place.
OFFERED = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.OFFER_DECLINED,
    ApplicationStatus.OFFER_EXPIRED,
)


# -- Timeline -------------------------------------------------------------------------------------


@dataclasses.dataclass
class TimelineRow:
    """What the person did in one cohort."""

    cohort: Cohort
    application: Application | None = None
    participant: bool = False
    completed: bool = False
    certificate_kinds: list[str] = dataclasses.field(default_factory=list)
    roles: list[str] = dataclasses.field(default_factory=list)

    @property
    def year(self) -> int:
        return self.cohort.year

    @property
    def status(self) -> str:
        return self.application.status if self.application else ""

    @property
    def selected(self) -> bool:
        """Offered a place (whether or not they took it)."""
        return self.participant or self.status in OFFERED

    @property
    def certificate_labels(self) -> list[str]:
        from assessments.models import CertificateKind

        labels = dict(CertificateKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.certificate_kinds]

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]


def timeline(user) -> list[TimelineRow]:
    """The person's history, one row per cohort they applied to or held a role in, oldest
    first (rule 1)."""
    from assessments.models import Certificate, CertificateKind, CertificateStatus
    from trainings.models import Participant

    rows: dict[int, TimelineRow] = {}

    def row_for(cohort: Cohort) -> TimelineRow:
        if cohort.pk not in rows:
            rows[cohort.pk] = TimelineRow(cohort=cohort)
        return rows[cohort.pk]

    applications = (
        Application.objects.filter(applicant=user)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("cohort")
    )
    for application in applications:
        row_for(application.cohort).application = application
    participations = dict(
        Participant.objects.filter(
            user=user, application__status=ApplicationStatus.CONFIRMED
        ).values_list("pk", "cohort_id")
    )
    for cohort_id in participations.values():
        if cohort_id in rows:
            rows[cohort_id].participant = True
    certificates = (
        Certificate.objects.filter(
            participant__user=user,
            participant__application__status=ApplicationStatus.CONFIRMED,
            status=CertificateStatus.VALID,
        )
        .order_by("kind")
        .values_list("cohort_id", "kind")
    )
    for cohort_id, kind in certificates:
        if cohort_id in rows:
            rows[cohort_id].certificate_kinds.append(kind)
            if kind == CertificateKind.COMPLETION:
                rows[cohort_id].completed = True
    grants = (
        RoleGrant.objects.filter(user=user, cohort__isnull=False)
        .select_related("cohort")
        .order_by("role")
    )
    for grant in grants:
        roles = row_for(grant.cohort).roles
        if grant.role not in roles:
            roles.append(grant.role)
    return sorted(rows.values(), key=lambda row: (row.cohort.year, row.cohort.slug))


# -- Possible duplicates --------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def name_key(text: str) -> str:
    """A name compared without case, accents or extra spaces (rule 3)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare.casefold()).strip()


def phone_key(text: str) -> str:
    """The digits of a phone number; empty when too short to tell people apart."""
    digits = "".join(char for char in (text or "") if char.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


@dataclasses.dataclass
class Duplicate:
    application: Application
    same_name: bool
    same_phone: bool


def possible_duplicates(application: Application) -> list[Duplicate]:
    """Earlier applications by other accounts that are probably the same person (rule 3)."""
    family, given = name_key(application.family_name), name_key(application.given_names)
    phone = phone_key(application.phone)
    by_name = bool(family and given and application.economy_id)
    if not by_name and not phone:
        return []
    wanted = Q()
    if by_name:
        wanted |= Q(economy_id=application.economy_id)
    if phone:
        wanted |= ~Q(phone="")
    candidates = (
        Application.objects.filter(wanted, cohort__year__lte=application.cohort.year)
        .exclude(applicant_id=application.applicant_id)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("cohort", "economy")
        .order_by("-cohort__year", "family_name", "given_names", "pk")
    )
    found = []
    for other in candidates:
        same_name = (
            by_name
            and other.economy_id == application.economy_id
            and name_key(other.family_name) == family
            and name_key(other.given_names) == given
        )
        same_phone = bool(phone) and phone_key(other.phone) == phone
        if same_name or same_phone:
            found.append(Duplicate(other, same_name=same_name, same_phone=same_phone))
    return found


def earlier_own(application: Application) -> list[TimelineRow]:
    """The applicant's own other cohorts ("applied again"), from their timeline."""
    return [
        row for row in timeline(application.applicant) if row.cohort.pk != application.cohort_id
    ]


def person_before(user, application: Application) -> dict:
    """The organizer's "This person before" box: the applicant's own other cohorts ("applied
    again") and the possible duplicates from other accounts. ``linked`` holds the cohorts whose
    applications ``user`` may open (the cohorts they organize); others are named as plain text.
    """
    linked = set(permissions.organizer_cohorts(user).values_list("pk", flat=True))
    return {
        "own_before": earlier_own(application),
        "duplicates": possible_duplicates(application),
        "linked_cohorts": linked,
    }


# -- Alumni ---------------------------------------------------------------------------------------


def alumni_participations():
    from trainings.models import Participant

    return Participant.objects.filter(
        cohort__status=CohortStatus.FINISHED, application__status=ApplicationStatus.CONFIRMED
    )


def is_alumnus(user) -> bool:
    """A confirmed participant of a finished cohort (rule 4)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return alumni_participations().filter(user=user).exists()


def may_see_directory(user) -> bool:
    """Alumni, organizers of some cohort and superusers (rule 4)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return permissions.is_organizer(user) or is_alumnus(user)


def listed_profiles() -> QuerySet[AlumniProfile]:
    """The profiles shown in the directory, each with the person's finished cohorts prefetched
    as ``alumni_participations`` (newest first). Two queries for any number of rows."""
    participations = (
        alumni_participations()
        .select_related("cohort", "application__economy")
        .prefetch_related("application__economy__names")
        .order_by("-cohort__year", "pk")
    )
    alumni = alumni_participations().values("user_id")
    return (
        AlumniProfile.objects.filter(listed=True, user__is_active=True, user_id__in=alumni)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__participations", queryset=participations, to_attr="alumni_participations"
            )
        )
    )


def filter_profiles(
    profiles: QuerySet[AlumniProfile], *, economy: str = "", year: int | None = None, q: str = ""
) -> QuerySet[AlumniProfile]:
    """Profiles of alumni of ``economy`` (code), of a cohort of ``year``, matching ``q`` in a
    name (as in their applications) or the school."""
    alumni = alumni_participations()
    if economy:
        alumni = alumni.filter(application__economy__code=economy)
    if year:
        alumni = alumni.filter(cohort__year=year)
    if economy or year:
        profiles = profiles.filter(user_id__in=alumni.values("user_id"))
    for word in q.split():
        named = alumni_participations().filter(
            Q(application__family_name__icontains=word)
            | Q(application__given_names__icontains=word)
            | Q(application__native_name__icontains=word)
        )
        profiles = profiles.filter(
            Q(school__icontains=word) | Q(user_id__in=named.values("user_id"))
        )
    return profiles
