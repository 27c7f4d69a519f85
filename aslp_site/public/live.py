"""The programme's live figures that public page blocks show (``blocks.py``), read from its data.

Rules, the same in every block:

* **Participants** are confirmed participants (``Participant.objects.active()``: their place is
  confirmed and not withdrawn since) of cohorts that are running or finished. People confirmed
  in a cohort still selecting (open or closed) are not counted yet.
* **Economies** are those of the participants' applications; names are shown in the reader's
  language (``Economy.localized_name``).
* **Completion** is known for a cohort once it has finished and its certificates have been
  issued (at least one valid certificate of a participant); its completed participants are
  those holding a valid completion certificate. Completion rates count known cohorts only. The
  public figure is the certified outcome rather than a live evaluation of the rules, so it
  changes only when certificates do (and the page cache follows them).
* **Educators reached** is the sum of ``educators_reached`` of accepted dissemination reports.
* **Certificates issued** are the valid ones, of every kind; **resources** the published ones.

Every function reads a fixed, small number of aggregate queries whatever the number of
participants, certificates or resources. Programme apps are imported inside the functions: they
import ``aslp_site.public`` at module level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

LATEST_RESOURCES_DEFAULT = 3


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0]


def _public_statuses() -> tuple[str, ...]:
    from cohorts.models import CohortStatus

    return (CohortStatus.RUNNING, CohortStatus.FINISHED)


def _counted_participants():
    """Participants that the public figures count (see the module's rules)."""
    from trainings.models import Participant

    return Participant.objects.active().filter(cohort__status__in=_public_statuses())


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with one decimal (half up), None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# -- The open call --------------------------------------------------------------------------


def open_calls(now=None) -> list:
    """Cohorts accepting applications now (``Cohort.is_accepting_applications``), the nearest
    deadline first, with their translations (two queries)."""
    from cohorts.models import Cohort, CohortStatus

    now = now or timezone.now()
    return list(
        Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
        .prefetch_related("translations")
        .order_by("closes_at", "pk")
    )


def next_call(now=None):
    """The announced cohort whose applications open next (open status, not open yet), or None
    (two queries)."""
    from cohorts.models import Cohort, CohortStatus

    now = now or timezone.now()
    return (
        Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__gt=now)
        .prefetch_related("translations")
        .order_by("opens_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class Remaining:
    """Whole days, hours and minutes from now until a moment (zero once it has passed)."""

    days: int
    hours: int
    minutes: int


def remaining(moment, now=None) -> Remaining:
    seconds = max(0, int((moment - (now or timezone.now())).total_seconds()))
    minutes, _seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return Remaining(days=days, hours=hours, minutes=minutes)


# -- Participating economies ------------------------------------------------------------------


@dataclass(frozen=True)
class EconomyCount:
    code: str
    name: str
    participants: int


def economy_counts(language: str | None = None) -> list[EconomyCount]:
    """Economies with participants and how many, most first, then by name (three queries)."""
    from cohorts.models import Economy

    language = _language(language)
    rows = dict(
        _counted_participants()
        .filter(application__economy__isnull=False)
        .order_by()
        .values("application__economy")
        .annotate(n=Count("pk"))
        .values_list("application__economy", "n")
    )
    economies = Economy.objects.filter(pk__in=rows).prefetch_related("names")
    counts = [
        EconomyCount(
            code=economy.code, name=economy.localized_name(language), participants=rows[economy.pk]
        )
        for economy in economies
    ]
    counts.sort(key=lambda row: (-row.participants, row.name.casefold()))
    return counts


# -- Cohorts by year --------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortFigures:
    pk: int
    year: int
    status: str
    participants: int
    certified: int  # participants with a valid certificate of any kind
    completed: int  # participants with a valid completion certificate

    @property
    def completion_known(self) -> bool:
        from cohorts.models import CohortStatus

        return self.status == CohortStatus.FINISHED and self.certified > 0


def _count_of(queryset, field: str):
    """A subquery counting ``queryset``'s rows per outer cohort (0 when none)."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def cohort_figures() -> list[CohortFigures]:
    """Running and finished cohorts with their participants and certified outcome (one query)."""
    from assessments.models import Certificate, CertificateKind, CertificateStatus
    from cohorts.models import ApplicationStatus, Cohort

    participants = _counted_participants().filter(cohort=OuterRef("pk"))
    # Certificates of counted participants only, so that completed <= participants.
    certificates = Certificate.objects.filter(
        cohort=OuterRef("pk"),
        status=CertificateStatus.VALID,
        participant__application__status=ApplicationStatus.CONFIRMED,
    )
    rows = (
        Cohort.objects.filter(status__in=_public_statuses())
        .annotate(
            n_participants=_count_of(participants, "cohort"),
            n_certified=_count_of(certificates, "cohort"),
            n_completed=_count_of(certificates.filter(kind=CertificateKind.COMPLETION), "cohort"),
        )
        .order_by("year", "pk")
        .values_list("pk", "year", "status", "n_participants", "n_certified", "n_completed")
    )
    return [CohortFigures(*row) for row in rows]


@dataclass(frozen=True)
class YearFigures:
    year: int
    cohorts: int
    participants: int
    completed: int | None  # None while completion is not known for every cohort of the year

    @property
    def completion_rate(self) -> Decimal | None:
        return None if self.completed is None else percent(self.completed, self.participants)


def cohorts_by_year(figures: list[CohortFigures] | None = None) -> list[YearFigures]:
    """Per year (oldest first): cohorts, participants and completed participants (one query)."""
    figures = cohort_figures() if figures is None else figures
    years: dict[int, list[CohortFigures]] = {}
    for row in figures:
        years.setdefault(row.year, []).append(row)
    return [
        YearFigures(
            year=year,
            cohorts=len(rows),
            participants=sum(row.participants for row in rows),
            completed=(
                sum(row.completed for row in rows)
                if all(row.completion_known for row in rows)
                else None
            ),
        )
        for year, rows in sorted(years.items())
    ]


# -- Impact in numbers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    participants: int
    economies: int
    completion_rate: Decimal | None  # over cohorts whose completion is known; None if none
    educators_reached: int
    certificates: int
    resources: int


def impact() -> Impact:
    """The programme's figures across its cohorts (five queries)."""
    from assessments.models import Certificate, CertificateStatus, Resource
    from trainings.models import DisseminationReport, ReportStatus

    people = _counted_participants().aggregate(
        participants=Count("pk", distinct=True),
        economies=Count("application__economy", distinct=True),
    )
    known = [row for row in cohort_figures() if row.completion_known]
    reached = DisseminationReport.objects.filter(status=ReportStatus.ACCEPTED).aggregate(
        total=Sum("educators_reached")
    )["total"]
    return Impact(
        participants=people["participants"],
        economies=people["economies"],
        completion_rate=percent(
            sum(row.completed for row in known), sum(row.participants for row in known)
        ),
        educators_reached=reached or 0,
        certificates=Certificate.objects.filter(status=CertificateStatus.VALID).count(),
        resources=Resource.objects.published().count(),
    )


# -- Latest published resources ----------------------------------------------------------------


@dataclass(frozen=True)
class LatestResource:
    title: str
    summary: str
    lang: str  # the language of title and summary when it differs from the reader's, else ""
    url: str
    published_at: object


def latest_resources(
    limit: int = LATEST_RESOURCES_DEFAULT, language: str | None = None
) -> list[LatestResource]:
    """The newest published resources in the reader's language, each with the address of its
    page in the library of that language (four queries: the library page, the site's root
    paths unless the request has them already, the resources and their translations)."""
    from assessments.library_pages import library_page
    from assessments.models import Resource

    language = _language(language)
    page = library_page(language)
    url_parts = page.get_url_parts() if page is not None else None
    if url_parts is None:
        return []
    resources = (
        Resource.objects.published()
        .prefetch_related("translations")
        .order_by("-published_at", "-pk")[:limit]
    )
    latest = []
    for resource in resources:
        shown = resource.shown_language(language)
        latest.append(
            LatestResource(
                title=resource.translated("title", language),
                summary=resource.translated("summary", language),
                lang=shown if shown != language else "",
                url=url_parts[2] + page.reverse_subpage("resource", args=[resource.pk]),
                published_at=resource.published_at,
            )
        )
    return latest
