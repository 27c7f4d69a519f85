"""Whole journeys in a real browser (Debian chromium) against the live server."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from aslp_site.accounts.models import User

from .conftest import PASSWORD, links_in, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def make_verified(email, **extra):
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(page, site_url, email, path="/accounts/login/"):
    page.goto(site_url + path)
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()


@pytest.fixture
def manila_page(browser):
    context = browser.new_context(timezone_id="Asia/Manila", locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def test_sign_up_verify_by_mail_and_land_on_the_profile(manila_page, site_url):
    page = manila_page
    page.goto(site_url + "/accounts/signup/")
    assert page.locator("h1").inner_text().strip() == "Sign Up"
    # The browser's own zone is pre-selected by static/js/timezone-guess.js.
    assert page.locator("#id_time_zone").input_value() == "Asia/Manila"
    assert page.locator("#id_preferred_language").input_value() == "en"
    page.fill("#id_email", "newcomer@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(site_url + "/accounts/confirm-email/")
    assert page.locator("h1").inner_text().strip() == "Verify Your Email Address"

    assert len(mail.outbox) == 1
    (link,) = [url for url in links_in(mail.outbox[0].body) if "/confirm-email/" in url]
    page.goto(site_url + link.removeprefix("http://testserver").removeprefix(site_url))
    assert page.locator("h1").inner_text().strip() == "Confirm Email Address"
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(site_url + "/accounts/profile/")
    assert page.locator("h1").inner_text() == "My profile"
    assert page.locator("#id_time_zone").input_value() == "Asia/Manila"
    user = User.objects.get(email="newcomer@example.org")
    assert user.time_zone == "Asia/Manila"
    assert EmailAddress.objects.get(user=user).verified is True


def test_set_up_authenticator_then_sign_in_with_a_code(page, site_url):
    make_verified("careful@example.org")
    sign_in(page, site_url, "careful@example.org")
    page.wait_for_url(site_url + "/accounts/profile/")

    page.get_by_role("link", name="Two-factor authentication").first.click()
    page.wait_for_url(site_url + "/accounts/2fa/")
    page.get_by_role("link", name="Activate").click()
    # Setting up a second factor asks for the password once more.
    page.wait_for_url(re.compile(r".*/accounts/reauthenticate/.*"))
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(site_url + "/accounts/2fa/totp/activate/")

    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.fill("#id_code", totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(site_url + "/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10

    page.goto(site_url + "/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    page.wait_for_url(site_url + "/")

    sign_in(page, site_url, "careful@example.org")
    page.wait_for_url(site_url + "/accounts/2fa/authenticate/")
    assert page.locator("h1").inner_text().strip() == "Two-Factor Authentication"
    # A recovery code would do as well; use the app's current code.
    page.fill("#id_code", totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(site_url + "/accounts/profile/")
    assert page.locator("h1").inner_text() == "My profile"


def test_korean_user_lands_in_korean_and_switches_to_english(page, site_url):
    make_verified("minsu@example.org", preferred_language="ko", time_zone="Asia/Seoul")
    sign_in(page, site_url, "minsu@example.org")
    page.wait_for_url(site_url + "/ko/accounts/profile/")
    with translation.override("ko"):
        korean_heading = translation.gettext("My profile")
        korean_label = translation.gettext("Preferred language")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == korean_heading
    page.get_by_label(korean_label).select_option("en")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(site_url + "/accounts/profile/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "My profile"
    assert page.get_by_text("Your profile has been saved.").is_visible()
    assert User.objects.get(email="minsu@example.org").preferred_language == "en"
