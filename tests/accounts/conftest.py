import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from aslp_site.accounts.models import User

PASSWORD = "Sturdy-Passphrase-42"


def totp_code(secret: str) -> str:
    """The code an authenticator app would show now for this secret (RFC 6238, 30 s steps).

    Close to the end of a step the next one is awaited, so that the code is still the server's
    current one when the form reaches it (a busy machine can take a few seconds).
    """
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


@pytest.fixture
def make_user(db):
    def make(email="person@example.org", *, verified=True, password=PASSWORD, **extra):
        user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def with_totp():
    """Give a user an authenticator app; returns the secret."""

    def activate(user) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return activate


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
