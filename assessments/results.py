"""Survey results for the cohort's organizers: counts, distributions and exact means.

Per question: the number of answers; for scale, rating and matrix items the number of answers
per value and the mean (computed as an exact fraction, shown with 2 decimals); for single and
multiple choice the count per option key, labelled in the reader's language; for text questions
the answers listed in alphabetical order (never in the order they came, never with a name, so
an anonymous survey's texts cannot be matched to a person).

Filters (economy, position, school level) use the respondent's profile stored on the response
at answering time. The response rate per economy is the completions of the economy's active
participants divided by its active participants; it comes from ``SurveyCompletion`` (who
answered), which is never linked to the answers.

Whatever the number of responses, the results take a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils import translation

from cohorts.models import Economy, Position, SchoolLevel
from trainings.models import Participant

from .models import (
    QuestionKind,
    SurveyAnswer,
    SurveyCompletion,
    SurveyQuestion,
    SurveyResponse,
)

__all__ = [
    "FILTERS",
    "QuestionResult",
    "Row",
    "Scale",
    "display",
    "filter_choices",
    "filtered_responses",
    "labelled",
    "response_rates",
    "survey_questions",
    "survey_results",
]

FILTERS = ("economy", "position", "school_level")
_FILTER_FIELDS = {"economy": "economy_code", "position": "position", "school_level": "school_level"}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


def display(value: Fraction | None, places: int = 2) -> str:
    """An exact fraction rounded half up for display (``None`` shows as a dash)."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0]


def labelled(question: SurveyQuestion, field_name: str, key_name: str, language=None) -> dict:
    """``{key: label}`` of the question's ``options``/``items``/``scale_labels`` in the
    reader's language (the translation's label where there is one, else the source's)."""
    labels = {
        str(entry.get(key_name)): entry.get("label", "")
        for entry in getattr(question, field_name) or []
    }
    code = _language(language)
    if code != "en":
        for row in question.translations.all():
            if row.language_code == code:
                for entry in getattr(row, field_name) or []:
                    key = str(entry.get(key_name))
                    if key in labels and entry.get("label"):
                        labels[key] = entry["label"]
    return labels


def survey_questions(survey) -> list[SurveyQuestion]:
    """The survey's questions in order, sections and translations loaded (3 queries)."""
    return list(
        SurveyQuestion.objects.filter(section__survey=survey)
        .select_related("section")
        .prefetch_related("translations", "section__translations")
        .order_by("section__sort_order", "section__pk", "sort_order", "pk")
    )


def filtered_responses(survey, filters: dict | None = None):
    responses = SurveyResponse.objects.filter(survey=survey)
    for name, value in (filters or {}).items():
        if name in _FILTER_FIELDS and value:
            responses = responses.filter(**{_FILTER_FIELDS[name]: value})
    return responses


@dataclass
class Row:
    key: str
    label: str
    count: int
    share: str = ""  # percentage of the answers, for display


@dataclass
class Scale:
    """The answers on one scale (a question, or one matrix item)."""

    key: str
    label: str
    rows: list[Row]
    count: int
    total: int

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.total, self.count) if self.count else None

    @property
    def mean_display(self) -> str:
        return display(self.mean)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    text: str
    section: str
    count: int = 0
    scales: list[Scale] = field(default_factory=list)
    options: list[Row] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_scale(self) -> bool:
        return bool(self.scales)

    @property
    def is_choice(self) -> bool:
        return self.question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT_KINDS


def _share(count: int, of: int) -> str:
    return display(Fraction(100 * count, of), 0) + "%" if of else "–"


def _scale_values(question: SurveyQuestion) -> list[int]:
    if question.kind == QuestionKind.RATING:
        return list(range(0, 11))
    return list(range(1, (question.scale_points or 5) + 1))


def _scale(key, label, values, value_labels, numbers: list[int]) -> Scale:
    counts: dict[int, int] = {}
    for number in numbers:
        counts[number] = counts.get(number, 0) + 1
    known = list(values) + sorted(set(counts) - set(values))
    rows = []
    for value in known:
        text = str(value)
        if value_labels.get(text):
            text = f"{value} – {value_labels[text]}"
        rows.append(
            Row(str(value), text, counts.get(value, 0), _share(counts.get(value, 0), len(numbers)))
        )
    return Scale(key, label, rows, len(numbers), sum(numbers))


