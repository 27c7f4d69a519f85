"""The route registry (quality item R1): who may reach each URL of the site, in one place.

Every URL pattern of the project is classified here as one of

* ``PUBLIC``: anyone, signed in or not (the public site, sign-in and sign-up, health checks);
* ``SIGNED_IN``: any signed-in person, acting on their own account only (profile, e-mail,
  password, authenticator app);
* ``role(...)``: people holding a role or permission, described in words and tested by a
  predicate on the user (the Wagtail admin, the Django admin, later the programme roles);
* ``object_owner(...)``: the person who owns the object named in the URL (an application, a
  submission); anyone else gets 404, so the object's existence is not revealed.

**Keys.** A route is keyed by its full pattern string without the language prefix: the
``str(pattern)`` of every resolver on the way down joined together, with ``i18n_patterns``'
``LocalePrefixPattern`` left out (so ``accounts/login/`` stands for both ``/accounts/login/`` and
``/ko/accounts/login/``). Regular-expression patterns keep their regex text as Django prints it
(``accounts/^confirm-email/(?P<key>[-:\\w]+)/$``). Pattern strings were chosen over URL names
because names are neither present nor unique everywhere: the Wagtail and Django admins have
unnamed catch-alls and redirects, and names such as ``index`` repeat across namespaces. The
pattern is also what a visitor types, so a shadowed or duplicated route shows up here as such.

**Adding a route.** One line in ``ROUTES``: ``"cohorts/<int:pk>/apply/": SIGNED_IN,``. Big
third-party trees are classified by prefix in ``PREFIXES`` (the Wagtail admin under ``admin/``,
the Django admin under ``django-admin/``); an exact entry in ``ROUTES`` wins over a prefix, and
the longest matching prefix wins over a shorter one. A prefix rule names a few ``samples``
(concrete URLs) that the permission matrix tries with every role instead of each of the
hundreds of patterns underneath.

**Tests.** ``tests/security/test_route_registry.py`` fails on a pattern that is not classified
and on a registry entry that no longer matches any pattern, and checks that an anonymous GET and
POST to every non-public route is sent to the login page or answered 403/404/405.
``tests/security/test_permission_matrix.py`` tries every non-public route with every role of
``tests/security/conftest.py`` and both methods, and compares the outcome with ``Rule.permits``.
Use :func:`iter_routes` to walk the URL table with each route's classification.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation


class Access(enum.StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed-in"
    ROLE = "role"
    OBJECT_OWNER = "object-owner"


def _nobody(user) -> bool:
    return False


@dataclass(frozen=True)
class Rule:
    """How one route (or one prefix of routes) may be reached."""

    access: Access
    # ROLE and OBJECT_OWNER: the role or permission in words, for people reading the registry.
    who: str = ""
    # ROLE: does this (signed-in, active) user hold the role? OBJECT_OWNER: who may open
    # *another* person's object as well (staff of the object's cohort, say); default nobody.
    allows: Callable[[Any], bool] = _nobody
    # Prefix rules: concrete paths the permission matrix tries for the whole prefix.
    samples: tuple[str, ...] = ()
    # Routes whose URL names an object: given the test personas (a mapping of role name to
    # user), create an object owned by ``personas["applicant_a"]`` (or one in cohort X, for
    # cohort-scoped roles) and return its path. Without it, path converters get dummy values.
    make_sample: Callable[[Mapping[str, Any]], str] | None = None
    note: str = ""
    # Programme routes: a path template naming objects of the test harness's sample world
    # (``/manage/{cohort}/applications/{application}/``), filled in by tests/security.
    sample: str = ""

    @property
    def has_sample(self) -> bool:
        return self.make_sample is not None or bool(self.sample)

    @property
    def is_public(self) -> bool:
        return self.access is Access.PUBLIC

    def permits(self, user, *, is_owner: bool = False) -> bool:
        """Whether ``user`` (None or an anonymous user for nobody signed in) may use the route."""
        if self.access is Access.PUBLIC:
            return True
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if self.access is Access.SIGNED_IN:
            return True
        if self.access is Access.OBJECT_OWNER and is_owner:
            return True
        return bool(self.allows(user))


PUBLIC = Rule(Access.PUBLIC)
SIGNED_IN = Rule(Access.SIGNED_IN)


def role(
    who: str,
    allows: Callable[[Any], bool],
    *,
    samples: tuple[str, ...] = (),
    make_sample: Callable[[Mapping[str, Any]], str] | None = None,
    sample: str = "",
    note: str = "",
) -> Rule:
    return Rule(Access.ROLE, who, allows, samples, make_sample, note, sample)


def object_owner(
    who: str,
    make_sample: Callable[[Mapping[str, Any]], str] | None = None,
    *,
    also: Callable[[Any], bool] = _nobody,
    sample: str = "",
    note: str = "",
) -> Rule:
    return Rule(Access.OBJECT_OWNER, who, also, (), make_sample, note, sample)


def signed_in(sample: str) -> Rule:
    """A signed-in route acting on the caller's own data, tried on a sample path."""
    return Rule(Access.SIGNED_IN, sample=sample)


