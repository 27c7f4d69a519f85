import pytest
from django.contrib.auth.models import Permission
from django.urls import get_resolver

from aslp_site.accounts.demo import editors_group
from aslp_site.accounts.middleware import StaffMFARequiredMiddleware

from .conftest import PASSWORD, is_signed_in, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture
def wagtail_editor(make_user):
    user = make_user("cms@example.org")
    user.groups.add(editors_group())
    return user


def test_exempt_names_are_real_url_names():
    names = {key for key in get_resolver().reverse_dict if isinstance(key, str)}
    assert StaffMFARequiredMiddleware.EXEMPT_URL_NAMES <= names


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True, "is_staff": True}])
def test_staff_without_an_app_are_sent_to_set_one_up(client, make_user, flags):
    client.force_login(make_user("staff@example.org", **flags))
    for path in ("/accounts/profile/", "/admin/", "/", "/ko/accounts/profile/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] in (ACTIVATE, "/ko" + ACTIVATE), path


def test_wagtail_editors_count_as_staff(client, wagtail_editor):
    client.force_login(wagtail_editor)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_setup_page_itself_stays_reachable_and_explains_why(client, make_user):
    user = make_user("staff@example.org", is_staff=True)
    client.post("/accounts/login/", {"login": "staff@example.org", "password": PASSWORD})
    assert is_signed_in(client)
    # Setting up the app asks for the password again; that page is reachable too.
    reauth = client.get(ACTIVATE)
    assert reauth.status_code == 302
    assert (
        reauth["Location"]
        == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    assert client.get(reauth["Location"]).status_code == 200
    back = client.post(reauth["Location"], {"password": PASSWORD})
    assert back["Location"] == ACTIVATE
    response = client.get(ACTIVATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Staff accounts must be protected by an authenticator app." in html
    assert 'id="authenticator_secret"' in html
    assert '<label for="id_code">' in html
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not is_signed_in(client)
    assert user.authenticator_set.count() == 0


def test_people_who_are_not_staff_are_never_redirected(client, make_user):
    client.force_login(make_user("applicant@example.org"))
    for path in ("/accounts/profile/", "/accounts/2fa/", "/accounts/email/"):
        assert client.get(path).status_code == 200, path


def test_staff_with_an_app_are_let_through(client, make_user, with_totp):
    user = make_user("staff@example.org", is_staff=True)
    with_totp(user)
    client.force_login(user)
    assert client.get("/accounts/profile/").status_code == 200


def test_the_requirement_can_be_switched_off(client, make_user, settings):
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(make_user("staff@example.org", is_staff=True))
    assert client.get("/accounts/profile/").status_code == 200


def test_activating_the_app_from_the_profile(client, make_user):
    user = make_user("careful@example.org")
    client.post("/accounts/login/", {"login": "careful@example.org", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret
    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert 'class="errorlist' in wrong.content.decode()
    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert set(user.authenticator_set.values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    codes = client.get(response["Location"])
    assert codes.status_code == 200
    assert 'id="recovery_codes"' in codes.content.decode()


def test_anonymous_wagtail_admin_goes_to_the_allauth_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    old_login = client.get("/admin/login/?next=/admin/pages/")
    assert old_login.status_code == 302
    assert old_login["Location"] == "/accounts/login/?next=/admin/pages/"


def test_django_admin_login_goes_through_allauth(client):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fdjango-admin%2F"
    post = client.post("/django-admin/login/", {"username": "x@example.org", "password": "x"})
    assert post.status_code == 302
    assert post["Location"].startswith("/accounts/login/")


def test_staff_with_an_app_signs_in_with_a_code_and_reaches_the_wagtail_admin(
    client, make_user, with_totp
):
    user = make_user("staff@example.org", is_staff=True, is_superuser=True)
    secret = with_totp(user)
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "staff@example.org", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not is_signed_in(client)

    refused = client.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert refused.status_code == 200
    assert not is_signed_in(client)

    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == "/admin/"
    assert is_signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_editor_without_wagtail_group_cannot_use_admin_even_when_signed_in(client, make_user):
    client.force_login(make_user("plain@example.org"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert Permission.objects.filter(codename="access_admin").exists()


def test_demo_style_editor_reaches_the_wagtail_admin_when_mfa_is_not_required(
    client, wagtail_editor, settings
):
    settings.REQUIRE_STAFF_MFA = False
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "cms@example.org", "password": PASSWORD, "next": "/admin/"},
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
