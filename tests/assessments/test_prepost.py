"""The pre/post comparison, checked against arithmetic done by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import prepost
from assessments.models import (
    QuestionKind,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
)
from tests.assessments.test_results import make_survey
from tests.trainings import factories as f

pytestmark = pytest.mark.django_db


def _survey(cohort, purpose, *, extra_question=False):
    survey = make_survey(cohort, purpose=purpose, title=f"{purpose.title()} survey")
    section = SurveySection.objects.create(survey=survey, title="Competences")
    lead = SurveyQuestion.objects.create(
        section=section,
        kind=QuestionKind.LIKERT,
        text="I lead learning in my school.",
        competence_key="lead",
        sort_order=1,
    )
    matrix = SurveyQuestion.objects.create(
        section=section,
        kind=QuestionKind.MATRIX,
        text="How confident are you?",
        items=[{"key": "i1", "label": "Coaching"}, {"key": "i2", "label": "Data use"}],
        competence_key="global",
        sort_order=2,
    )
    if extra_question:
        SurveyQuestion.objects.create(
            section=section,
            kind=QuestionKind.LIKERT,
            text="Only asked before",
            competence_key="only-pre",
            sort_order=3,
        )
    return survey, lead, matrix


def _answer(survey, pairing, economy, numbers):
    response = SurveyResponse.objects.create(
        survey=survey, pairing_key=pairing, economy_code=economy, submitted_on=timezone.localdate()
    )
    for (question, item), number in numbers.items():
        SurveyAnswer.objects.create(response=response, question=question, item=item, number=number)


@pytest.fixture
def cohort():
    return f.cohort("aslp-pp")


@pytest.fixture
def surveys(cohort):
    pre, pre_lead, pre_matrix = _survey(cohort, "pre", extra_question=True)
    post, post_lead, post_matrix = _survey(cohort, "post")
    # lead:      p1 2->3 (+1), p2 3->3 (0), p3 3->5 (+2), p4 4->4 (0); p5 pre only; p6 post only
    # global:i1: p1 4->2 (-2), p2 4->4 (0), p3 2->4 (+2), p4 1->4 (+3); p5 pre only; p6 post only
    pre_rows = {
        "p1": ("ROK", 2, 4),
        "p2": ("ROK", 3, 4),
        "p3": ("THA", 3, 2),
        "p4": ("THA", 4, 1),
        "p5": ("THA", 1, 3),
    }
    post_rows = {
        # p1's economy changed on the post response: the pre economy counts.
        "p1": ("THA", 3, 2),
        "p2": ("ROK", 3, 4),
        "p3": ("THA", 5, 4),
        "p4": ("THA", 4, 4),
        "p6": ("ROK", 5, 1),
    }
    for pairing, (economy, lead, i1) in pre_rows.items():
        _answer(pre, pairing, economy, {(pre_lead, ""): lead, (pre_matrix, "i1"): i1})
    for pairing, (economy, lead, i1) in post_rows.items():
        _answer(post, pairing, economy, {(post_lead, ""): lead, (post_matrix, "i1"): i1})
    # An answer without a pairing key cannot be paired: left out, counted as post only.
    _answer(post, "", "ROK", {(post_lead, ""): 1})
    return pre, post


def test_pairs_means_changes_and_left_out_answers_are_exact(surveys):
    pre, post = surveys
    items = {item.key: item for item in prepost.compare(pre, post)}
    # Items in both surveys, in the post survey's order; "only-pre" is not compared.
    assert list(items) == ["lead", "global:i1", "global:i2"]

    lead = items["lead"]
    assert lead.overall.pairs == 4
    # pre (2 + 3 + 3 + 4) / 4 = 12/4 = 3; post (3 + 3 + 5 + 4) / 4 = 15/4 = 3.75
    assert lead.overall.mean_pre == 3
    assert lead.overall.mean_post == Fraction(15, 4)
    # changes +1, 0, +2, 0 -> 3 / 4 = 0.75
    assert lead.overall.mean_change == Fraction(3, 4)
    assert lead.overall.mean_change_display == "+0.75"
    assert lead.overall.changes == {0: 2, 1: 1, 2: 1}
    assert lead.pre_only == 1  # p5
    assert lead.post_only == 2  # p6 and the answer without a pairing key
    assert lead.overall.is_few  # 4 < 5

    # Per economy of the pre response: ROK p1 (+1), p2 (0); THA p3 (+2), p4 (0).
    rok, tha = lead.economies["ROK"], lead.economies["THA"]
    assert (rok.pairs, rok.mean_pre, rok.mean_post, rok.mean_change) == (
        2,
        Fraction(5, 2),
        3,
        Fraction(1, 2),
    )
    assert rok.mean_change_display == "+0.50"
    assert (tha.pairs, tha.mean_pre, tha.mean_post, tha.mean_change) == (
        2,
        Fraction(7, 2),
        Fraction(9, 2),
        1,
    )
    assert tha.changes == {0: 1, 1: 0, 2: 1}
    assert rok.pairs + tha.pairs == lead.overall.pairs

    i1 = items["global:i1"]
    # changes -2, 0, +2, +3 -> 3 / 4 = 0.75; every value from -2 to +3 listed
    assert i1.overall.mean_change == Fraction(3, 4)
    assert i1.overall.changes == {-2: 1, -1: 0, 0: 1, 1: 0, 2: 1, 3: 1}
    assert i1.overall.change_rows == [
        ("-2", 1),
        ("-1", 0),
        ("0", 1),
        ("+1", 0),
        ("+2", 1),
        ("+3", 1),
    ]
    assert (i1.pre_only, i1.post_only) == (1, 1)
    assert i1.label == "How confident are you? – Coaching"

    i2 = items["global:i2"]
    assert i2.overall.pairs == 0 and i2.overall.mean_change is None
    assert i2.overall.mean_change_display == "–"


def test_a_negative_mean_change_is_rounded_half_up_for_display():
    figures = prepost.Figures()
    for before, after in [(4, 3), (4, 4), (3, 3)]:
        figures.add(before, after)
    # (-1 + 0 + 0) / 3 = -1/3 -> "-0.33"
    assert figures.mean_change == Fraction(-1, 3)
    assert figures.mean_change_display == "-0.33"


def test_the_page_defaults_to_the_pre_and_post_surveys(client, cohort, surveys):
    pre, post = surveys
    make_survey(cohort, purpose="satisfaction", title="Satisfaction")
    client.force_login(f.organizer(cohort))
    url = reverse("assessments:prepost", kwargs={"slug": cohort.slug})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{pre.pk}" selected>' in html
    assert f'<option value="{post.pk}" selected>' in html
    section = html.split('id="item-lead"')[1].split("</article>")[0]
    assert '<dd class="pairs">4</dd>' in section
    assert "+0.75" in section and "(4 pairs)" in section
    assert "Fewer than 5 pairs" in section
    assert "1 only before, 2 only after" in section
    assert "+0.50" in section and "(n=2)" in section
    assert "p1" not in html.replace("/p1", "")  # the pairing keys are never shown

    swapped = client.get(url, {"pre": post.pk, "post": pre.pk})
    assert swapped.status_code == 200
    assert "-0.75" in swapped.content.decode()

    same = client.get(url, {"pre": pre.pk, "post": pre.pk})
    assert same.status_code == 400
    assert "Choose two different surveys." in same.content.decode()


def test_the_comparison_takes_a_constant_number_of_queries(surveys):
    pre, post = surveys
    with CaptureQueriesContext(connection) as few:
        prepost.compare(pre, post)
    for index in range(20):
        _answer(pre, f"extra{index}", "ROK", {})
    with CaptureQueriesContext(connection) as more:
        prepost.compare(pre, post)
    assert len(few) == len(more) <= 3
