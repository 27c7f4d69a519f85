import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from aslp_site.accounts import demo
from aslp_site.accounts.models import User

from .conftest import PASSWORD, is_signed_in

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_lock_the_address_for_a_while(client, make_user):
    make_user("target@example.org")
    for _attempt in range(5):
        response = client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "guess-guess-1"}
        )
        assert response.status_code == 200
        assert "The email address and/or password you specified are not correct." in (
            response.content.decode()
        )
    # Even the right password is refused until the window has passed.
    locked = client.post("/accounts/login/", {"login": "target@example.org", "password": PASSWORD})
    assert locked.status_code == 200
    assert "Too many failed login attempts. Try again later." in locked.content.decode()
    assert not is_signed_in(client)


def test_too_many_login_requests_from_one_address_get_429(client):
    for attempt in range(30):
        response = client.post(
            "/accounts/login/", {"login": f"someone{attempt}@example.org", "password": "x" * 12}
        )
        assert response.status_code == 200
    blocked = client.post("/accounts/login/", {"login": "last@example.org", "password": "x" * 12})
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert "<h1>Too many attempts</h1>" in html
    assert 'href="/accounts/login/"' in html


def test_demo_accounts_are_complete_and_loading_twice_changes_nothing(client, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = io.StringIO()
    demo.load(first)
    demo.load(io.StringIO())

    emails = [
        "admin@aslp.example.org",
        "applicant-ko@aslp.example.org",
        "applicant@aslp.example.org",
        "editor@aslp.example.org",
    ]
    assert list(User.objects.order_by("email").values_list("email", flat=True)) == emails
    assert EmailAddress.objects.count() == 4
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 4

    admin = User.objects.get(email="admin@aslp.example.org")
    assert admin.is_superuser and admin.is_staff
    editor = User.objects.get(email="editor@aslp.example.org")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.is_staff
    korean = User.objects.get(email="applicant-ko@aslp.example.org")
    assert (korean.preferred_language, korean.time_zone) == ("ko", "Asia/Seoul")
    applicant = User.objects.get(email="applicant@aslp.example.org")
    assert applicant.preferred_language == "en"
    assert not applicant.has_perm("wagtailadmin.access_admin")
    assert Group.objects.filter(name="Editors").count() == 1

    output = first.getvalue()
    for email in emails:
        assert email in output
    assert f"password: {demo.DEFAULT_DEMO_PASSWORD}" in output

    response = client.post(
        "/accounts/login/",
        {"login": "applicant-ko@aslp.example.org", "password": demo.DEFAULT_DEMO_PASSWORD},
    )
    assert response["Location"] == "/ko/accounts/profile/"


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Env-Chosen-Demo-Secret")
    output = io.StringIO()
    demo.load(output)
    assert "password: Env-Chosen-Demo-Secret" in output.getvalue()
    assert User.objects.get(email="applicant@aslp.example.org").check_password(
        "Env-Chosen-Demo-Secret"
    )