# -- Role predicates -------------------------------------------------------------------------


def has_perm(*perms: str) -> Callable[[Any], bool]:
    """The user holds every one of ``perms`` (superusers hold all)."""

    def check(user) -> bool:
        return user.has_perms(perms)

    check.__name__ = f"has_perm({', '.join(perms)})"
    return check


def is_superuser(user) -> bool:
    return bool(user.is_superuser)


def can_manage_users(user) -> bool:
    """Wagtail's users index asks for any of add/change/delete on the user model."""
    opts = get_user_model()._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("add", "change", "delete")
    )


def can_manage_groups(user) -> bool:
    return any(user.has_perm(f"auth.{action}_group") for action in ("add", "change", "delete"))


WAGTAIL_ADMIN = role(
    "Wagtail admin access (wagtailadmin.access_admin: the Editors group, organizers, "
    "certificate staff, superusers)",
    has_perm("wagtailadmin.access_admin"),
    samples=("/admin/",),
    note="everything Wagtail decorates with require_admin_access; finer permissions inside",
)


def edits_cms_content(user) -> bool:
    """A group of the person holds page or collection (image, document) permissions."""
    if user.is_superuser:
        return True
    return user.groups.filter(
        models.Q(page_permissions__isnull=False) | models.Q(collection_permissions__isnull=False)
    ).exists()


CMS_CONTENT = role(
    "CMS editor (a group with page or collection permissions) or superuser",
    edits_cms_content,
    samples=("/admin/pages/", "/admin/images/", "/admin/documents/"),
    note="programme staff reach the admin home but not the site's pages, images or documents",
)
WAGTAIL_USERS = role(
    "Wagtail user management (add, change or delete users)",
    can_manage_users,
    samples=("/admin/users/",),
    note="denied people are redirected to the admin home with a message",
)
WAGTAIL_GROUPS = role(
    "Wagtail group management (add, change or delete groups)",
    can_manage_groups,
    samples=("/admin/groups/",),
)
DJANGO_ADMIN = role(
    "superuser (the Django admin is a back door for superusers only)",
    is_superuser,
    samples=("/django-admin/", "/django-admin/auth/group/", "/django-admin/mfa/authenticator/"),
    note="Django itself admits any is_staff user; no role but superuser is given is_staff",
)


# -- Programme roles (cohorts/permissions.py holds the checks) -------------------------------
# The permission matrix builds a sample world (tests/security/samples.py): cohort X
# (``SAMPLE_COHORT``) with applicant A's submitted application from economy X
# (``SAMPLE_ECONOMY``), cohort Y, and one person for each programme role. The predicates below
# say which of them may use a route whose sample path names that world's objects.

SAMPLE_COHORT = "cohort-x"
SAMPLE_ECONOMY = "ROK"


def _sample_cohort():
    from cohorts.models import Cohort

    return Cohort.objects.get(slug=SAMPLE_COHORT)


def _sample_application():
    from cohorts.models import Application

    return Application.objects.get(cohort__slug=SAMPLE_COHORT, economy__code=SAMPLE_ECONOMY)


def organizes_some_cohort(user) -> bool:
    from cohorts.permissions import is_organizer

    return is_organizer(user)


def organizes_sample_cohort(user) -> bool:
    from cohorts.permissions import is_organizer

    return is_organizer(user, _sample_cohort())


def coordinates_somewhere(user) -> bool:
    from cohorts.permissions import is_coordinator

    return is_coordinator(user)


def coordinates_in_sample_cohort(user) -> bool:
    from cohorts.permissions import coordinated_economies

    return bool(coordinated_economies(user, _sample_cohort()))


def coordinates_sample_economy(user) -> bool:
    from cohorts.permissions import coordinated_economies

    return any(e.code == SAMPLE_ECONOMY for e in coordinated_economies(user, _sample_cohort()))


def reviews_somewhere(user) -> bool:
    from cohorts.permissions import is_reviewer

    return is_reviewer(user)


