"""A programme's impact across its cohorts (one column per cohort, labelled by its year).

**Figures** (``figures(programme)``), each from aggregate queries over the whole programme, so
their number does not grow with the number of participants:

1. *Participants*: active participants (confirmed places) by economy and year, with totals.
2. *Completion*: per year, the participants complete by ``assessments.completion`` (rules and
   overrides) out of the active participants, and the rate (complete / participants, rounded
   half up to a whole percent). Completion is evaluated once per cohort.
3. *Pre/post competence change*: per year, the cohort's latest pre and post survey
   (``prepost.default_pair``) compared by ``prepost.compare``; every pair of every competence
   item is pooled: *pairs* is the number of (respondent, item) pairs and the mean change is
   (sum of post answers − sum of pre answers) / pairs, an exact fraction shown with 2
   decimals. A cohort without both surveys shows a dash.
4. *Educators reached*: the sum of ``educators_reached`` of *accepted* dissemination reports,
   by the reporting participant's economy and year, with totals.
5. *Certificates*: *valid* certificates (not revoked, not superseded) per year and kind.
6. *Resources*: resources *published* in the library per year of the cohort whose work they
   come from.

``tables(figures)`` turns the figures into translated tables (headers and rows of plain
values) that the page, the exports and the PDF report all use, so they always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Economy, Programme
from trainings.models import DisseminationReport, Participant, ReportStatus

from . import completion, prepost
from .models import Certificate, CertificateKind, CertificateStatus, Resource, Survey
from .results import display

__all__ = ["TABLE_KEYS", "Impact", "Table", "figures", "percent", "tables"]

TABLE_KEYS = ("participants", "completion", "prepost", "dissemination", "certificates", "resources")


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percent rounded half up ('–' when ``whole`` is 0)."""
    if not whole:
        return "–"
    exact = Decimal(part * 100) / Decimal(whole)
    return f"{exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def signed(value: Fraction | None) -> str:
    text = display(value)
    if value is None or value == 0 or text.startswith("-"):
        return text
    return "+" + text


@dataclass
class Change:
    """The pooled pre/post figures of one cohort."""

    items: int = 0
    pairs: int = 0
    pre_sum: int = 0
    post_sum: int = 0
    compared: bool = False

    @property
    def mean_change(self) -> Fraction | None:
        return Fraction(self.post_sum - self.pre_sum, self.pairs) if self.pairs else None


@dataclass
class Impact:
    programme: Programme
    cohorts: list[Cohort]
    economies: list[Economy]
    # {(economy id, cohort id): number}
    participants: dict[tuple[int | None, int], int] = field(default_factory=dict)
    complete: dict[int, int] = field(default_factory=dict)
    evaluated: dict[int, int] = field(default_factory=dict)
    changes: dict[int, Change] = field(default_factory=dict)
    educators: dict[tuple[int | None, int], int] = field(default_factory=dict)
    # {(kind, cohort id): number}
    certificates: dict[tuple[str, int], int] = field(default_factory=dict)
    resources: dict[int, int] = field(default_factory=dict)

    @property
    def years(self) -> list[str]:
        return [str(cohort.year) for cohort in self.cohorts]

    @property
    def first_year(self) -> int | None:
        return min((c.year for c in self.cohorts), default=None)

    @property
    def last_year(self) -> int | None:
        return max((c.year for c in self.cohorts), default=None)


def _economies(ids) -> list[Economy]:
    found = Economy.objects.filter(pk__in={pk for pk in ids if pk is not None}).prefetch_related(
        "names"
    )
    return sorted(found, key=lambda e: (e.sort_order, e.code))


def _changes(cohorts: list[Cohort]) -> dict[int, Change]:
    """Each cohort's pooled pre/post figures: one query for the surveys, three per cohort that
    has both a pre and a post survey (``prepost.compare``)."""
    by_cohort: dict[int, list[Survey]] = defaultdict(list)
    for survey in Survey.objects.filter(cohort__in=cohorts).order_by("opens_at", "pk"):
        by_cohort[survey.cohort_id].append(survey)
    changes = {}
    for cohort in cohorts:
        change = Change()
        pre, post = prepost.default_pair(by_cohort.get(cohort.pk, []))
        if pre is not None and post is not None:
            change.compared = True
            for item in prepost.compare(pre, post):
                change.items += 1
                change.pairs += item.overall.pairs
                change.pre_sum += sum(item.overall.pre)
                change.post_sum += sum(item.overall.post)
        changes[cohort.pk] = change
    return changes


