"""In a real browser: a Korean-speaking applicant opens the call, signs in, starts the form, loses
the session while typing, signs in again and finds the text restored and saved, uploads the CV
and the letter, submits, and receives the receipt."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from cohorts.economy_data import economies_sync
from cohorts.models import Application, ApplicationStatus, CohortTranslation
from tests.cohorts import factories
from tests.cohorts.applying import ESSAY
from tests.cohorts.factories import MINIMAL_PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAVE_WAIT = 15_000  # ms; autosave runs 2.5 s after typing stops


def sign_in(page, email: str) -> None:
    page.fill("#id_login", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def test_korean_applicant_keeps_the_draft_through_a_lost_session_and_submits(page, site_url):
    economies_sync()  # reference rows a transactional test before this one may have emptied
    cohort = factories.cohort("aslp-browser", title="ASLP Browser", time_zone="Asia/Seoul")
    CohortTranslation.objects.create(cohort=cohort, language_code="ko", title="브라우저 기수")
    person = factories.user("minji@example.org", preferred_language="ko", time_zone="Asia/Seoul")
    storage_key = f"aslp-application:{person.pk}:aslp-browser"

    # The call, in Korean, and the way in.
    page.goto(f"{site_url}/ko/cohorts/aslp-browser/")
    assert page.locator("h1").inner_text() == "브라우저 기수"
    page.locator("#apply-button").click()
    page.wait_for_url(f"{site_url}/ko/accounts/login/?next=/ko/apply/aslp-browser/")
    sign_in(page, "minji@example.org")
    page.wait_for_url(f"{site_url}/ko/apply/aslp-browser/")

    # Part of the form; autosave keeps it.
    page.fill("#id_family_name", "Kim")
    page.fill("#id_given_names", "Min-ji")
    page.fill("#id_native_name", "김민지")
    page.wait_for_selector("#autosave-status[data-state=saved]", timeout=SAVE_WAIT)
    draft = Application.objects.get(applicant=person)
    assert (draft.family_name, draft.native_name, draft.status) == ("Kim", "김민지", "draft")

    # The session ends (cookies gone) while the applicant keeps typing.
    page.context.clear_cookies()
    page.fill("#id_motivation", ESSAY)
    page.wait_for_selector("#apply-session", state="visible", timeout=SAVE_WAIT)
    assert page.locator("#autosave-status").get_attribute("data-state") == "session-lost"
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('{storage_key}')).values.motivation")
    assert kept == ESSAY
    draft.refresh_from_db()
    assert draft.motivation == ""

    # Signing in again from the message comes back to the form, which puts the text back.
    page.locator("#apply-session a").click()
    page.wait_for_url(re.compile(r"/ko/accounts/login/"))
    sign_in(page, "minji@example.org")
    page.wait_for_url(f"{site_url}/ko/apply/aslp-browser/")
    page.wait_for_selector("#apply-restored", state="visible")
    assert page.input_value("#id_motivation") == ESSAY
    assert page.input_value("#id_family_name") == "Kim"
    page.wait_for_selector("#autosave-status[data-state=saved]", timeout=SAVE_WAIT)
    draft.refresh_from_db()
    assert draft.motivation == ESSAY
    count = page.locator("#essay-count").get_attribute("data-count")
    assert count == str(len(ESSAY.split()))

    # The rest of the form, and the files, uploaded as soon as they are chosen.
    page.select_option("#id_gender", "female")
    page.select_option("#id_position", "principal")
    page.fill("#id_position_detail", "교장 (Principal)")
    page.fill("#id_school_name", "Haeundae Elementary School")
    page.select_option("#id_school_level", "primary")
    page.fill("#id_years_experience", "18")
    page.select_option("#id_economy", str(factories.economy("ROK").pk))
    page.fill("#id_phone", "+82 51-123-4567")
    page.set_input_files(
        "#id_cv",
        files=[{"name": "이력서.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.wait_for_selector("#upload-status-cv[data-state=uploaded]")
    page.set_input_files(
        "#id_endorsement_letter",
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.wait_for_selector("#upload-status-endorsement_letter[data-state=uploaded]")
    assert page.locator("#current-cv a").inner_text() == "이력서.pdf"

    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"{site_url}/ko/apply/aslp-browser/status/")
    application = Application.objects.get(applicant=person)
    assert application.status == ApplicationStatus.SUBMITTED
    status_page = page.locator(".status-page")
    assert status_page.get_attribute("data-application-status") == "submitted"
    assert status_page.get_attribute("data-reference") == application.reference
    assert page.locator("html").get_attribute("lang") == "ko"
    # The browser's copy is gone once the server has everything.
    assert page.evaluate(f"localStorage.getItem('{storage_key}')") is None

    (receipt,) = mail.outbox
    assert receipt.to == ["minji@example.org"]
    assert application.reference in receipt.subject
    assert "브라우저 기수" in receipt.subject
    assert application.files.get(kind="cv").sha256 in receipt.body