def reviews_sample_application(user) -> bool:
    from cohorts.permissions import reviewer_assignments

    return reviewer_assignments(user).filter(application=_sample_application()).exists()


def may_see_sample_application(user) -> bool:
    from cohorts.permissions import can_view_application

    return can_view_application(user, _sample_application())


ORGANIZER_HOME = role("organizer of some cohort (superusers: every cohort)", organizes_some_cohort)


def alumni_or_staff(user) -> bool:
    from cohorts.alumni import may_see_directory

    return may_see_directory(user)


def is_alumnus(user) -> bool:
    from cohorts.alumni import is_alumnus as check

    return check(user)


def _person_to_erase(personas) -> str:
    """The erasure page of a person made for the matrix (the page asks for a reason first)."""
    from aslp_site.accounts.models import User

    person = User.objects.filter(email="to-erase@example.org").first()
    if person is None:
        person = User.objects.create_user(email="to-erase@example.org", password=None)
    return f"/admin/personal-data/{person.pk}/erase/"


def organizer_route(sample: str) -> Rule:
    return role(
        "organizer of the cohort in the URL; other cohorts answer 404",
        organizes_sample_cohort,
        sample=sample,
    )


def coordinator_route(sample: str, *, same_economy: bool = False) -> Rule:
    if same_economy:
        return role(
            "coordinator of the application's economy; other economies answer 404",
            coordinates_sample_economy,
            sample=sample,
        )
    return role(
        "coordinator of some economy in the cohort in the URL",
        coordinates_in_sample_cohort,
        sample=sample,
    )


def reviewer_route(sample: str) -> Rule:
    return role(
        "the reviewer the review is assigned to; other reviews answer 404",
        reviews_sample_application,
        sample=sample,
    )


# -- The registry ----------------------------------------------------------------------------

