"""The harness of the route registry and permission matrix (quality items R1 and R2).

``ROLES`` maps each role of the matrix to a function creating a user who holds it (``None`` for
anonymous). Adding a role is one line there; the matrix picks it up for every route. Objects
named in URLs belong to ``OWNER_ROLE``'s user (``Rule.make_sample`` creates them).
"""

from __future__ import annotations

import re._constants as sre_c  # the parser Python's own ``re`` uses; for sample paths
import re._parser as sre_parse
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.utils import translation

from aslp_site.accounts.models import User

from .samples import PROGRAMME_ROLES

PASSWORD = "Sturdy-Passphrase-42"
OWNER_ROLE = "applicant_a"


def verified_user(email: str, **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def cms_editor() -> User:
    """In Wagtail's "Editors" group (from Wagtail's migrations, with admin access), no more."""
    user = verified_user("cms-editor@example.org")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


ROLES: dict[str, Callable[[], User | None]] = {
    "anonymous": lambda: None,
    "applicant_a": lambda: verified_user("applicant-a@example.org"),
    "applicant_b": lambda: verified_user("applicant-b@example.org"),
    "cms_editor": cms_editor,
    "superuser": lambda: verified_user("root@example.org", is_staff=True, is_superuser=True),
}
# Programme roles (participant, coordinators of economies X and Y, reviewer, organizers of
# cohorts X and Y, certificate staff), scoped to the sample world of samples.py.
ROLES.update(PROGRAMME_ROLES)


class Personas(dict):
    """Role name -> user, each created on first use (so a test only pays for what it touches)."""

    def __missing__(self, role_name: str) -> User | None:
        self[role_name] = user = ROLES[role_name]()
        return user


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture(autouse=True)
def _default_language():
    """A request under /ko/ leaves Korean active in the thread; start every test in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def no_staff_mfa(settings):
    """Staff reach the admins without an authenticator app (tested separately)."""
    settings.REQUIRE_STAFF_MFA = False


# -- Sample paths for patterns ----------------------------------------------------------------

# Characters tried, in order, for a character class: plausible in a URL and in most slugs.
_PREFERRED = "x1ya0-_"


def _in_set(char: str, items) -> bool:
    code, negate, found = ord(char), False, False
    for op, arg in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            found |= code == arg
        elif op is sre_c.RANGE:
            found |= arg[0] <= code <= arg[1]
        elif op is sre_c.CATEGORY:
            found |= _in_category(char, arg)
    return found != negate


def _in_category(char: str, category) -> bool:
    name = str(category).lower()
    if "not_" in name:
        return not _in_category(char, str(category).replace("NOT_", ""))
    if "digit" in name:
        return char.isdigit()
    if "word" in name:
        return char.isalnum() or char == "_"
    if "space" in name:
        return char.isspace()
    return False


def _generate(items) -> str:
    out = []
    for op, arg in items:
        if op is sre_c.LITERAL:
            out.append(chr(arg))
        elif op is sre_c.NOT_LITERAL:
            out.append("x" if arg != ord("x") else "y")
        elif op is sre_c.ANY:
            out.append("x")
        elif op is sre_c.IN:
            out.append(next(c for c in _PREFERRED if _in_set(c, arg)))
        elif op is sre_c.CATEGORY:
            out.append(next(c for c in _PREFERRED if _in_category(c, arg)))
        elif op is sre_c.BRANCH:
            out.append(_generate(arg[1][0]))
        elif op is sre_c.SUBPATTERN:
            out.append(_generate(arg[-1]))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            out.append(_generate(sub) * (max(low, 1) if high >= 1 else 0))
        # AT (anchors), lookarounds and the like add no characters.
    return "".join(out)


def sample_path(regex: str, language_prefix: str = "") -> str:
    """A path the pattern matches, with plausible values (int -> 1, slug/str/path -> x)."""
    return "/" + language_prefix + _generate(sre_parse.parse(regex))


# -- Outcomes of a request --------------------------------------------------------------------

LOGIN_PATHS = frozenset({"/accounts/login/", "/ko/accounts/login/"})
PERMISSION_DENIED_MESSAGES = ("do not have permission",)  # Wagtail's permission_denied
MAX_HOPS = 5


@dataclass
class Outcome:
    kind: str  # login, forbidden, not_found, not_allowed, success, redirect, error
    status: int  # of the last response
    chain: list[str] = field(default_factory=list)  # redirects followed
    cache_control: str = ""  # of the last response

    def __str__(self) -> str:
        via = f" after {' -> '.join(self.chain)}" if self.chain else ""
        return f"{self.kind} ({self.status}){via}"

    @property
    def is_denial(self) -> bool:
        """Sent to sign in, refused, or nothing there: what a person without the right gets."""
        return self.kind in {"login", "forbidden", "not_found", "not_allowed"}

    @property
    def is_bounce(self) -> bool:
        """Sent to sign in or refused: what a person with the right must never get."""
        return self.kind in {"login", "forbidden", "error"}


def _denied_by_message(response) -> bool:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return False
    return any(
        needle in str(message)
        for message in get_messages(request)
        for needle in PERMISSION_DENIED_MESSAGES
    )


def outcome(client, method: str, path: str) -> Outcome:
    """Request ``path``; follow same-site redirects until the login page or an answer.

    A redirect chain that reaches the login page is ``login`` (allauth first sends people to
    re-authenticate, which sends the anonymous on to the login; the admins' login aliases send
    them on to allauth's). A redirect carrying Wagtail's "you do not have permission" message,
    or one that ends in 403 (the Django admin's login for a non-staff person), is ``forbidden``.
    Any other redirect is ``redirect``: the request was let through.
    """
    response = getattr(client, method.lower())(path)
    chain: list[str] = []
    while response.status_code in (301, 302, 303, 307, 308):
        if _denied_by_message(response):
            return Outcome("forbidden", response.status_code, chain)
        location = response["Location"]
        chain.append(location)
        parts = urlsplit(location)
        if parts.path in LOGIN_PATHS:
            return Outcome("login", response.status_code, chain)
        if parts.netloc or len(chain) > MAX_HOPS or location in chain[:-1]:
            return Outcome("redirect", response.status_code, chain)
        response = client.get(location)
    status = response.status_code
    cache_control = response.get("Cache-Control", "")
    if status >= 500:
        return Outcome("error", status, chain, cache_control)
    if chain:
        if status == 403:
            return Outcome("forbidden", status, chain, cache_control)
        # Let through and sent on to a page that is not a sign-in page.
        return Outcome("redirect", status, chain, cache_control)
    kind = {403: "forbidden", 404: "not_found", 405: "not_allowed"}.get(status, "success")
    return Outcome(kind, status, chain, cache_control)


def login_as(client, user: User | None) -> None:
    if user is not None:
        client.force_login(user)
