"""The survey builder in the Wagtail admin: scoped to the organizer's cohorts, lists typed as
"key | label" lines (errors shown), translations checked against the source's keys, and a
survey's anonymity locked once someone has answered."""

from __future__ import annotations

import pytest
from django.utils import timezone

import assessments.hooks_surveys  # noqa: F401  (registers the screens, see the report)
from assessments.admin_surveys import format_lines, parse_lines
from assessments.models import QuestionKind, Survey, SurveyQuestion, SurveyResponse
from tests.assessments.test_surveys import make_survey
from tests.trainings import factories as f

pytestmark = pytest.mark.django_db

SURVEYS = "/admin/programme/surveys/"
QUESTIONS = "/admin/programme/survey-questions/"


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = row.pop("id", "")
        data[f"{prefix}-{i}-DELETE"] = ""
        data[f"{prefix}-{i}-ORDER"] = i + 1
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.fixture
def world():
    x = f.cohort("cohort-x", title="Cohort X 2026")
    y = f.cohort("cohort-y", title="Cohort Y 2026")
    return {
        "x": x,
        "y": y,
        "organizer_x": f.organizer(x, "organizer-x@example.org"),
        "survey_x": make_survey(x, title="Survey of X"),
        "survey_y": make_survey(y, title="Survey of Y"),
    }


def survey_data(survey: Survey, **changes) -> dict:
    data = {
        "cohort": survey.cohort_id,
        "purpose": survey.purpose,
        "stage": survey.stage_id or "",
        "activity": "",
        "title": survey.title,
        "introduction": survey.introduction,
        "opens_at": timezone.localtime(survey.opens_at).strftime("%Y-%m-%d %H:%M"),
        "closes_at": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M"),
        **formset("translations", []),
        **formset(
            "sections",
            [
                {"id": section.pk, "title": section.title, "description": "", "sort_order": 1}
                for section in survey.sections.all()
            ],
            initial=survey.sections.count(),
        ),
    }
    if survey.is_anonymous:
        data["is_anonymous"] = "on"
    data.update(changes)
    return data


def question_data(question: SurveyQuestion, translations=(), **changes) -> dict:
    data = {
        "section": question.section_id,
        "kind": question.kind,
        "required": "on",
        "sort_order": 0,
        "text": question.text,
        "help_text": "",
        "scale_points": question.scale_points,
        "scale_labels_lines": format_lines(question.scale_labels, numbered=True),
        "options_lines": format_lines(question.options, numbered=False),
        "items_lines": format_lines(question.items, numbered=False),
        "competence_key": "",
        **formset(
            "translations",
            [dict(row) for row in translations],
            initial=sum(1 for row in translations if row.get("id")),
        ),
    }
    data.update(changes)
    return data


def test_lines_are_parsed_and_errors_name_the_line():
    assert parse_lines("1 | Low\n\n 5 | High ", numbered=True) == [
        {"value": 1, "label": "Low"},
        {"value": 5, "label": "High"},
    ]
    assert parse_lines("ai | AI in class", numbered=False) == [
        {"key": "ai", "label": "AI in class"}
    ]
    with pytest.raises(Exception) as caught:
        parse_lines("ai AI\nBad Key | x\nai | again\nok |", numbered=False)
    assert caught.value.messages == [
        "Line 1: write “key | label”.",
        "Line 2: the key may hold lower-case letters, digits, - and _ (up to 60).",
        "Line 4: the label is missing.",
    ]
    with pytest.raises(Exception) as caught:
        parse_lines("a | One\na | Two\nx | Three", numbered=True)
    assert caught.value.messages[0] == "Line 1: the value must be a whole number."