ROUTES: dict[str, Rule] = {
    # Site plumbing (aslp_site/core)
    "robots.txt": PUBLIC,
    "sitemap.xml": PUBLIC,
    "health/": PUBLIC,
    "health/live/": PUBLIC,
    "i18n/setlang/": PUBLIC,  # sets the language cookie and redirects
    "jsi18n/": PUBLIC,  # the JavaScript translation catalogue
    # Public site (aslp_site/public); the news feed is a routable-page route under the catch-all
    "search/": PUBLIC,
    # Wagtail pages: the catch-all. Pages with a view restriction enforce it themselves.
    "^((?:[\\w\\-]+/)*)$": PUBLIC,
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": PUBLIC,
    # Wagtail's own front-end sign-in for private pages and documents (django.contrib.auth's
    # LoginView). KNOWN PROBLEM: it signs in with the password alone, without allauth's MFA
    # stage and rate limits (xfail test in tests/security/test_permission_matrix.py).
    "_util/login/": PUBLIC,
    # Wagtail documents: served to anyone when the collection is public; a collection with a
    # view restriction sends people to sign in or to the password form.
    "documents/^(\\d+)/(.*)$": PUBLIC,
    "documents/authenticate_with_password/<int:restriction_id>/": PUBLIC,
    # Cohorts: public calls and past cohorts; invitation-letter verification (the code is typed)
    "cohorts/": PUBLIC,
    "cohorts/<slug:slug>/": PUBLIC,
    "letters/verify/": PUBLIC,
    # Cohorts: an applicant's own application (no object id: the cohort and the caller pick it)
    "applications/": SIGNED_IN,
    "apply/<slug:slug>/": signed_in("/apply/{cohort}/"),
    "apply/<slug:slug>/autosave/": signed_in("/apply/{cohort}/autosave/"),
    "apply/<slug:slug>/upload/": signed_in("/apply/{cohort}/upload/"),
    "apply/<slug:slug>/withdraw/": signed_in("/apply/{cohort}/withdraw/"),
    "apply/<slug:slug>/status/": signed_in("/apply/{cohort}/status/"),
    "apply/<slug:slug>/offer/": signed_in("/apply/{cohort}/offer/"),
    "apply/<slug:slug>/logistics/": signed_in("/apply/{cohort}/logistics/"),
    "apply/<slug:slug>/invitation-letter/": signed_in("/apply/{cohort}/invitation-letter/"),
    "nominations/<str:token>/": signed_in("/nominations/{nomination}/"),  # the token is the key
    "application-files/<int:pk>/": object_owner(
        "the applicant; also the cohort's organizers, the economy's coordinators and the "
        "application's reviewers",
        also=may_see_sample_application,
        sample="/application-files/{file}/",
    ),
    # Cohorts: economy coordinators
    "coordinate/": role("coordinator of some economy", coordinates_somewhere),
    "coordinate/<slug:slug>/": coordinator_route("/coordinate/{cohort}/"),
    "coordinate/<slug:slug>/<int:pk>/": coordinator_route(
        "/coordinate/{cohort}/{application}/", same_economy=True
    ),
    "coordinate/<slug:slug>/rank/": coordinator_route("/coordinate/{cohort}/rank/"),
    "coordinate/<slug:slug>/nominate/": coordinator_route("/coordinate/{cohort}/nominate/"),
    # Cohorts: reviewers
    "review/": role("reviewer in some cohort", reviews_somewhere),
    "review/<int:pk>/": reviewer_route("/review/{review}/"),
    "review/<int:pk>/conflict/": reviewer_route("/review/{review}/conflict/"),
    # Cohorts: organizers
    "manage/": ORGANIZER_HOME,
    "manage/<slug:slug>/": organizer_route("/manage/{cohort}/"),
    "manage/<slug:slug>/applications/": organizer_route("/manage/{cohort}/applications/"),
    "manage/<slug:slug>/applications/<int:pk>/": organizer_route(
        "/manage/{cohort}/applications/{application}/"
    ),
    "manage/<slug:slug>/applications/<int:pk>/reviewers/": organizer_route(
        "/manage/{cohort}/applications/{application}/reviewers/"
    ),
    "manage/<slug:slug>/assign-reviewers/": organizer_route("/manage/{cohort}/assign-reviewers/"),
    "manage/<slug:slug>/export/<str:what>/": organizer_route(
        "/manage/{cohort}/export/applications/"
    ),
    # Accounts (aslp_site/accounts)
    "accounts/profile/": SIGNED_IN,
    "accounts/my-data/": SIGNED_IN,  # one's own data only
    # Cohorts: the opt-in alumni directory (cohorts/alumni.py); others answer 404
    "alumni/": role(
        "alumni (confirmed participants of a finished cohort), organizers of some cohort and "
        "superusers; others 404",
        alumni_or_staff,
    ),
    "alumni/me/": role(
        "alumni (confirmed participants of a finished cohort); others 404", is_alumnus
    ),
    "admin/personal-data/": role(
        "superuser (erasing a person's data)", is_superuser, sample="/admin/personal-data/"
    ),
    "admin/personal-data/<int:pk>/erase/": role(
        "superuser (erasing a person's data)",
        is_superuser,
        make_sample=_person_to_erase,
    ),
    # allauth: sign-in, sign-up and recovery are public by design
    "accounts/login/": PUBLIC,
    "accounts/logout/": PUBLIC,  # only ever ends the caller's own session
    "accounts/inactive/": PUBLIC,
    "accounts/signup/": PUBLIC,
    "accounts/confirm-email/": PUBLIC,  # "we have sent you an e-mail"
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": PUBLIC,  # the key is the credential
    "accounts/password/reset/": PUBLIC,
    "accounts/password/reset/done/": PUBLIC,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": PUBLIC,
    "accounts/password/reset/key/done/": PUBLIC,
    # Steps of a sign-in in progress; without one they send people back to the login page.
    "accounts/login/code/confirm/": PUBLIC,
    "accounts/2fa/authenticate/": PUBLIC,
    # allauth: the signed-in person's own account
    "accounts/reauthenticate/": SIGNED_IN,
    "accounts/email/": SIGNED_IN,
    "accounts/password/change/": SIGNED_IN,
    "accounts/password/set/": SIGNED_IN,
    "accounts/2fa/": SIGNED_IN,
    "accounts/2fa/reauthenticate/": SIGNED_IN,
    "accounts/2fa/totp/activate/": SIGNED_IN,
    "accounts/2fa/totp/deactivate/": SIGNED_IN,
    "accounts/2fa/recovery-codes/": SIGNED_IN,
    "accounts/2fa/recovery-codes/generate/": SIGNED_IN,
    "accounts/2fa/recovery-codes/download/": SIGNED_IN,
    # Wagtail admin: the few routes outside require_admin_access
    "admin/login/": PUBLIC,  # ours redirects to allauth's login; it shadows Wagtail's own form
    "admin/sprite/": PUBLIC,  # the icon sprite
    "admin/jsi18n/": PUBLIC,
    # Wagtail's password reset is switched off (WAGTAIL_PASSWORD_RESET_ENABLED): 404
    "admin/password_reset/": PUBLIC,
    "admin/password_reset/done/": PUBLIC,
    "admin/password_reset/confirm/<uidb64>/<token>/": PUBLIC,
    "admin/password_reset/complete/": PUBLIC,
    # Django admin: its login is wrapped by allauth's secure_admin_login (aslp_site/urls.py)
    "django-admin/login/": PUBLIC,
}

