import re

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/ko/accounts/login/",
]
SIGNED_IN_PAGES = [
    "/accounts/profile/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/logout/",
]


def assert_site_layout(html: str, path: str):
    main = html[html.index('<main id="main"') :]
    assert len(re.findall(r"<h1[ >]", main)) == 1, path
    # allauth's bare layout (its "Menu:" list) must never show.
    assert "Menu:" not in html, path
    for input_id in re.findall(r'<input type="(?:text|email|password)"[^>]* id="([^"]+)"', main):
        assert f'<label for="{input_id}">' in main, (path, input_id)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_entrance_pages_use_the_site_layout(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_site_layout(response.content.decode(), path)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_account_pages_use_the_site_layout_with_the_account_menu(client, make_user, path):
    make_user("member@example.org")
    client.post("/accounts/login/", {"login": "member@example.org", "password": PASSWORD})
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_site_layout(html, path)
    assert '<nav class="account-nav" aria-label="Account settings">' in html
    assert 'aria-current="page"' in html


def test_password_confirmation_page_uses_the_entrance_layout(client, make_user):
    client.force_login(make_user("member@example.org"))
    response = client.get("/accounts/reauthenticate/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_site_layout(html, "/accounts/reauthenticate/")
    assert '<label for="id_password">' in html
    assert '<nav class="account-nav"' not in html
