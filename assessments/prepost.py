"""The pre/post comparison of a cohort's competence items, computed exactly.

**Method.**

1. *Items.* Every scale question (Likert, rating, matrix) with a ``competence_key`` names one
   item, ``<key>``; each item of a matrix question names ``<key>:<item key>``. Only the items
   present in both surveys are compared, in the order of the post survey.
2. *Pairs.* Every response carries a ``pairing_key``: a keyed hash of the person that is the
   same in every survey of the cohort and names nobody (``assessments.keys``). For one item, a
   *pair* is a pairing key with a numeric answer in the pre survey and one in the post survey.
   Answers without a pairing key, or whose key answered the item in only one of the surveys,
   are left out and counted ("pre only", "post only").
3. *Figures.* For the pairs: their number *n*, the mean pre answer, the mean post answer and the
   mean change, where each person's change is post − pre; the mean change equals mean post −
   mean pre because the same people are in both. Means are exact fractions of integers and are
   rounded (half up, 2 decimals) only for display. The distribution of changes counts the pairs
   per change value (e.g. −2 … +3).
4. *Economies.* The same figures per economy, the economy being the one stored on the pre
   response (the respondent's economy when the programme started); pairs are never moved
   between economies, so the economies' pair counts add up to the cohort's.

With fewer than 5 pairs a mean change says little; the pages say so next to the figure. The
pairing key itself is never shown or exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import translation

from .models import SCALE_KINDS, QuestionKind, SurveyAnswer, SurveyPurpose, SurveyQuestion
from .results import display, labelled

__all__ = ["FEW_PAIRS", "Figures", "ItemComparison", "compare", "default_pair"]

FEW_PAIRS = 5


@dataclass
class Figures:
    """The paired figures of one item for the cohort or one economy."""

    pre: list[int] = field(default_factory=list)
    post: list[int] = field(default_factory=list)

    def add(self, before: int, after: int) -> None:
        self.pre.append(before)
        self.post.append(after)

    @property
    def pairs(self) -> int:
        return len(self.pre)

    @property
    def is_few(self) -> bool:
        return self.pairs < FEW_PAIRS

    @property
    def mean_pre(self) -> Fraction | None:
        return Fraction(sum(self.pre), self.pairs) if self.pairs else None

    @property
    def mean_post(self) -> Fraction | None:
        return Fraction(sum(self.post), self.pairs) if self.pairs else None

    @property
    def mean_change(self) -> Fraction | None:
        if not self.pairs:
            return None
        return Fraction(sum(self.post) - sum(self.pre), self.pairs)

    @property
    def changes(self) -> dict[int, int]:
        """``{change: number of pairs}``, every value from the lowest to the highest change."""
        counts: dict[int, int] = {}
        for before, after in zip(self.pre, self.post, strict=True):
            counts[after - before] = counts.get(after - before, 0) + 1
        if not counts:
            return {}
        return {value: counts.get(value, 0) for value in range(min(counts), max(counts) + 1)}

    @property
    def change_rows(self) -> list[tuple[str, int]]:
        return [(f"{value:+d}" if value else "0", n) for value, n in self.changes.items()]

    # Display helpers (2 decimals, signed change).
    @property
    def mean_pre_display(self) -> str:
        return display(self.mean_pre)

    @property
    def mean_post_display(self) -> str:
        return display(self.mean_post)

    @property
    def mean_change_display(self) -> str:
        change = self.mean_change
        if change is None:
            return "–"
        text = display(change)
        return text if text.startswith("-") or change == 0 else "+" + text


@dataclass
class ItemComparison:
    key: str
    label: str
    overall: Figures
    economies: dict[str, Figures]
    pre_only: int = 0
    post_only: int = 0

    @property
    def economy_rows(self) -> list[tuple[str, Figures]]:
        return sorted(self.economies.items())


def default_pair(surveys) -> tuple:
    """The cohort's latest pre survey and latest post survey (``None`` where there is none)."""
    pre = [s for s in surveys if s.purpose == SurveyPurpose.PRE]
    post = [s for s in surveys if s.purpose == SurveyPurpose.POST]
    return (pre[-1] if pre else None, post[-1] if post else None)


def _items(questions, language) -> dict[str, tuple[int, str, str]]:
    """``{competence item: (question pk, matrix item key, label)}`` of one survey."""
    found: dict[str, tuple[int, str, str]] = {}
    for question in questions:
        if question.kind not in SCALE_KINDS or not question.competence_key:
            continue
        text = question.translated("text", language)
        if question.kind == QuestionKind.MATRIX:
            for item_key, item_label in labelled(question, "items", "key", language).items():
                found.setdefault(
                    f"{question.competence_key}:{item_key}",
                    (question.pk, item_key, f"{text} – {item_label}"),
                )
        else:
            found.setdefault(question.competence_key, (question.pk, "", text))
    return found


def compare(pre, post, language: str | None = None) -> list[ItemComparison]:
    """The comparison of every competence item of both surveys (3 queries)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    questions = list(
        SurveyQuestion.objects.filter(section__survey__in=[pre, post])
        .exclude(competence_key="")
        .select_related("section")
        .prefetch_related("translations")
        .order_by("section__sort_order", "section__pk", "sort_order", "pk")
    )
    pre_items = _items([q for q in questions if q.section.survey_id == pre.pk], language)
    post_items = _items([q for q in questions if q.section.survey_id == post.pk], language)
    shared = [key for key in post_items if key in pre_items]
    wanted = {pre_items[key][:2] for key in shared} | {post_items[key][:2] for key in shared}
    # {(question pk, item): {pairing key: (number, economy)}}
    answers: dict[tuple[int, str], dict[str, tuple[int, str]]] = {}
    unpaired: dict[tuple[int, str], int] = {}
    for question_id, item, number, pairing, economy in (
        SurveyAnswer.objects.filter(
            question_id__in={pk for pk, _item in wanted}, number__isnull=False
        )
        .order_by()
        .values_list(
            "question_id", "item", "number", "response__pairing_key", "response__economy_code"
        )
    ):
        if (question_id, item) not in wanted:
            continue
        if pairing:
            answers.setdefault((question_id, item), {})[pairing] = (number, economy)
        else:
            unpaired[(question_id, item)] = unpaired.get((question_id, item), 0) + 1
    comparisons = []
    for key in shared:
        before = answers.get(pre_items[key][:2], {})
        after = answers.get(post_items[key][:2], {})
        overall = Figures()
        economies: dict[str, Figures] = {}
        for pairing in sorted(before.keys() & after.keys()):
            (value_pre, economy), (value_post, _later) = before[pairing], after[pairing]
            overall.add(value_pre, value_post)
            economies.setdefault(economy, Figures()).add(value_pre, value_post)
        comparisons.append(
            ItemComparison(
                key=key,
                label=post_items[key][2],
                overall=overall,
                economies=economies,
                pre_only=len(before.keys() - after.keys()) + unpaired.get(pre_items[key][:2], 0),
                post_only=len(after.keys() - before.keys()) + unpaired.get(post_items[key][:2], 0),
            )
        )
    return comparisons