# The training stages and the assessments keep their part of the registry beside their URLs
# (one module per area).
# Imported here, at the end of the registry, because those modules use the rules above.
from assessments.routes import ROUTES as _ASSESSMENT_ROUTES  # noqa: E402
from trainings.routes import ROUTES as _TRAINING_ROUTES  # noqa: E402

ROUTES.update(_TRAINING_ROUTES)
ROUTES.update(_ASSESSMENT_ROUTES)

PREFIXES: dict[str, Rule] = {
    "admin/": WAGTAIL_ADMIN,
    "admin/pages/": CMS_CONTENT,
    "admin/images/": CMS_CONTENT,
    "admin/documents/": CMS_CONTENT,
    "admin/users/": WAGTAIL_USERS,
    "admin/groups/": WAGTAIL_GROUPS,
    "django-admin/": DJANGO_ADMIN,
}


def classify(pattern: str) -> Rule | None:
    """The rule for a pattern string: its exact entry, else its longest prefix, else None."""
    if pattern in ROUTES:
        return ROUTES[pattern]
    matches = [prefix for prefix in PREFIXES if pattern.startswith(prefix)]
    if not matches:
        return None
    return PREFIXES[max(matches, key=len)]


class Route(NamedTuple):
    pattern: str  # full pattern string without the language prefix: the registry key
    name: str | None  # URL name with its namespaces ("wagtailadmin_pages:edit"), if any
    callback: Callable
    rule: Rule | None  # None: not classified
    localized: bool  # under i18n_patterns (also served under /ko/)
    regex: str  # the parts' regular expressions joined (anchors included), for sample URLs
    resolver_route: str  # as ResolverMatch.route spells it (inner leading "^" dropped)


def _resolver_route(parts: list[str]) -> str:
    """Join pattern strings the way Django builds ``ResolverMatch.route`` (innermost first)."""
    route = ""
    for part in reversed(parts):
        route = URLResolver._join_route(part, route) if route else part
    return route


def _walk(patterns, parts: list[str], regex: str, namespace: str, localized: bool):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            is_locale = isinstance(entry.pattern, LocalePrefixPattern)
            part = "" if is_locale else str(entry.pattern)
            part_regex = "" if is_locale else entry.pattern.regex.pattern
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(
                entry.url_patterns,
                [*parts, part],
                regex + part_regex,
                inner,
                localized or is_locale,
            )
        elif isinstance(entry, URLPattern):
            full = "".join(parts) + str(entry.pattern)
            yield Route(
                pattern=full,
                name=f"{namespace}{entry.name}" if entry.name else None,
                callback=entry.callback,
                rule=classify(full),
                localized=localized,
                regex=regex + entry.pattern.regex.pattern,
                resolver_route=_resolver_route([*parts, str(entry.pattern)]),
            )


def iter_routes(urlconf: str | None = None) -> Iterator[Route]:
    """Every URL pattern of the project with its classification (None when unclassified)."""
    yield from _walk(get_resolver(urlconf).url_patterns, [], "", "", False)


def route_for_path(path: str, urlconf: str | None = None) -> Route | None:
    """The registry's view of the pattern that serves ``path`` (None when nothing does)."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):  # i18n_patterns match the active language only
            match = resolve(path, urlconf)
    except Resolver404:
        return None
    for route in iter_routes(urlconf):
        if route.resolver_route == match.route:
            return route
    return None


def reserved_top_level_slugs(urlconf: str | None = None) -> frozenset[str]:
    """The first path segments the project's own URLs use (``cohorts``, ``my-programme``,
    ``admin``...): a page at the top of the site with one of these slugs would never be reached,
    or would hide those URLs."""
    reserved = set()
    for route in iter_routes(urlconf):
        if route.pattern.startswith("^"):
            continue  # Wagtail's page catch-all
        first = route.pattern.split("/", 1)[0]
        if first and "<" not in first:
            reserved.add(first)
    return frozenset(reserved)


def stale_entries(routes: list[Route] | None = None) -> list[str]:
    """Registry keys (exact routes and prefixes) that match no pattern any more."""
    patterns = {route.pattern for route in (routes if routes is not None else iter_routes())}
    stale = [key for key in ROUTES if key not in patterns]
    stale += [
        prefix
        for prefix in PREFIXES
        if not any(p.startswith(prefix) and p not in ROUTES for p in patterns)
    ]
    return stale
