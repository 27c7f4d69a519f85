"""Participants answering surveys: in their language, saving a draft and coming back (anonymous
too), submitting once, identified and anonymous responses, refused answers kept on the page,
closed surveys and other cohorts' surveys."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments import keys, progress_surveys
from assessments import surveys as rules
from assessments.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyDraft,
    SurveyQuestion,
    SurveyQuestionTranslation,
    SurveyResponse,
    SurveySection,
    SurveySectionTranslation,
    SurveyTranslation,
)
from tests.trainings import factories as f
from trainings import progress
from trainings.models import ActivityKind

pytestmark = pytest.mark.django_db

LIKERT_LABELS = [
    {"value": 1, "label": "Strongly disagree"},
    {"value": 2, "label": "Disagree"},
    {"value": 3, "label": "Neutral"},
    {"value": 4, "label": "Agree"},
    {"value": 5, "label": "Strongly agree"},
]
LIKERT_LABELS_KO = [
    {"value": 1, "label": "전혀 그렇지 않다"},
    {"value": 2, "label": "그렇지 않다"},
    {"value": 3, "label": "보통이다"},
    {"value": 4, "label": "그렇다"},
    {"value": 5, "label": "매우 그렇다"},
]


def make_survey(cohort, *, anonymous=False, opens_in=-1, closes_in=7, activity=None, **extra):
    """A survey with one section of a likert, a rating, a single and a multiple choice, a
    short and a long text and a matrix question, translated into Korean."""
    now = timezone.now()
    survey = Survey.objects.create(
        cohort=cohort,
        stage=f.stage(cohort),
        activity=activity,
        purpose=extra.pop("purpose", "pre"),
        title=extra.pop("title", "Pre-training survey"),
        introduction="Tell us where you start from.",
        opens_at=now + dt.timedelta(days=opens_in),
        closes_at=now + dt.timedelta(days=closes_in),
        is_anonymous=anonymous,
        **extra,
    )
    SurveyTranslation.objects.create(
        survey=survey,
        language_code="ko",
        title="사전 연수 설문",
        introduction="출발점을 알려 주세요.",
    )
    section = SurveySection.objects.create(survey=survey, title="Your leadership", sort_order=1)
    SurveySectionTranslation.objects.create(section=section, language_code="ko", title="리더십")
    questions = {}

    def add(key, kind, text, ko_text, required=True, **values):
        translated = values.pop("ko", {})
        question = SurveyQuestion.objects.create(
            section=section,
            kind=kind,
            text=text,
            required=required,
            sort_order=len(questions),
            **values,
        )
        SurveyQuestionTranslation.objects.create(
            question=question, language_code="ko", text=ko_text, **translated
        )
        questions[key] = question

    add(
        "likert",
        QuestionKind.LIKERT,
        "I lead change in my school.",
        "나는 학교의 변화를 이끈다.",
        scale_labels=LIKERT_LABELS,
        ko={"scale_labels": LIKERT_LABELS_KO},
    )
    add("rating", QuestionKind.RATING, "How useful was it?", "얼마나 유용했습니까?")
    add(
        "single",
        QuestionKind.SINGLE,
        "Your main interest",
        "주요 관심사",
        options=[{"key": "ai", "label": "AI in class"}, {"key": "lesson", "label": "Lesson study"}],
        ko={
            "options": [
                {"key": "ai", "label": "수업 속 AI"},
                {"key": "lesson", "label": "수업 연구"},
            ]
        },
    )
    add(
        "multiple",
        QuestionKind.MULTIPLE,
        "Topics you want",
        "원하는 주제",
        required=False,
        options=[
            {"key": "data", "label": "Data"},
            {"key": "ethics", "label": "Ethics"},
            {"key": "policy", "label": "Policy"},
        ],
    )
    add("short", QuestionKind.SHORT_TEXT, "Your school's motto", "학교의 교훈", required=False)
    add(
        "long",
        QuestionKind.LONG_TEXT,
        "What do you hope for?",
        "무엇을 기대합니까?",
        required=False,
    )
    add(
        "matrix",
        QuestionKind.MATRIX,
        "How confident are you?",
        "얼마나 자신 있습니까?",
        scale_points=4,
        items=[{"key": "plan", "label": "Planning"}, {"key": "lead", "label": "Leading"}],
        ko={"items": [{"key": "plan", "label": "계획"}, {"key": "lead", "label": "지도"}]},
    )
    survey.q = questions
    return survey


def full_answers(survey, action="submit"):
    q = survey.q
    return {
        "action": action,
        f"q{q['likert'].pk}": "4",
        f"q{q['rating'].pk}": "9",
        f"q{q['single'].pk}": "lesson",
        f"q{q['multiple'].pk}": ["policy", "data"],
        f"q{q['short'].pk}": "Learn together",
        f"q{q['long'].pk}": "Ideas for my teachers.",
        f"q{q['matrix'].pk}__plan": "3",
        f"q{q['matrix'].pk}__lead": "2",
    }


@pytest.fixture
def cohort():
    return f.cohort("aslp-s")


def url(cohort, survey, language="en"):
    with translation.override(language):
        return reverse("assessments:survey", kwargs={"slug": cohort.slug, "pk": survey.pk})


def test_a_korean_participant_sees_the_korean_texts_and_labels(client, cohort):
    survey = make_survey(cohort)
    person = f.participant(cohort, language="ko")
    client.force_login(person.user)
    html = client.get(url(cohort, survey, "ko")).content.decode()
    assert url(cohort, survey, "ko").startswith("/ko/")
    for text in (
        "사전 연수 설문",
        "출발점을 알려 주세요.",
        "리더십",
        "나는 학교의 변화를 이끈다.",
        "매우 그렇다",
        "수업 속 AI",
        "계획",
        "지도",
    ):
        assert text in html
    # Untranslated texts fall back to English, per text.
    assert "Ethics" in html
    assert "Strongly agree" not in html
    assert '<th scope="row"' in html and '<th scope="col">' in html


def test_an_english_participant_sees_the_english_texts(client, cohort):
    survey = make_survey(cohort)
    person = f.participant(cohort)
    client.force_login(person.user)
    html = client.get(url(cohort, survey)).content.decode()
    assert "Pre-training survey" in html and "Strongly agree" in html
    assert "매우 그렇다" not in html
    assert "data-survey-anonymous" not in html


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_draft_is_saved_and_restored_without_naming_the_person(client, cohort, anonymous):
    survey = make_survey(cohort, anonymous=anonymous)
    person = f.participant(cohort)
    client.force_login(person.user)
    q = survey.q
    answers = {
        "action": "save",
        f"q{q['likert'].pk}": "5",
        f"q{q['multiple'].pk}": ["ethics"],
        f"q{q['short'].pk}": "Half written",
        f"q{q['matrix'].pk}__lead": "4",
    }
    response = client.post(url(cohort, survey), answers)
    assert response.status_code == 302
    draft = SurveyDraft.objects.get(survey=survey)
    assert draft.draft_key == keys.draft_key(person, survey)
    assert draft.data == {
        f"q{q['likert'].pk}": "5",
        f"q{q['multiple'].pk}": ["ethics"],
        f"q{q['short'].pk}": "Half written",
        f"q{q['matrix'].pk}__lead": "4",
    }
    columns = {field.column for field in SurveyDraft._meta.concrete_fields}
    assert columns == {"id", "survey_id", "draft_key", "data", "updated_at"}
    assert not SurveyResponse.objects.exists() and not SurveyCompletion.objects.exists()

    html = client.get(url(cohort, survey)).content.decode()
    assert "Your saved answers are filled in below." in html
    assert (
        f'name="q{q["likert"].pk}" value="5" id="id_q{q["likert"].pk}_4" required checked' in html
    )
    assert 'value="Half written"' in html
    assert (
        f'name="q{q["matrix"].pk}__lead" value="4" '
        f'id="id_q{q["matrix"].pk}__lead_3" required checked' in html
    )
    form = client.get(url(cohort, survey)).context["form"]
    assert form[f"q{q['likert'].pk}"].value() == "5"
    assert form[f"q{q['multiple'].pk}"].value() == ["ethics"]
    if anonymous:
        assert "This survey is anonymous" in html


def test_an_identified_response_has_the_participant_and_is_refused_the_second_time(client, cohort):
    survey = make_survey(cohort)
    person = f.participant(cohort, language="ko", economy_code="THA")
    client.force_login(person.user)
    client.post(url(cohort, survey), {**full_answers(survey), "action": "save"})
    response = client.post(url(cohort, survey), full_answers(survey))
    assert response.status_code == 302
    saved = SurveyResponse.objects.get(survey=survey)
    assert saved.participant == person
    assert saved.economy_code == "THA"
    assert (saved.position, saved.school_level, saved.language) == ("principal", "primary", "ko")
    assert saved.pairing_key == keys.pairing_key(person)
    assert saved.submitted_on == timezone.localdate()
    q = survey.q
    got = {
        (a.question_id, a.item): (a.number, a.choices, a.text)
        for a in SurveyAnswer.objects.filter(response=saved)
    }
    assert got == {
        (q["likert"].pk, ""): (4, [], ""),
        (q["rating"].pk, ""): (9, [], ""),
        (q["single"].pk, ""): (None, ["lesson"], ""),
        (q["multiple"].pk, ""): (None, ["data", "policy"], ""),
        (q["short"].pk, ""): (None, [], "Learn together"),
        (q["long"].pk, ""): (None, [], "Ideas for my teachers."),
        (q["matrix"].pk, "plan"): (3, [], ""),
        (q["matrix"].pk, "lead"): (2, [], ""),
    }
    assert not SurveyDraft.objects.exists()
    assert SurveyCompletion.objects.get(survey=survey).participant == person

    page = client.get(url(cohort, survey))
    assert "You have answered this survey. Thank you." in page.content.decode()
    again = client.post(url(cohort, survey), full_answers(survey))
    assert again.status_code == 409
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 8


def test_submit_refused_by_the_rules_when_already_completed(cohort):
    survey = make_survey(cohort)
    person = f.participant(cohort)
    questions = rules.questions_of(rules.sections_of(survey))
    data = full_answers(survey)
    form = rules.build_form(questions, "en", data)
    assert form.is_valid(), form.errors
    rules.submit(survey, person, form)
    with pytest.raises(rules.SurveyRefused) as refused:
        rules.submit(survey, person, rules.build_form(questions, "en", data))
    assert refused.value.state == rules.ANSWERED
    assert SurveyResponse.objects.count() == 1


def test_an_anonymous_response_names_nobody(client, cohort):
    survey = make_survey(cohort, anonymous=True)
    person = f.participant(cohort)
    client.force_login(person.user)
    client.post(url(cohort, survey), {**full_answers(survey), "action": "save"})
    assert SurveyDraft.objects.count() == 1
    client.post(url(cohort, survey), full_answers(survey))
    saved = SurveyResponse.objects.get(survey=survey)
    assert saved.participant_id is None
    assert SurveyCompletion.objects.filter(survey=survey, participant=person).exists()
    identifying = {
        str(person.pk),
        str(person.user.pk),
        person.user.email,
        person.application.family_name,
        person.application.given_names,
        person.application.reference,
    }
    rows = [
        *SurveyResponse.objects.filter(survey=survey).values(),
        *SurveyAnswer.objects.filter(response__survey=survey).values(),
        *SurveyDraft.objects.filter(survey=survey).values(),
    ]
    assert rows
    for row in rows:
        for column, value in row.items():
            if column in {"id", "survey_id", "response_id", "question_id", "number"}:
                continue
            if column == "participant_id":
                assert value is None
                continue
            assert str(value) not in identifying, column
            for secret in identifying - {str(person.pk), str(person.user.pk)}:
                assert secret not in str(value), column
    assert not SurveyDraft.objects.exists()


def test_invalid_answers_are_refused_with_messages_and_kept(client, cohort):
    survey = make_survey(cohort)
    person = f.participant(cohort)
    client.force_login(person.user)
    q = survey.q
    data = {
        **full_answers(survey),
        f"q{q['likert'].pk}": "9",
        f"q{q['single'].pk}": "unknown",
        f"q{q['rating'].pk}": "",
        f"q{q['multiple'].pk}": ["data", "nope"],
        f"q{q['short'].pk}": "x" * 501,
        f"q{q['matrix'].pk}__plan": "5",
    }
    response = client.post(url(cohort, survey), data)
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert form.errors[f"q{q['likert'].pk}"] == ["Choose one of the answers offered."]
    assert form.errors[f"q{q['single'].pk}"] == ["Choose one of the answers offered."]
    assert form.errors[f"q{q['rating'].pk}"] == ["Please answer this question."]
    assert form.errors[f"q{q['multiple'].pk}"] == ["Choose one of the answers offered."]
    assert form.errors[f"q{q['short'].pk}"] == [
        "Please keep the answer to 500 characters or fewer."
    ]
    assert form.errors[f"q{q['matrix'].pk}__plan"] == ["Choose one of the answers offered."]
    assert 'id="error-summary"' in html
    assert html.count("Please answer this question.") == 2  # summary and question
    assert "Ideas for my teachers." in html and "Learn together" not in html
    assert 'value="' + "x" * 501 + '"' in html
    assert form[f"q{q['long'].pk}"].value() == "Ideas for my teachers."
    assert not SurveyResponse.objects.exists() and not SurveyCompletion.objects.exists()


def test_a_closed_or_unopened_survey_refuses_answers(client, cohort):
    closed = make_survey(cohort, opens_in=-10, closes_in=-1, title="Closed")
    later = make_survey(cohort, opens_in=2, closes_in=9, title="Later")
    person = f.participant(cohort)
    client.force_login(person.user)
    page = client.get(url(cohort, closed))
    assert "This survey is closed. Answers are no longer accepted." in page.content.decode()
    assert "<form" not in page.content.decode().split('class="programme-layout"')[-1]
    for survey in (closed, later):
        refused = client.post(url(cohort, survey), full_answers(survey))
        assert refused.status_code == 409
        refused = client.post(url(cohort, survey), {**full_answers(survey), "action": "save"})
        assert refused.status_code == 409
    assert not SurveyResponse.objects.exists()
    assert not SurveyCompletion.objects.exists() and not SurveyDraft.objects.exists()
    html = client.get(url(cohort, later)).content.decode()
    assert "This survey is not open yet." in html and "<time datetime=" in html


def test_another_cohorts_survey_and_another_groups_survey_answer_404(client, cohort):
    other = f.cohort("aslp-other")
    theirs = make_survey(other)
    group_b = f.group(cohort, "Group B")
    activity = f.activity(cohort, ActivityKind.SURVEY, group=group_b)
    for_group_b = make_survey(cohort, activity=activity)
    person = f.participant(cohort)
    client.force_login(person.user)
    assert client.get(url(cohort, theirs)).status_code == 404
    assert client.post(url(cohort, theirs), full_answers(theirs)).status_code == 404
    assert client.get(url(other, theirs)).status_code == 404
    assert client.get(url(cohort, for_group_b)).status_code == 404
    client.logout()
    assert client.get(url(cohort, make_survey(cohort))).status_code == 302


def test_answered_survey_activities_count_in_progress(cohort):
    progress_surveys.register()
    progress_surveys.register()
    assert progress.COMPLETION_SOURCES.count(progress_surveys.answered_survey_activity_ids) == 1
    activity = f.activity(cohort, ActivityKind.SURVEY)
    other = f.activity(cohort, ActivityKind.SURVEY, title="Another survey")
    survey = make_survey(cohort, activity=activity)
    person = f.participant(cohort)
    assert progress.done_activity_ids(person, [activity, other], set()) == set()
    SurveyCompletion.objects.create(survey=survey, participant=person, completed_on=dt.date.today())
    assert progress.done_activity_ids(person, [activity, other], set()) == {activity.pk}


def test_the_survey_page_takes_the_same_number_of_queries_for_more_questions(client, cohort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_survey(cohort, title="Small")
    large = make_survey(cohort, title="Large")
    section = large.sections.first()
    for n in range(6):
        SurveyQuestion.objects.create(
            section=section,
            kind=QuestionKind.MATRIX,
            text=f"Extra {n}",
            items=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
        )
    SurveySection.objects.create(survey=large, title="Second part", sort_order=2)
    person = f.participant(cohort, language="ko")
    client.force_login(person.user)
    counts = []
    for survey in (small, large):
        client.get(url(cohort, survey, "ko"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cohort, survey, "ko")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_anonymous_answers_are_rewritten_in_random_order_on_each_submit(cohort):
    """After each submit of an anonymous survey, all its rows are written again by that one
    transaction, in random order: neither row position nor the writing transaction (PostgreSQL
    ``xmin``) tells which response came last."""
    from django.db import connection

    from assessments import surveys as rules

    survey = make_survey(cohort, anonymous=True)
    people = [f.participant(cohort) for _ in range(10)]
    written = []
    for person in people:
        form = rules.build_form(
            rules.questions_of(rules.sections_of(survey)), "en", data=full_answers(survey)
        )
        assert form.is_valid(), form.errors
        written.append(str(rules.submit(survey, person, form).pk))
        if len(written) == 1:
            per_response = SurveyAnswer.objects.filter(response__survey=survey).count()
    assert SurveyResponse.objects.filter(survey=survey).count() == 10
    assert per_response == 8  # seven questions, the matrix with two items
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == 10 * per_response
    # Same keys, same answers: nothing was lost by the rewriting.
    assert set(written) == {str(pk) for pk in SurveyResponse.objects.values_list("pk", flat=True)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id::text, xmin::text FROM assessments_surveyresponse ORDER BY ctid"
            )
        else:
            cursor.execute("SELECT id, '' FROM assessments_surveyresponse ORDER BY rowid")
        rows = cursor.fetchall()
    stored_order = [str(row[0]).replace("-", "") for row in rows]
    # One ordering out of 10! could match the submission order by chance (p < 3e-7).
    assert stored_order != [pk.replace("-", "") for pk in written]
    if connection.vendor == "postgresql":
        assert len({row[1] for row in rows}) == 1