def figures(programme: Programme) -> Impact:
    """Every figure of the programme's cohorts, oldest year first."""
    cohorts = list(Cohort.objects.filter(programme=programme).order_by("year", "pk"))
    ids = [cohort.pk for cohort in cohorts]
    participants = {
        (row["application__economy_id"], row["cohort_id"]): row["n"]
        for row in Participant.objects.active()
        .filter(cohort__in=ids)
        .order_by()
        .values("cohort_id", "application__economy_id")
        .annotate(n=Count("pk"))
    }
    educators = {
        (row["participant__application__economy_id"], row["participant__cohort_id"]): row["n"]
        for row in DisseminationReport.objects.filter(
            status=ReportStatus.ACCEPTED, participant__cohort__in=ids
        )
        .order_by()
        .values("participant__cohort_id", "participant__application__economy_id")
        .annotate(n=Sum("educators_reached"))
    }
    certificates = {
        (row["kind"], row["cohort_id"]): row["n"]
        for row in Certificate.objects.filter(cohort__in=ids, status=CertificateStatus.VALID)
        .order_by()
        .values("cohort_id", "kind")
        .annotate(n=Count("pk"))
    }
    cohort_field = "submission__assignment__activity__stage__cohort_id"
    resources = {
        row[cohort_field]: row["n"]
        for row in Resource.objects.published()
        .filter(**{f"{cohort_field}__in": ids})
        .order_by()
        .values(cohort_field)
        .annotate(n=Count("pk"))
    }
    impact = Impact(
        programme=programme,
        cohorts=cohorts,
        economies=_economies([e for e, _c in participants] + [e for e, _c in educators]),
        participants=participants,
        educators=educators,
        certificates=certificates,
        resources=resources,
    )
    for cohort in cohorts:
        results = completion.evaluate_cohort(cohort)
        impact.evaluated[cohort.pk] = len(results)
        impact.complete[cohort.pk] = sum(1 for result in results.values() if result.complete)
    impact.changes = _changes(cohorts)
    return impact


# -- Tables -------------------------------------------------------------------------------------


