"""In a real browser: an accepted applicant confirms, gives travel details and downloads the
visa invitation letter, which the public verification page then recognises."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cohorts import selection
from cohorts.models import ApplicationStatus, InvitationLetter

from . import factories
from .pdf_helpers import pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_accepted_applicant_confirms_travels_and_downloads_the_letter(page, site_url):
    workshop = timezone.localdate() + dt.timedelta(days=60)
    cohort = factories.cohort(
        "aslp-browser",
        title="ASLP Browser Cohort",
        workshop_starts=workshop,
        workshop_ends=workshop + dt.timedelta(days=4),
        venue_city="Busan",
    )
    organizer = factories.user("organizer@example.org")
    factories.grant(organizer, factories.Role.ORGANIZER, cohort)
    applicant = factories.user("minji@example.org")
    application = factories.application(
        cohort, applicant, family_name="Kim", given_names="Min-ji", economy_code="ROK"
    )
    selection.decide(application, "accepted", by=organizer)

    page.goto(f"{site_url}/accounts/login/?next=/apply/aslp-browser/offer/")
    page.fill("#id_login", "minji@example.org")
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{site_url}/apply/aslp-browser/offer/")
    assert page.locator("h1").inner_text() == "Your place in ASLP Browser Cohort"

    page.get_by_role("button", name="Confirm my place").click()
    page.wait_for_url(f"{site_url}/apply/aslp-browser/logistics/")
    assert "is confirmed" in page.locator(".programme-layout .messages").inner_text()

    arrival = f"{workshop - dt.timedelta(days=1):%Y-%m-%d}T15:30"
    departure = f"{workshop + dt.timedelta(days=5):%Y-%m-%d}T11:00"
    page.get_by_label("My name above is exactly as in my passport").check()
    page.get_by_label("Arrival date and time").fill(arrival)
    page.get_by_label("Arrival flight or train").fill("KE 1402")
    page.get_by_label("Departure date and time").fill(departure)
    page.get_by_label("I need a visa invitation letter").check()
    page.get_by_role("button", name="Save travel details").click()
    assert (
        "Your travel details are saved." in page.locator(".programme-layout .messages").inner_text()
    )
    assert page.get_by_label("Arrival date and time").input_value() == arrival

    page.get_by_role("link", name="Go to the invitation letter").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the letter (PDF)").click()
    download = download_info.value
    letter = InvitationLetter.objects.get(application=application)
    assert download.suggested_filename == f"invitation-letter-{application.reference}.pdf"
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    assert "KIM MIN-JI" in pdf_text(pdf)
    assert letter.code in pdf_text(pdf)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMED

    page.goto(f"{site_url}/letters/verify/")
    page.get_by_label("Verification code").fill(letter.code.lower())
    page.get_by_role("button", name="Verify").click()
    assert page.locator("#result-heading").inner_text() == "Genuine and valid letter"
    assert "KIM MIN-JI" in page.locator(".verify-result").inner_text()
