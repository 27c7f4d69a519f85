"""R1: every URL pattern is classified in aslp_site/core/routes.py, and none lets the anonymous in.

Failures list every offending route at once.
"""

import pytest
from django.test import Client

from aslp_site.core.routes import PREFIXES, iter_routes, route_for_path, stale_entries

from .conftest import Personas, outcome, sample_path
from .samples import sample_for

ALL_ROUTES = list(iter_routes())
METHODS = ("GET", "POST")


def describe(route) -> str:
    view = getattr(route.callback, "__module__", "?") + "." + route.callback.__qualname__
    return f"{route.pattern!r}  (name {route.name}, view {view})"


def paths_of(route, personas: Personas) -> list[str]:
    """The paths to try for a route: sample values for its converters, /ko/ too if localized."""
    if route.rule is not None and route.rule.has_sample:
        return [sample_for(route.rule, personas)]
    languages = ("", "ko/") if route.localized else ("",)
    return [sample_path(route.regex, language) for language in languages]


def test_every_route_is_classified():
    missing = [describe(route) for route in ALL_ROUTES if route.rule is None]
    assert not missing, (
        f"{len(missing)} route(s) not classified; add a line per route to "
        "aslp_site/core/routes.py (ROUTES, or PREFIXES for a third-party tree):\n  "
        + "\n  ".join(missing)
    )


def test_every_registry_entry_matches_a_route():
    stale = stale_entries(ALL_ROUTES)
    assert not stale, (
        "Registry entries in aslp_site/core/routes.py that match no URL pattern any more "
        "(renamed or removed routes?):\n  " + "\n  ".join(stale)
    )


def test_prefix_samples_are_served_by_their_prefix():
    problems = []
    for prefix, rule in PREFIXES.items():
        assert rule.samples, f"prefix {prefix!r} names no samples for the permission matrix"
        for sample in rule.samples:
            route = route_for_path(sample)
            if route is None:
                problems.append(f"{sample}: no pattern serves it")
            elif route.rule is not rule:
                problems.append(f"{sample}: served by {route.pattern!r}, not by {prefix!r}")
    assert not problems, "\n".join(problems)


def test_sample_paths_reach_their_own_pattern():
    """The sample values fill each pattern so that the request reaches that pattern's view."""
    first_of = {}
    for route in ALL_ROUTES:
        first_of.setdefault(route.resolver_route, route)
    problems = []
    for route in ALL_ROUTES:
        if first_of[route.resolver_route] is not route:
            continue  # a duplicate pattern, shadowed by the first (``admin/login/``)
        path = sample_path(route.regex)
        served_by = route_for_path(path)
        if served_by is None or served_by.pattern != route.pattern:
            problems.append(f"{path} -> {served_by and served_by.pattern!r}, not {route.pattern!r}")
    # A pattern that no concrete path reaches (shadowed by an earlier one) is tested through
    # the pattern that shadows it; list them here when that is intended.
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
def test_anonymous_is_sent_to_sign_in_or_refused(method):
    """Every route that is not public (unclassified ones included) keeps the anonymous out."""
    personas = Personas()
    problems, tried = [], 0
    for route in ALL_ROUTES:
        if route.rule is not None and route.rule.is_public:
            continue
        for path in paths_of(route, personas):
            tried += 1
            result = outcome(Client(), method, path)
            if not result.is_denial:
                problems.append(f"{method} {path}: {result}  [{describe(route)}]")
    assert tried > 100  # the Wagtail admin alone has hundreds
    assert not problems, (
        f"{len(problems)} non-public route(s) answer an anonymous {method} with something other "
        "than the login page, 403, 404 or 405:\n  " + "\n  ".join(problems)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
def test_public_routes_answer_the_anonymous_without_a_server_error(method):
    personas = Personas()
    problems = []
    for route in ALL_ROUTES:
        if route.rule is None or not route.rule.is_public:
            continue
        for path in paths_of(route, personas):
            result = outcome(Client(), method, path)
            if result.kind == "error":
                problems.append(f"{method} {path}: {result}  [{describe(route)}]")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/admin/login/?next=/admin/", "/django-admin/login/", "/ko/accounts/2fa/totp/activate/"],
)
def test_admin_logins_and_reauthentication_lead_to_allauths_login(client, path):
    result = outcome(client, "GET", path)
    assert result.kind == "login", result
    assert "next=" in result.chain[-1]
