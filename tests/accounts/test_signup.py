import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from aslp_site.accounts.models import User

from .conftest import PASSWORD, is_signed_in, links_in

pytestmark = pytest.mark.django_db


def signup_data(email="new@example.org", **extra):
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "preferred_language": "en",
        "time_zone": "UTC",
        **extra,
    }


def selected_option(html: str, select_name: str) -> str:
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


def test_signup_form_labels_every_field_and_defaults_to_the_url_language(client):
    english = client.get("/accounts/signup/").content.decode()
    for field_id in ("id_email", "id_password1", "id_password2"):
        assert f'<label for="{field_id}">' in english
    assert '<label for="id_preferred_language">' in english
    assert '<label for="id_time_zone">' in english
    assert selected_option(english, "preferred_language") == "en"
    assert selected_option(english, "time_zone") == "UTC"
    assert 'data-timezone-guess="true"' in english
    assert "/static/js/timezone-guess.js" in english

    korean = client.get("/ko/accounts/signup/").content.decode()
    assert '<html lang="ko"' in korean
    assert selected_option(korean, "preferred_language") == "ko"


def test_signup_creates_unverified_account_and_one_mail_with_a_working_link(client):
    response = client.post(
        "/accounts/signup/", signup_data(time_zone="America/Bogota", preferred_language="en")
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.org")
    assert user.preferred_language == "en"
    assert user.time_zone == "America/Bogota"
    address = EmailAddress.objects.get(user=user)
    assert address.verified is False
    assert not is_signed_in(client)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert message.subject == "[ASLP] Please Confirm Your Email Address"
    (link,) = [url for url in links_in(message.body) if "/confirm-email/" in url]
    assert link.startswith("http://testserver/accounts/confirm-email/")

    # The link shows a page with a POST button; a GET alone confirms nothing.
    page = client.get(link.removeprefix("http://testserver"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post"' in html
    assert '<button type="submit" class="button">' in html
    address.refresh_from_db()
    assert address.verified is False

    confirmed = client.post(link.removeprefix("http://testserver"))
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/accounts/profile/"
    address.refresh_from_db()
    assert address.verified is True
    assert address.primary is True
    assert is_signed_in(client)


def test_signup_in_korean_sends_the_mail_in_korean_with_a_korean_link(client):
    client.post(
        "/ko/accounts/signup/", signup_data(preferred_language="ko", time_zone="Asia/Seoul")
    )
    user = User.objects.get(email="new@example.org")
    assert (user.preferred_language, user.time_zone) == ("ko", "Asia/Seoul")
    assert len(mail.outbox) == 1
    with translation.override("ko"):
        korean_subject = translation.gettext("Please Confirm Your Email Address")
    assert korean_subject != "Please Confirm Your Email Address"
    assert mail.outbox[0].subject == f"[ASLP] {korean_subject}"
    assert "http://testserver/ko/accounts/confirm-email/" in mail.outbox[0].body


def test_language_choice_on_the_form_wins_over_the_page_language(client):
    client.post("/accounts/signup/", signup_data(preferred_language="ko"))
    assert User.objects.get(email="new@example.org").preferred_language == "ko"
    assert "http://testserver/ko/accounts/confirm-email/" in mail.outbox[0].body


def test_unknown_time_zone_is_refused(client):
    response = client.post("/accounts/signup/", signup_data(time_zone="Mars/Olympus_Mons"))
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


def test_signup_with_a_taken_address_answers_like_a_new_one(client, make_user):
    make_user("taken@example.org")
    fresh = client.post("/accounts/signup/", signup_data("fresh@example.org"))
    client.logout()
    taken = client.post("/accounts/signup/", signup_data("taken@example.org"))
    assert (fresh.status_code, fresh["Location"]) == (taken.status_code, taken["Location"])
    assert User.objects.filter(email="taken@example.org").count() == 1
    # The owner of the taken address is told, instead of a second account being made.
    assert [m.to for m in mail.outbox] == [["fresh@example.org"], ["taken@example.org"]]


def test_login_is_refused_until_the_address_is_verified(client, make_user):
    make_user("waiting@example.org", verified=False)
    response = client.post(
        "/accounts/login/", {"login": "waiting@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not is_signed_in(client)
    profile = client.get("/accounts/profile/")
    assert profile.status_code == 302
    assert profile["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_verified_login_lands_on_the_profile(client, make_user):
    make_user("ready@example.org")
    response = client.post("/accounts/login/", {"login": "ready@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert is_signed_in(client)


def test_logout_needs_a_post_and_signs_out(client, make_user):
    make_user("leaving@example.org")
    client.post("/accounts/login/", {"login": "leaving@example.org", "password": PASSWORD})
    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert is_signed_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_signed_in(client)
