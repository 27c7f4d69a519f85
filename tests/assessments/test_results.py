"""Survey results for organizers: exact counts, distributions and means on a hand-built set of
answers, filters, labels in the reader's language, response rates, permissions, queries."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import keys, results
from assessments.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyQuestion,
    SurveyQuestionTranslation,
    SurveyResponse,
    SurveySection,
)
from cohorts.models import ApplicationStatus
from tests.trainings import factories as f

pytestmark = pytest.mark.django_db

LIKERT_LABELS = [
    {"value": 1, "label": "Strongly disagree"},
    {"value": 2, "label": "Disagree"},
    {"value": 3, "label": "Neutral"},
    {"value": 4, "label": "Agree"},
    {"value": 5, "label": "Strongly agree"},
]


def make_survey(cohort, *, anonymous=True, purpose="other", title="Mid-programme survey"):
    now = timezone.now()
    return Survey.objects.create(
        cohort=cohort,
        purpose=purpose,
        title=title,
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=5),
        is_anonymous=anonymous,
    )


def question(section, kind, text, order, **extra):
    return SurveyQuestion.objects.create(
        section=section, kind=kind, text=text, sort_order=order, **extra
    )


def build_questions(survey):
    """Q1 Likert, Q2 matrix (items a, b on 4 points), Q3 single, Q4 multiple, Q5 long text,
    Q6 rating 0-10."""
    section = SurveySection.objects.create(survey=survey, title="Your leadership", sort_order=1)
    return {
        "likert": question(
            section,
            QuestionKind.LIKERT,
            "I lead learning in my school.",
            1,
            scale_labels=LIKERT_LABELS,
            competence_key="lead",
        ),
        "matrix": question(
            section,
            QuestionKind.MATRIX,
            "How confident are you?",
            2,
            scale_points=4,
            items=[{"key": "a", "label": "Coaching"}, {"key": "b", "label": "Data use"}],
            competence_key="confidence",
        ),
        "single": question(
            section,
            QuestionKind.SINGLE,
            "Preferred format",
            3,
            options=[
                {"key": "x", "label": "Online"},
                {"key": "y", "label": "On site"},
                {"key": "z", "label": "Blended"},
            ],
        ),
        "multiple": question(
            section,
            QuestionKind.MULTIPLE,
            "Topics you used",
            4,
            options=[{"key": "m1", "label": "Lesson study"}, {"key": "m2", "label": "Mentoring"}],
        ),
        "text": question(section, QuestionKind.LONG_TEXT, "What would you change?", 5),
        "rating": question(section, QuestionKind.RATING, "Rate the workshop", 6),
    }


def respond(survey, qs, *, economy, position, level, answers, pairing_key="", participant=None):
    response = SurveyResponse.objects.create(
        survey=survey,
        participant=participant,
        economy_code=economy,
        position=position,
        school_level=level,
        language="en",
        pairing_key=pairing_key,
        submitted_on=timezone.localdate(),
    )
    for name, value in answers.items():
        if name == "matrix":
            for item, number in value.items():
                SurveyAnswer.objects.create(
                    response=response, question=qs["matrix"], item=item, number=number
                )
        elif name in ("single", "multiple"):
            SurveyAnswer.objects.create(response=response, question=qs[name], choices=value)
        elif name == "text":
            SurveyAnswer.objects.create(response=response, question=qs[name], text=value)
        else:
            SurveyAnswer.objects.create(response=response, question=qs[name], number=value)
    return response


FOUR = [
    (
        {"economy": "ROK", "position": "principal", "level": "primary"},
        {
            "likert": 5,
            "matrix": {"a": 4, "b": 2},
            "single": ["x"],
            "multiple": ["m1", "m2"],
            "text": "Very useful",
            "rating": 10,
        },
    ),
    (
        {"economy": "ROK", "position": "vice_principal", "level": "primary"},
        {
            "likert": 4,
            "matrix": {"a": 3, "b": 2},
            "single": ["y"],
            "multiple": ["m1"],
            "text": "=1+2",
            "rating": 7,
        },
    ),
    (
        {"economy": "THA", "position": "principal", "level": "lower_secondary"},
        {"likert": 2, "matrix": {"a": 4, "b": 1}, "single": ["x"], "rating": 8},
    ),
    (
        {"economy": "THA", "position": "principal", "level": "primary"},
        {
            "likert": 4,
            "matrix": {"a": 1},
            "single": ["x"],
            "multiple": ["m2"],
            "text": "Again next year",
        },
    ),
]


def build_world(cohort, *, anonymous=True, people=None):
    """The survey with the four responses above; ``people`` (participants) get completions and
    (for identified surveys) are the responses' participants."""
    survey = make_survey(cohort, anonymous=anonymous)
    qs = build_questions(survey)
    for index, (profile, answers) in enumerate(FOUR):
        person = people[index] if people else None
        respond(
            survey,
            qs,
            answers=answers,
            pairing_key=keys.pairing_key(person) if person else f"key-{index}",
            participant=None if anonymous else person,
            **profile,
        )
    return survey, qs