@dataclass
class Table:
    """One figure as a table. ``rows`` hold plain values (numbers and text); ``chart`` names
    the columns the charts draw, per row (``series`` are the years or kinds)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    # The chart: one bar group per row label, one bar per series.
    chart_labels: list[str] = field(default_factory=list)
    chart_series: list[str] = field(default_factory=list)
    chart_values: list[list[float | None]] = field(default_factory=list)
    chart_kind: str = "bar"
    # The page's chart: the column it draws (one number per body row, ``page_values``) and how
    # many last rows are totals (left out of the chart).
    page_column: int = 1
    page_values: list[float] = field(default_factory=list)
    total_rows: int = 0
    note: str = ""

    @property
    def body_rows(self) -> list[list]:
        return self.rows[: len(self.rows) - self.total_rows] if self.total_rows else self.rows

    @property
    def foot_rows(self) -> list[list]:
        return self.rows[len(self.rows) - self.total_rows :] if self.total_rows else []


def _economy_label(economy: Economy | None) -> str:
    return economy.localized_name() if economy else _("Economy not given")


def _grid(impact: Impact, values: dict, key: str, title: str, note: str) -> Table:
    """Economies x years with a total column and a total row."""
    economy_ids = sorted({e for e, _c in values}, key=lambda pk: (pk is None, pk))
    by_pk = {economy.pk: economy for economy in impact.economies}
    ordered = [e.pk for e in impact.economies if e.pk in economy_ids]
    if None in economy_ids:
        ordered.append(None)
    rows, chart_labels, chart_values = [], [], []
    for economy_id in ordered:
        economy = by_pk.get(economy_id)
        numbers = [values.get((economy_id, cohort.pk), 0) for cohort in impact.cohorts]
        rows.append([_economy_label(economy), *numbers, sum(numbers)])
        chart_labels.append(economy.code if economy else "–")
        chart_values.append(numbers)
    totals = [sum(values.get((e, cohort.pk), 0) for e in ordered) for cohort in impact.cohorts]
    rows.append([_("Total"), *totals, sum(totals)])
    return Table(
        key=key,
        title=title,
        headers=[_("Economy"), *impact.years, _("Total")],
        rows=rows,
        chart_labels=chart_labels,
        chart_series=impact.years,
        chart_values=[list(column) for column in zip(*chart_values, strict=True)]
        if chart_values
        else [[] for _cohort in impact.cohorts],
        page_column=len(impact.cohorts) + 1,
        page_values=[row[-1] for row in rows[:-1]],
        total_rows=1,
        note=note,
    )


def tables(impact: Impact) -> dict[str, Table]:
    """The figures as translated tables, by key (``TABLE_KEYS`` order)."""
    cohorts = impact.cohorts
    made: dict[str, Table] = {}
    made["participants"] = _grid(
        impact,
        impact.participants,
        "participants",
        _("Participants by economy and year"),
        _("Active participants: places confirmed and not withdrawn."),
    )
    completion_rows, rates = [], []
    for cohort in cohorts:
        done, total = impact.complete.get(cohort.pk, 0), impact.evaluated.get(cohort.pk, 0)
        completion_rows.append([str(cohort.year), total, done, percent(done, total)])
        # A year without participants has no rate: a gap in the chart, not a zero.
        rates.append(round(100 * done / total, 1) if total else None)
    made["completion"] = Table(
        key="completion",
        title=_("Completion rate per year"),
        headers=[_("Year"), _("Participants"), _("Complete"), _("Completion rate")],
        rows=completion_rows,
        chart_labels=impact.years,
        chart_series=[_("Completion rate (%)")],
        chart_values=[rates],
        chart_kind="line",
        page_column=3,
        page_values=[0.0 if rate is None else rate for rate in rates],
        note=_("Complete by the cohort's completion rules and certificate staff's overrides."),
    )
    change_rows, means = [], []
    for cohort in cohorts:
        change = impact.changes.get(cohort.pk, Change())
        change_rows.append(
            [str(cohort.year), change.items, change.pairs, signed(change.mean_change)]
        )
        mean = change.mean_change
        means.append(None if mean is None else round(float(mean), 2))
    made["prepost"] = Table(
        key="prepost",
        title=_("Pre/post competence change per year"),
        headers=[_("Year"), _("Competence items"), _("Pairs"), _("Mean change")],
        rows=change_rows,
        chart_labels=impact.years,
        chart_series=[_("Mean change")],
        chart_values=[means],
        page_column=3,
        page_values=[0.0 if mean is None else mean for mean in means],
        note=_(
            "The latest pre and post surveys of each cohort; every respondent's answer to a "
            "competence item in both surveys is a pair. Mean change: post minus pre, on the "
            "answer scale, over all pairs."
        ),
    )
    made["dissemination"] = _grid(
        impact,
        impact.educators,
        "dissemination",
        _("Educators reached through dissemination"),
        _("Sum of educators reached in accepted dissemination reports."),
    )
    kinds = list(CertificateKind)
    certificate_rows = []
    for cohort in cohorts:
        numbers = [impact.certificates.get((kind.value, cohort.pk), 0) for kind in kinds]
        certificate_rows.append([str(cohort.year), *numbers, sum(numbers)])
    made["certificates"] = Table(
        key="certificates",
        title=_("Certificates issued per year"),
        headers=[_("Year"), *[str(kind.label) for kind in kinds], _("Total")],
        rows=certificate_rows,
        chart_labels=impact.years,
        chart_series=[str(kind.label) for kind in kinds],
        chart_values=[
            [impact.certificates.get((kind.value, c.pk), 0) for c in cohorts] for kind in kinds
        ],
        page_column=len(kinds) + 1,
        page_values=[row[-1] for row in certificate_rows],
        note=_("Valid certificates: revoked and superseded ones are not counted."),
    )
    made["resources"] = Table(
        key="resources",
        title=_("Resources published per year"),
        headers=[_("Year"), _("Resources published")],
        rows=[[str(c.year), impact.resources.get(c.pk, 0)] for c in cohorts],
        chart_labels=impact.years,
        chart_series=[_("Resources published")],
        chart_values=[[impact.resources.get(c.pk, 0) for c in cohorts]],
        page_column=1,
        page_values=[impact.resources.get(c.pk, 0) for c in cohorts],
        note=_("Resources of the library made from the cohort's work, published now."),
    )
    return made
