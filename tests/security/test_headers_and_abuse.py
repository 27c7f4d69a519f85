"""R3 and R4 on live responses: security headers, the enforced Content-Security-Policy, HSTS,
rate limits behind a reverse proxy and re-authentication before sensitive changes.

The deploy check itself runs in CI (`.ci/run`); enumeration resistance of sign-up and password
reset is tested in tests/accounts/.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client

from aslp_site.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Sturdy-Passphrase-42"
LOGIN = "/accounts/login/"

# The policy of every page of ours, by directive.
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": [
        "'self'",
        "'unsafe-hashes'",
        "'sha256-ZdHxw9eWtnxUb3mk6tBS+gIiVUPE3pGM470keHPDFlE='",
    ],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": [
        "'self'",
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    ],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
}
# The two admins: the same, with inline scripts and styles allowed (Wagtail writes them).
ADMIN = {
    **STRICT,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": [*STRICT["style-src"], "'unsafe-inline'"],
}


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def person(email="careful@example.org", **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.parametrize("path", [LOGIN, "/verify/", "/ko/verify/", "/accounts/signup/"])
def test_public_pages_enforce_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert_common_headers(response)


def test_personal_pages_enforce_the_strict_policy_and_are_never_stored(client):
    client.force_login(person())
    for path in ("/accounts/profile/", "/accounts/my-data/", "/accounts/email/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == STRICT, path
        assert_common_headers(response)
        assert "no-store" in response["Cache-Control"], path


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/"])
def test_the_admins_allow_inline_code_and_nothing_more(client, settings, path):
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(person("root@example.org", is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == ADMIN
    assert_common_headers(response)


def test_an_admin_redirect_of_the_anonymous_has_the_admin_policy(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert policy(response) == ADMIN


def test_https_responses_carry_hsts_with_the_production_values(client, settings):
    # The values of aslp_site/settings/production.py (tests/ops/test_production_settings.py).
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    secure = client.get(LOGIN, secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # Never over plain HTTP (a browser would ignore it, and it must not pin a test host).
    assert "Strict-Transport-Security" not in client.get(LOGIN)


@pytest.fixture
def behind_one_proxy(settings):
    """The production shape: one reverse proxy, which appends the caller to X-Forwarded-For."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def login_attempt(client, forwarded_for, n):
    return client.post(
        LOGIN,
        {"login": f"someone{n}@example.org", "password": "x" * 12},
        REMOTE_ADDR="10.0.0.2",  # the proxy, the same for everyone
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_login_limit_counts_the_caller_the_proxy_names_not_the_proxy(client, behind_one_proxy):
    for n in range(30):
        assert login_attempt(client, "198.51.100.1", n).status_code == 200, n
    assert login_attempt(client, "198.51.100.1", 30).status_code == 429
    # A forged left-most entry does not make a new caller: the proxy's own entry is the last one.
    assert login_attempt(client, "203.0.113.99, 198.51.100.1", 31).status_code == 429
    # Someone else behind the same proxy is not held back.
    assert login_attempt(Client(), "198.51.100.2", 0).status_code == 200


def test_the_verification_lookup_limit_is_per_caller_behind_the_proxy(client, behind_one_proxy):
    from assessments.views import verify as verify_views

    def lookup(forwarded_for):
        return client.post(
            "/verify/",
            {"serial": "ASLP-2026-000001", "family_name": "Nobody"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for n in range(verify_views.VERIFY_LIMIT):
        assert lookup("198.51.100.1").status_code == 200, n
    assert lookup("198.51.100.1").status_code == 429
    assert lookup("203.0.113.99, 198.51.100.1").status_code == 429
    assert lookup("198.51.100.2").status_code == 200


def test_turning_the_authenticator_app_off_needs_the_password_again(client):
    user = person()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)  # a session, but no recent password confirmation
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Fdeactivate%2F"
    )
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_seeing_new_recovery_codes_needs_the_password_again(client):
    user = person()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=")
    assert not Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
