"""R2: every non-public route x every role x GET/POST gets the answer the registry allows.

A role the registry allows must not be sent to sign in, refused (403 or Wagtail's "no
permission" redirect) or answered with a server error. A role it denies must be sent to sign
in or answered 403/404/405, never 200 and never 5xx; on an object-owner route a signed-in
person who does not own the object must get 404, so its existence is not revealed.

Routes are tried once per rule where a rule covers a whole tree (the admins' ``samples``), and
once per pattern otherwise. Staff MFA is switched off here (``no_staff_mfa``) and tested on its
own below.
"""

from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import path as url_path

from aslp_site import urls as project_urls
from aslp_site.core.routes import Access, Rule, iter_routes, object_owner, route_for_path

from .conftest import OWNER_ROLE, PASSWORD, ROLES, Personas, login_as, outcome, sample_path
from .samples import sample_for

METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Target:
    label: str  # the pattern, or the sample path of a prefix rule
    rule: Rule
    path: str | None  # None: the rule's sample (samples.py) builds it

    def path_for(self, personas: Personas) -> str:
        return self.path if self.path is not None else sample_for(self.rule, personas)


def matrix_targets() -> list[Target]:
    targets, seen_rules = [], set()
    for route in iter_routes():
        rule = route.rule
        if rule is None or rule.is_public:
            continue  # unclassified routes fail test_route_registry
        if rule.samples:
            if id(rule) not in seen_rules:
                seen_rules.add(id(rule))
                targets += [Target(sample, rule, sample) for sample in rule.samples]
            continue
        path = None if rule.has_sample else sample_path(route.regex)
        targets.append(Target(route.pattern, rule, path))
    return targets


TARGETS = matrix_targets()


def check(client, personas: Personas, target: Target, role_name: str, method: str) -> str | None:
    """None when the outcome matches the registry, else what went wrong."""
    user = personas[role_name]
    path = target.path_for(personas)  # creates the owner's object first, if any
    is_owner = user is not None and user == personas.get(OWNER_ROLE)
    allowed = target.rule.permits(user, is_owner=is_owner)
    login_as(client, user)
    result = outcome(client, method, path)
    if allowed and result.is_bounce:
        return f"{role_name} may {method} {path} ({target.rule.access}) but got {result}"
    names_real_object = target.path is None and target.rule.access in (
        Access.ROLE,
        Access.OBJECT_OWNER,
    )
    if allowed and names_real_object and result.kind == "not_found":
        return f"{role_name} may {method} {path}, an existing object, but got {result}"
    if user is not None and result.kind == "success" and "no-store" not in result.cache_control:
        # R3: nothing served to a signed-in person may be kept by a browser or proxy cache.
        return f"{role_name} got {path} with Cache-Control {result.cache_control!r}: no no-store"
    if not allowed:
        if not result.is_denial:
            return f"{role_name} may not {method} {path} but got {result}"
        hides_object = target.rule.access is Access.OBJECT_OWNER and user is not None
        if hides_object and result.kind != "not_found":
            return f"{role_name} got {result} for {path}, another owner's object: must be 404"
    return None


@pytest.mark.django_db
@pytest.mark.usefixtures("no_staff_mfa")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role_name", list(ROLES))
@pytest.mark.parametrize("target", TARGETS, ids=[t.label for t in TARGETS])
def test_matrix(client, personas, target, role_name, method):
    problem = check(client, personas, target, role_name, method)
    assert problem is None, problem


def test_matrix_covers_every_role_and_the_admins():
    labels = {target.label for target in TARGETS}
    assert {"/admin/", "/admin/users/", "/django-admin/"} <= labels
    assert {"anonymous", "applicant_a", "applicant_b", "cms_editor", "superuser"} <= set(ROLES)
    for target in TARGETS:
        if target.path is not None:
            route = route_for_path(target.path)
            assert route is not None and route.rule is target.rule, target


# -- Staff MFA and role removal ----------------------------------------------------------------