@pytest.fixture
def cohort():
    return f.cohort("aslp-r")


@pytest.fixture
def world(cohort):
    return build_world(cohort)


def by_question(found, qs):
    return {result.question.pk: result for result in found["questions"]}


def test_distributions_and_means_equal_the_hand_computed_values(world):
    survey, qs = world
    found = results.survey_results(survey)
    assert found["responses"] == 4
    got = by_question(found, qs)

    likert = got[qs["likert"].pk]
    # 5, 4, 2, 4 -> 15 / 4 = 3.75
    assert likert.count == 4
    (scale,) = likert.scales
    assert [(row.key, row.count) for row in scale.rows] == [
        ("1", 0),
        ("2", 1),
        ("3", 0),
        ("4", 2),
        ("5", 1),
    ]
    assert scale.mean == Fraction(15, 4)
    assert scale.mean_display == "3.75"
    assert scale.rows[4].label == "5 – Strongly agree"
    assert scale.rows[3].share == "50%"

    matrix = got[qs["matrix"].pk]
    assert matrix.count == 4
    item_a, item_b = matrix.scales
    # a: 4, 3, 4, 1 -> 12 / 4 = 3.00
    assert (item_a.key, item_a.label) == ("a", "Coaching")
    assert [row.count for row in item_a.rows] == [1, 0, 1, 2]
    assert item_a.mean == 3 and item_a.mean_display == "3.00"
    # b: 2, 2, 1 (the fourth person skipped it) -> 5 / 3 = 1.666... shown 1.67
    assert [row.count for row in item_b.rows] == [1, 2, 0, 0]
    assert item_b.count == 3
    assert item_b.mean == Fraction(5, 3) and item_b.mean_display == "1.67"

    single = got[qs["single"].pk]
    assert [(row.key, row.label, row.count) for row in single.options] == [
        ("x", "Online", 3),
        ("y", "On site", 1),
        ("z", "Blended", 0),
    ]
    multiple = got[qs["multiple"].pk]
    # 3 people answered; m1 chosen by 2, m2 by 2.
    assert multiple.count == 3
    assert [(row.key, row.count) for row in multiple.options] == [("m1", 2), ("m2", 2)]

    text = got[qs["text"].pk]
    # Alphabetical, not in the order of arrival ("Very useful" came first).
    assert text.texts == ["=1+2", "Again next year", "Very useful"]
    assert text.count == 3

    rating = got[qs["rating"].pk]
    # 10, 7, 8 -> 25 / 3 = 8.33; values 0..10
    (scale,) = rating.scales
    assert [row.key for row in scale.rows] == [str(n) for n in range(11)]
    assert scale.mean == Fraction(25, 3) and scale.mean_display == "8.33"


