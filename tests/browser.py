"""Helpers shared by the browser tests (Playwright on Debian chromium)."""

from tests.cohorts.factories import PASSWORD


def sign_in(page, site_url, email, next_url, *, password=PASSWORD):
    """Sign in through allauth's form as ``email`` and land on ``next_url``."""
    page.context.clear_cookies()
    page.goto(f"{site_url}/accounts/login/?next={next_url}")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{site_url}{next_url}")
