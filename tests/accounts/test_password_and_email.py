import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from .conftest import PASSWORD, is_signed_in, links_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Long-Secret-77"


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, make_user):
    make_user("known@example.org")
    known = client.post("/accounts/password/reset/", {"email": "known@example.org"})
    known_mails = len(mail.outbox)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    assert known_mails == 1
    # Nothing at all goes to an address without an account.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["known@example.org"]


def test_password_reset_link_sets_a_new_password(client, make_user):
    make_user("forgetful@example.org", preferred_language="ko")
    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    (link,) = [url for url in links_in(mail.outbox[0].body) if "/password/reset/key/" in url]
    # The link follows the recipient's language, whatever page the request came from.
    assert link.startswith("http://testserver/ko/accounts/password/reset/key/")
    path = link.removeprefix("http://testserver")

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/ko/accounts/password/reset/key/done/"

    refused = client.post(
        "/accounts/login/", {"login": "forgetful@example.org", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert not is_signed_in(client)
    accepted = client.post(
        "/accounts/login/", {"login": "forgetful@example.org", "password": NEW_PASSWORD}
    )
    assert accepted.status_code == 302
    assert is_signed_in(client)


def test_password_change_needs_the_current_password(client, make_user):
    make_user("changer@example.org")
    client.post("/accounts/login/", {"login": "changer@example.org", "password": PASSWORD})
    mail.outbox.clear()

    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert 'class="errorlist' in wrong.content.decode()

    right = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert right.status_code == 302
    assert right["Location"] == "/accounts/password/change/"
    # The owner is told by mail that the password changed.
    assert [m.to for m in mail.outbox] == [["changer@example.org"]]
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"login": "changer@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_adding_an_address_needs_recent_authentication(client, make_user):
    user = make_user("mover@example.org")
    # A session that did not just type the password (e.g. an old one) must confirm it first.
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "moved@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=")
    assert not EmailAddress.objects.filter(email="moved@example.org").exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<label for="id_password">' in page.content.decode()
    mail.outbox.clear()
    confirmed = client.post(response["Location"], {"password": PASSWORD})
    # After the password is confirmed, allauth resumes the interrupted request.
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/accounts/email/"
    new_address = EmailAddress.objects.get(email="moved@example.org")
    assert new_address.user == user
    assert new_address.verified is False
    assert [m.to for m in mail.outbox] == [["moved@example.org"]]

    # Now recently authenticated: a further change goes straight through.
    another = client.post("/accounts/email/", {"action_add": "", "email": "third@example.org"})
    assert another.status_code == 302
    assert another["Location"] == "/accounts/email/"
    assert EmailAddress.objects.filter(user=user, email="third@example.org").exists()


def test_wrong_password_does_not_reauthenticate(client, make_user):
    user = make_user("mover@example.org")
    client.force_login(user)
    response = client.post(
        "/accounts/reauthenticate/?next=/accounts/email/", {"password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    again = client.post("/accounts/email/", {"action_add": "", "email": "moved@example.org"})
    assert again["Location"].startswith("/accounts/reauthenticate/")
