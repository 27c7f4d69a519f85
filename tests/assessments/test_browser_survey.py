"""In a real browser: a Korean participant answers a survey in Korean over two visits: saves part
of it, signs out, comes back to find the answers, completes and submits them."""

from __future__ import annotations

import pytest

from assessments.models import SurveyAnswer, SurveyCompletion, SurveyDraft, SurveyResponse
from tests.cohorts.factories import PASSWORD
from tests.trainings import factories as f

from .test_surveys import make_survey

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "jiwoo@example.org"


def _sign_in(page, site_url, path):
    page.context.clear_cookies()
    page.goto(f"{site_url}/accounts/login/?next={path}")
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{site_url}{path}")


def test_a_korean_participant_answers_in_two_visits(page, site_url):
    cohort = f.cohort("aslp-survey", title="ASLP Survey Cohort")
    person = f.participant(cohort, EMAIL, language="ko")
    survey = make_survey(cohort)
    q = survey.q
    path = f"/ko/my-programme/aslp-survey/surveys/{survey.pk}/"

    # First visit: a few answers, then "Save and continue later".
    _sign_in(page, site_url, path)
    assert page.locator("h1").inner_text() == "사전 연수 설문"
    assert page.get_by_role("group", name="나는 학교의 변화를 이끈다.").is_visible()
    page.get_by_label("매우 그렇다").check()
    page.get_by_label("학교의 교훈").fill("함께 배우는 학교")
    page.get_by_label("계획: 3").check()
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url(f"{site_url}{path}")
    assert SurveyDraft.objects.filter(survey=survey).count() == 1

    # Signed out and back: the answers are there.
    _sign_in(page, site_url, path)
    assert page.get_by_label("매우 그렇다").is_checked()
    assert page.get_by_label("학교의 교훈").input_value() == "함께 배우는 학교"
    assert page.get_by_label("계획: 3").is_checked()

    # Submitting without a required answer keeps what was chosen and says what is missing.
    page.locator("button[name=action][value=submit]").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "얼마나 유용했습니까?" in summary.inner_text()
    assert page.get_by_label("매우 그렇다").is_checked()

    # Complete and submit.
    rating = page.get_by_role("group", name="얼마나 유용했습니까?")
    rating.get_by_label("8", exact=True).check()
    page.get_by_label("수업 연구").check()
    page.get_by_label("지도: 4").check()
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"{site_url}{path}")
    assert page.locator('[data-survey-state="answered"]').is_visible()

    response = SurveyResponse.objects.get(survey=survey)
    assert response.participant == person and response.language == "ko"
    got = {
        (a.question_id, a.item): (a.number, a.choices, a.text)
        for a in SurveyAnswer.objects.filter(response=response)
    }
    assert got == {
        (q["likert"].pk, ""): (5, [], ""),
        (q["rating"].pk, ""): (8, [], ""),
        (q["single"].pk, ""): (None, ["lesson"], ""),
        (q["short"].pk, ""): (None, [], "함께 배우는 학교"),
        (q["matrix"].pk, "plan"): (3, [], ""),
        (q["matrix"].pk, "lead"): (4, [], ""),
    }
    assert SurveyCompletion.objects.filter(survey=survey, participant=person).exists()
    assert not SurveyDraft.objects.exists()