def test_organizer_sees_and_edits_only_their_cohorts_surveys(client, world):
    client.force_login(world["organizer_x"])
    listing = client.get(SURVEYS).content.decode()
    assert "Survey of X" in listing and "Survey of Y" not in listing
    questions = client.get(QUESTIONS).content.decode()
    assert world["survey_x"].q["likert"].text in questions
    y_question = world["survey_y"].q["likert"]
    for path in (
        f"{SURVEYS}edit/{world['survey_y'].pk}/",
        f"{SURVEYS}delete/{world['survey_y'].pk}/",
        f"{QUESTIONS}edit/{y_question.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{SURVEYS}edit/{world['survey_x'].pk}/").status_code == 200
    assert client.get(f"{QUESTIONS}edit/{world['survey_x'].q['likert'].pk}/").status_code == 200
    # Moving a question into another cohort's section is refused.
    moved = question_data(
        world["survey_x"].q["single"], section=world["survey_y"].q["single"].section_id
    )
    response = client.post(f"{QUESTIONS}edit/{world['survey_x'].q['single'].pk}/", moved)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()

    survey = world["survey_x"]
    response = client.post(
        f"{SURVEYS}edit/{survey.pk}/", survey_data(survey, title="Before the workshop")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey.refresh_from_db()
    assert survey.title == "Before the workshop"


def test_question_lines_are_saved_as_lists_with_translations(client, world):
    client.force_login(world["organizer_x"])
    question = world["survey_x"].q["single"]
    data = question_data(
        question,
        translations=[
            {
                "id": question.translations.get().pk,
                "language_code": "ko",
                "text": "주요 관심사",
                "help_text": "",
                "scale_labels_lines": "",
                "options_lines": "ai | 수업 속 AI\nlesson | 수업 연구",
                "items_lines": "",
            }
        ],
        options_lines="ai | AI in class\nlesson | Lesson study\nmentor | Mentoring",
    )
    response = client.post(f"{QUESTIONS}edit/{question.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert question.options == [
        {"key": "ai", "label": "AI in class"},
        {"key": "lesson", "label": "Lesson study"},
        {"key": "mentor", "label": "Mentoring"},
    ]
    assert question.scale_labels == [] and question.items == []
    translation = question.translations.get(language_code="ko")
    assert translation.options == [
        {"key": "ai", "label": "수업 속 AI"},
        {"key": "lesson", "label": "수업 연구"},
    ]


def test_line_errors_are_shown_and_nothing_is_saved(client, world):
    client.force_login(world["organizer_x"])
    question = world["survey_x"].q["likert"]
    data = question_data(question, scale_labels_lines="1 | Low\nseven | High\n9 | Too far")
    response = client.post(f"{QUESTIONS}edit/{question.pk}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 2: the value must be a whole number." in html
    single = world["survey_x"].q["single"]
    data = question_data(
        single,
        translations=[
            {
                "id": single.translations.get().pk,
                "language_code": "ko",
                "text": "주요 관심사",
                "options_lines": "ai | 수업 속 AI\nother | 기타",
            }
        ],
        options_lines="ai | AI in class",
    )
    html = client.post(f"{QUESTIONS}edit/{single.pk}/", data).content.decode()
    assert "Give at least two options." in html
    assert "Not in the question: other. Use the same values and keys." in html
    data = question_data(question, scale_labels_lines="1 | Low\n9 | Too far")
    html = client.post(f"{QUESTIONS}edit/{question.pk}/", data).content.decode()
    assert "9 is not a point of the scale (1 to 5)." in html
    question.refresh_from_db()
    assert question.scale_labels[0] == {"value": 1, "label": "Strongly disagree"}
    single.refresh_from_db()
    assert len(single.options) == 2


def test_a_new_matrix_question_needs_items(client, world):
    client.force_login(world["organizer_x"])
    section = world["survey_x"].sections.first()
    data = {
        "section": section.pk,
        "kind": QuestionKind.MATRIX,
        "required": "on",
        "sort_order": 9,
        "text": "Rate your skills",
        "help_text": "",
        "scale_points": 4,
        "scale_labels_lines": "1 | Not yet\n4 | Fully",
        "options_lines": "",
        "items_lines": "",
        "competence_key": "skills",
        **formset("translations", []),
    }
    html = client.post(f"{QUESTIONS}new/", data).content.decode()
    assert "Give at least one item." in html
    data["items_lines"] = "plan | Planning\nlead | Leading"
    response = client.post(f"{QUESTIONS}new/", data)
    assert response.status_code == 302
    made = SurveyQuestion.objects.get(text="Rate your skills")
    assert made.items == [{"key": "plan", "label": "Planning"}, {"key": "lead", "label": "Leading"}]
    assert made.scale_labels == [{"value": 1, "label": "Not yet"}, {"value": 4, "label": "Fully"}]


def test_anonymity_is_locked_once_someone_answered(client, world):
    client.force_login(world["organizer_x"])
    survey = world["survey_x"]
    # No response yet: it may change.
    response = client.post(f"{SURVEYS}edit/{survey.pk}/", survey_data(survey, is_anonymous="on"))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.is_anonymous
    SurveyResponse.objects.create(survey=survey, submitted_on=timezone.localdate())
    data = survey_data(survey)
    data.pop("is_anonymous")
    response = client.post(f"{SURVEYS}edit/{survey.pk}/", data)
    assert response.status_code == 200
    assert (
        "Someone has answered this survey: whether it is anonymous cannot change any more."
        in response.content.decode()
    )
    survey.refresh_from_db()
    assert survey.is_anonymous


SECTIONS = "/admin/programme/survey-sections/"


def test_sections_are_translated_on_their_own_screen(client, world):
    """A section's title and description get translations; participants read them in Korean."""
    client.force_login(world["organizer_x"])
    section = world["survey_x"].sections.first()
    other = world["survey_y"].sections.first()
    section.translations.all().delete()  # the fixture's own Korean title
    listing = client.get(SECTIONS).content.decode()
    assert section.title in listing
    assert client.get(f"{SECTIONS}edit/{other.pk}/").status_code == 404
    data = {
        "survey": section.survey_id,
        "title": section.title,
        "description": "About you",
        "sort_order": 1,
        **formset(
            "translations",
            [{"language_code": "ko", "title": "당신의 학교", "description": "자기소개"}],
        ),
    }
    # English is written in the main fields: an "en" translation row is refused.
    refused = dict(data, **{"translations-0-language_code": "en"})
    response = client.post(f"{SECTIONS}edit/{section.pk}/", refused)
    assert response.status_code == 200
    assert section.translations.count() == 0
    # A section cannot be moved into another cohort's survey.
    moved = dict(data, survey=other.survey_id)
    response = client.post(f"{SECTIONS}edit/{section.pk}/", moved)
    assert "Select a valid choice" in response.content.decode()

    response = client.post(f"{SECTIONS}edit/{section.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    section.refresh_from_db()
    assert section.description == "About you"
    assert section.translated("title", "ko") == "당신의 학교"
    assert section.translated("description", "ko") == "자기소개"
    assert section.translated("title", "en") == section.title
