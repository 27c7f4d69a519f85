"""In a real browser: an alumnus opts in to the alumni directory from their profile, finds
themselves listed, then opts out and is no longer listed."""

from __future__ import annotations

import pytest

from cohorts.models import CohortStatus
from tests.browser import sign_in
from tests.trainings import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_alumnus_opts_in_then_out(page, site_url):
    cohort = f.cohort("alumni-2024", title="ASLP 2024", status=CohortStatus.FINISHED)
    f.participant(cohort, "mina@example.org", given_names="Mina", family_name="Seo")

    sign_in(page, site_url, "mina@example.org", "/accounts/profile/")
    page.get_by_role("link", name="My alumni profile").click()
    page.wait_for_url(f"{site_url}/alumni/me/")
    page.get_by_label("Show me in the alumni directory").check()
    page.get_by_label("School or institution").fill("Hanbit Middle School")
    page.get_by_label("About me").fill("Teacher-led research groups.")
    page.get_by_role("button", name="Save my profile").click()
    page.wait_for_url(f"{site_url}/alumni/me/")
    assert "Your profile is saved and listed in the directory." in page.locator("main").inner_text()

    page.goto(f"{site_url}/alumni/")
    directory = page.locator("main").inner_text()
    assert "Mina SEO" in directory and "Hanbit Middle School" in directory

    page.goto(f"{site_url}/alumni/me/")
    page.get_by_label("Show me in the alumni directory").uncheck()
    page.get_by_role("button", name="Save my profile").click()
    page.wait_for_url(f"{site_url}/alumni/me/")
    page.goto(f"{site_url}/alumni/")
    assert "Mina SEO" not in page.locator("main").inner_text()