def test_filters_change_the_counts_exactly(world):
    survey, qs = world
    tha = by_question(results.survey_results(survey, {"economy": "THA"}), qs)
    # THA: likert 2 and 4 -> 3.00
    (scale,) = tha[qs["likert"].pk].scales
    assert scale.count == 2 and scale.mean_display == "3.00"
    assert [row.count for row in scale.rows] == [0, 1, 0, 1, 0]
    assert [row.count for row in tha[qs["single"].pk].options] == [2, 0, 0]
    assert tha[qs["text"].pk].texts == ["Again next year"]

    principals = results.survey_results(survey, {"position": "principal"})
    assert principals["responses"] == 3
    # 5, 2, 4 -> 11 / 3 = 3.67
    (scale,) = by_question(principals, qs)[qs["likert"].pk].scales
    assert scale.mean == Fraction(11, 3) and scale.mean_display == "3.67"

    both = results.survey_results(survey, {"economy": "ROK", "school_level": "primary"})
    assert both["responses"] == 2
    (scale,) = by_question(both, qs)[qs["likert"].pk].scales
    assert scale.mean_display == "4.50"  # (5 + 4) / 2

    nobody = results.survey_results(survey, {"school_level": "special"})
    assert nobody["responses"] == 0
    (scale,) = by_question(nobody, qs)[qs["likert"].pk].scales
    assert scale.mean is None and scale.mean_display == "–"


def test_option_labels_in_the_readers_language(world):
    survey, qs = world
    SurveyQuestionTranslation.objects.create(
        question=qs["single"],
        language_code="ko",
        text="선호하는 형식",
        options=[{"key": "x", "label": "온라인"}, {"key": "y", "label": "현장"}],
    )
    found = by_question(results.survey_results(survey, language="ko"), qs)
    single = found[qs["single"].pk]
    assert single.text == "선호하는 형식"
    # z has no Korean label: the source label is kept.
    assert [row.label for row in single.options] == ["온라인", "현장", "Blended"]


def test_response_rate_per_economy_counts_active_participants_only(cohort):
    rok = [f.participant(cohort, economy_code="ROK") for _ in range(3)]
    tha = [f.participant(cohort, economy_code="THA") for _ in range(2)]
    gone = f.participant(cohort, economy_code="ROK")
    survey, _qs = build_world(cohort)
    for person in [rok[0], rok[1], tha[0], gone]:
        SurveyCompletion.objects.create(
            survey=survey, participant=person, completed_on=timezone.localdate()
        )
    gone.application.status = ApplicationStatus.WITHDRAWN
    gone.application.save(update_fields=["status"])
    rows, overall = results.response_rates(survey)
    got = {row.code: (row.participants, row.completed, row.percent) for row in rows}
    # ROK: 2 of 3 active (the withdrawn one counts nowhere) = 66.7% -> 67%; THA: 1 of 2 = 50%.
    assert got == {"ROK": (3, 2, "67%"), "THA": (2, 1, "50%")}
    assert (overall.participants, overall.completed, overall.percent) == (5, 3, "60%")


def test_the_results_page_shows_tables_free_texts_and_rates(client, cohort, world):
    survey, qs = world
    f.participant(cohort, economy_code="THA")
    organizer = f.organizer(cohort)
    client.force_login(organizer)
    url = reverse("assessments:survey_results", kwargs={"slug": cohort.slug, "pk": survey.pk})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="response-count">4<' in html
    assert f'id="q{qs["matrix"].pk}-b"' in html
    assert "1.67" in html and "3.75" in html and "8.33" in html
    assert "Again next year" in html and "=1+2" in html
    assert 'id="response-rates"' in html
    assert "key-0" not in html  # never a pairing key
    assert 'scope="row"' in html and "<caption>" in html

    filtered = client.get(url, {"economy": "THA"})
    assert filtered.status_code == 200
    assert 'id="response-count">2<' in filtered.content.decode()

    wrong = client.get(url, {"economy": "XYZ"})
    assert wrong.status_code == 400
    assert "Select a valid choice" in wrong.content.decode()