def survey_results(survey, filters: dict | None = None, language: str | None = None) -> dict:
    """``{"responses": n, "questions": [QuestionResult, ...]}`` for the (filtered) responses."""
    questions = survey_questions(survey)
    responses = filtered_responses(survey, filters)
    answers = list(
        SurveyAnswer.objects.filter(response__in=responses.values("pk"))
        .order_by()
        .values_list("question_id", "item", "number", "choices", "text", "response_id")
    )
    response_count = responses.count()
    by_question: dict[int, list[tuple]] = {}
    for row in answers:
        by_question.setdefault(row[0], []).append(row)
    results = []
    for question in questions:
        rows = by_question.get(question.pk, [])
        result = QuestionResult(
            question=question,
            text=question.translated("text", _language(language)),
            section=question.section.translated("title", _language(language)),
            count=len({row[5] for row in rows if _answered(question, row)}),
        )
        if question.kind in (QuestionKind.LIKERT, QuestionKind.RATING):
            value_labels = labelled(question, "scale_labels", "value", language)
            numbers = [row[2] for row in rows if row[2] is not None]
            result.scales.append(
                _scale("", result.text, _scale_values(question), value_labels, numbers)
            )
        elif question.kind == QuestionKind.MATRIX:
            value_labels = labelled(question, "scale_labels", "value", language)
            item_labels = labelled(question, "items", "key", language)
            for item_key, item_label in item_labels.items():
                numbers = [row[2] for row in rows if row[1] == item_key and row[2] is not None]
                result.scales.append(
                    _scale(item_key, item_label, _scale_values(question), value_labels, numbers)
                )
        elif result.is_choice:
            option_labels = labelled(question, "options", "key", language)
            counts: dict[str, int] = {}
            for row in rows:
                for key in row[3] or []:
                    counts[str(key)] = counts.get(str(key), 0) + 1
            for key in list(option_labels) + sorted(set(counts) - set(option_labels)):
                result.options.append(
                    Row(
                        key,
                        option_labels.get(key, key),
                        counts.get(key, 0),
                        _share(counts.get(key, 0), result.count),
                    )
                )
        elif result.is_text:
            # Alphabetical: never the order of arrival, never with a name.
            result.texts = sorted(
                (row[4] for row in rows if row[4].strip()), key=lambda text: (text.casefold(), text)
            )
        results.append(result)
    return {"responses": response_count, "questions": results}


def _answered(question, row) -> bool:
    if question.kind in TEXT_KINDS:
        return bool(row[4].strip())
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return bool(row[3])
    return row[2] is not None


def filter_choices(survey) -> dict[str, list[tuple[str, str]]]:
    """The values present in the survey's responses, labelled, for the filter form (2 queries)."""
    present = {name: set() for name in FILTERS}
    for economy, position, level in (
        SurveyResponse.objects.filter(survey=survey)
        .values_list("economy_code", "position", "school_level")
        .distinct()
    ):
        present["economy"].add(economy)
        present["position"].add(position)
        present["school_level"].add(level)
    names = {
        economy.code: economy.localized_name()
        for economy in Economy.objects.filter(code__in=present["economy"] - {""}).prefetch_related(
            "names"
        )
    }
    positions = dict(Position.choices)
    levels = dict(SchoolLevel.choices)
    return {
        "economy": sorted(
            ((code, names.get(code, code)) for code in present["economy"] if code),
            key=lambda c: c[1],
        ),
        "position": [
            (key, str(label)) for key, label in Position.choices if key in present["position"]
        ]
        + sorted((key, key) for key in present["position"] - set(positions) if key),
        "school_level": [
            (key, str(label))
            for key, label in SchoolLevel.choices
            if key in present["school_level"]
        ]
        + sorted((key, key) for key in present["school_level"] - set(levels) if key),
    }


@dataclass
class RateRow:
    code: str
    name: str
    participants: int
    completed: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.completed, self.participants) if self.participants else None

    @property
    def percent(self) -> str:
        return display(self.rate * 100, 0) + "%" if self.participants else "–"


def response_rates(survey) -> tuple[list[RateRow], RateRow]:
    """Per economy of the cohort's active participants: how many answered (3 queries)."""
    active = Participant.objects.active().filter(cohort_id=survey.cohort_id)
    totals = {
        row["application__economy__code"] or "": row["n"]
        for row in active.order_by().values("application__economy__code").annotate(n=Count("pk"))
    }
    done = {
        row["participant__application__economy__code"] or "": row["n"]
        for row in SurveyCompletion.objects.filter(survey=survey, participant__in=active)
        .order_by()
        .values("participant__application__economy__code")
        .annotate(n=Count("pk"))
    }
    names = {
        economy.code: economy.localized_name()
        for economy in Economy.objects.filter(code__in=[c for c in totals if c]).prefetch_related(
            "names"
        )
    }
    rows = [
        RateRow(code, names.get(code, code) if code else "–", totals[code], done.get(code, 0))
        for code in totals
    ]
    rows.sort(key=lambda row: row.name)
    overall = RateRow("", "", sum(totals.values()), sum(done.values()))
    return rows, overall