@pytest.mark.django_db
def test_superuser_without_an_authenticator_is_sent_to_set_one_up(client, personas, settings):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(personas["superuser"])
    for path in ("/admin/", "/django-admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path


@pytest.mark.django_db
@pytest.mark.usefixtures("no_staff_mfa")
def test_a_removed_role_stops_working_on_the_next_request(client, personas):
    editor = personas["cms_editor"]
    client.force_login(editor)
    assert outcome(client, "GET", "/admin/").kind == "success"
    editor.groups.remove(Group.objects.get(name="Editors"))
    result = outcome(client, "GET", "/admin/")
    assert result.is_denial, result
    # Staying signed in is fine; the admin is what is gone.
    assert outcome(client, "GET", "/accounts/profile/").kind == "success"


@pytest.mark.django_db
@pytest.mark.usefixtures("no_staff_mfa")
def test_a_deactivated_account_stops_working_on_the_next_request(client, personas):
    superuser = personas["superuser"]
    client.force_login(superuser)
    assert outcome(client, "GET", "/django-admin/").kind == "success"
    superuser.is_active = False
    superuser.save(update_fields=["is_active"])
    for path in ("/django-admin/", "/admin/", "/accounts/profile/"):
        result = outcome(client, "GET", path)
        assert result.is_denial, (path, result)


# -- Problems found by the harness, fixed; these keep them fixed ------------------------------


@pytest.mark.django_db
def test_no_password_form_outside_allauth_signs_staff_in(client, personas):
    superuser = personas["superuser"]
    TOTP.activate(superuser, generate_totp_secret())
    client.post("/_util/login/", {"username": superuser.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert outcome(client, "GET", "/django-admin/").is_denial


@pytest.mark.django_db
def test_signed_in_person_without_admin_access_is_not_sent_round_in_circles(client, personas):
    client.force_login(personas["applicant_a"])
    response = client.get("/admin/", follow=True)  # raises RedirectCycleError on a loop
    assert response.status_code in (200, 403)


# -- The harness checks itself on a throw-away URL table --------------------------------------
# Throw-away views check that the object-owner branch catches a leak and a telling 403.


def owned_view(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != pk and not request.user.is_superuser:  # the rule's "also"
        raise Http404
    return HttpResponse("yours")


def leaky_view(request, pk):
    """Forgets the owner check: any signed-in person sees the object."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return HttpResponse("anyone's")


def telling_view(request, pk):
    """Refuses with 403, which tells a stranger that the object exists."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return HttpResponse("yours" if request.user.pk == pk else "not yours", status=403)


# The project's URL table plus three test views (i18n_patterns must stay at the top level).
urlpatterns = [
    url_path("owned/<int:pk>/", owned_view),
    url_path("leaky/<int:pk>/", leaky_view),
    url_path("telling/<int:pk>/", telling_view),
    *project_urls.urlpatterns,
]


def owned_by_owner(view: str) -> Rule:
    return object_owner(
        f"the owner of the thing ({view})",
        lambda personas: f"/{view}/{personas[OWNER_ROLE].pk}/",
        also=lambda user: user.is_superuser,
    )


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.usefixtures("no_staff_mfa")
def test_harness_object_owner_rules():
    problems, personas = {}, Personas()
    for view in ("owned", "leaky", "telling"):
        target = Target(view, owned_by_owner(view), None)
        problems[view] = {
            role_name: check(Client(), personas, target, role_name, "GET") for role_name in ROLES
        }
    assert all(problem is None for problem in problems["owned"].values()), problems["owned"]
    assert problems["leaky"]["applicant_b"] and "got success" in problems["leaky"]["applicant_b"]
    assert problems["leaky"]["cms_editor"]
    assert problems["leaky"]["applicant_a"] is None
    assert problems["leaky"]["superuser"] is None
    assert (
        problems["telling"]["applicant_b"] and "must be 404" in problems["telling"]["applicant_b"]
    )
    assert problems["telling"]["anonymous"] is None