def test_anonymous_results_narrowed_below_three_answers_are_hidden(client, cohort, world):
    survey, qs = world
    client.force_login(f.organizer(cohort))
    url = reverse("assessments:survey_results", kwargs={"slug": cohort.slug, "pk": survey.pk})
    narrow = client.get(url, {"economy": "THA"}).content.decode()  # 2 answers
    assert 'id="response-count">2<' in narrow
    assert "the results are hidden so that no one can be recognised" in narrow
    assert "Again next year" not in narrow and "question-result" not in narrow
    wide = client.get(url, {"position": "principal"}).content.decode()  # 3 answers
    assert "the results are hidden" not in wide and "question-result" in wide

    survey.is_anonymous = False
    survey.save(update_fields=["is_anonymous"])
    named = client.get(url, {"economy": "THA"}).content.decode()
    assert "the results are hidden" not in named and "Again next year" in named


def test_the_surveys_list_shows_state_responses_and_rate(client, cohort, world):
    survey, _qs = world
    people = [f.participant(cohort) for _ in range(4)]
    SurveyCompletion.objects.create(
        survey=survey, participant=people[0], completed_on=timezone.localdate()
    )
    client.force_login(f.organizer(cohort))
    response = client.get(reverse("assessments:manage_surveys", kwargs={"slug": cohort.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split(f'id="survey-{survey.pk}"')[1].split("</tr>")[0]
    assert "Open" in row
    assert '<td class="numeric">4</td>' in row
    assert "25%" in row and "(1/4)" in row


def test_permissions(client, cohort, world):
    survey, _qs = world
    other = f.cohort("aslp-other")
    urls = [
        reverse("assessments:manage_surveys", kwargs={"slug": cohort.slug}),
        reverse("assessments:survey_results", kwargs={"slug": cohort.slug, "pk": survey.pk}),
        reverse("assessments:survey_export", kwargs={"slug": cohort.slug, "pk": survey.pk}),
        reverse("assessments:prepost", kwargs={"slug": cohort.slug}),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # sign in first
    client.force_login(f.organizer(other))
    for url in urls:
        assert client.get(url).status_code == 404, url
    # The survey under the other cohort's address: 404 for that cohort's organizer too.
    assert (
        client.get(
            reverse("assessments:survey_results", kwargs={"slug": other.slug, "pk": survey.pk})
        ).status_code
        == 404
    )
    client.force_login(f.participant(cohort).user)
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    organizer = f.organizer(cohort)
    client.force_login(organizer)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.post(urls[1]).status_code == 405


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_constant_number_of_queries_with_1_and_20_responses(client, cohort):
    survey = make_survey(cohort)
    qs = build_questions(survey)
    profile, answers = FOUR[0]
    respond(survey, qs, answers=answers, pairing_key="p0", **profile)
    f.participant(cohort, economy_code=profile["economy"])
    client.force_login(f.organizer(cohort))
    results_url = reverse(
        "assessments:survey_results", kwargs={"slug": cohort.slug, "pk": survey.pk}
    )
    list_url = reverse("assessments:manage_surveys", kwargs={"slug": cohort.slug})
    export_url = reverse("assessments:survey_export", kwargs={"slug": cohort.slug, "pk": survey.pk})
    for url in (results_url, list_url, export_url):
        client.get(url)  # warm the per-process caches (site, settings)
    one = [_count_queries(client, u) for u in (results_url, list_url, export_url)]
    for index in range(1, 20):
        profile, answers = FOUR[index % 4]
        respond(survey, qs, answers=answers, pairing_key=f"p{index}", **profile)
        f.participant(cohort, economy_code=profile["economy"])
    make_survey(cohort, title="Another")
    twenty = [_count_queries(client, u) for u in (results_url, list_url, export_url)]
    assert SurveyResponse.objects.filter(survey=survey).count() == 20
    assert one == twenty
