"""Programme roles: given and removed in the admin (scoped to the organizer's cohorts, audited),
the admin access they bring (from the role backend, on the next request), and the second factor
programme staff must set up."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from wagtail.models import ModelLogEntry

from aslp_site.accounts.models import User
from cohorts.backends import ProgrammeRoleBackend
from cohorts.models import Role, RoleGrant
from tests.cohorts import factories

pytestmark = pytest.mark.django_db

ROLES = "/admin/programme/roles/"
ACTIVATE_TOTP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def world():
    x = factories.cohort("cohort-x", title="Cohort X 2026")
    y = factories.cohort("cohort-y", title="Cohort Y 2026")
    organizer = factories.user("organizer-x@example.org")
    factories.grant(organizer, Role.ORGANIZER, x)
    candidate = factories.user("Reviewer.Kim@example.org")
    return {"x": x, "y": y, "organizer": organizer, "candidate": candidate}


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@example.org", password=factories.PASSWORD)


def grant_data(email, role, cohort, economy_code=None):
    return {
        "user": email,
        "role": role,
        "cohort": cohort.pk if cohort else "",
        "economy": factories.economy(economy_code).pk if economy_code else "",
    }


def entries(action):
    return list(
        ModelLogEntry.objects.filter(action=action, content_type__model="rolegrant").order_by("pk")
    )


# -- Organizers give roles in their own cohorts -------------------------------------------------


def test_organizer_grants_a_reviewer_role_in_their_cohort(client, world):
    client.force_login(world["organizer"])
    assert client.get(f"{ROLES}new/").status_code == 200

    # The address is matched whatever its case.
    response = client.post(
        f"{ROLES}new/",
        grant_data("reviewer.kim@EXAMPLE.org", Role.REVIEWER, world["x"], "THA"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get(user=world["candidate"])
    assert (grant.role, grant.cohort, grant.economy.code) == (Role.REVIEWER, world["x"], "THA")
    [entry] = entries("cohorts.role_grant")
    assert entry.object_id == str(grant.pk)
    assert entry.user == world["organizer"]
    assert entry.data == {
        "after": {
            "person": "Reviewer.Kim@example.org",
            "role": "reviewer",
            "cohort": "cohort-x",
            "economy": "THA",
        }
    }
    # Instead of Wagtail's generic entry, not in addition to it.
    assert not ModelLogEntry.objects.filter(action="wagtail.create").exists()


def test_organizer_cannot_grant_organizer_or_certificate_roles(client, world):
    client.force_login(world["organizer"])
    form = client.get(f"{ROLES}new/").content.decode()
    assert 'value="organizer"' not in form
    assert 'value="certificate_staff"' not in form
    for role in (Role.ORGANIZER, Role.CERTIFICATE_STAFF):
        response = client.post(
            f"{ROLES}new/", grant_data("reviewer.kim@example.org", role, world["x"])
        )
        assert response.status_code == 200
        assert f"Select a valid choice. {role} is not one of the available choices." in (
            response.content.decode()
        )
    assert not RoleGrant.objects.filter(user=world["candidate"]).exists()
    assert entries("cohorts.role_grant") == []


def test_organizer_cannot_grant_roles_in_another_cohort_or_every_cohort(client, world):
    client.force_login(world["organizer"])
    form = client.get(f"{ROLES}new/").content.decode()
    assert "Cohort Y 2026" not in form
    other = client.post(
        f"{ROLES}new/", grant_data("reviewer.kim@example.org", Role.REVIEWER, world["y"], "THA")
    )
    assert other.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in (
        other.content.decode()
    )
    every = client.post(
        f"{ROLES}new/", grant_data("reviewer.kim@example.org", Role.COORDINATOR, None, "THA")
    )
    assert every.status_code == 200
    assert "This field is required." in every.content.decode()
    assert not RoleGrant.objects.filter(user=world["candidate"]).exists()


def test_role_form_errors_are_clear_and_keep_the_input(client, world):
    client.force_login(world["organizer"])
    unknown = client.post(
        f"{ROLES}new/", grant_data("nobody@example.org", Role.REVIEWER, world["x"])
    )
    html = unknown.content.decode()
    assert "No active account uses this e-mail address." in html
    assert 'value="nobody@example.org"' in html

    nul = client.post(f"{ROLES}new/", grant_data("a\x00b@example.org", Role.REVIEWER, world["x"]))
    assert nul.status_code == 200
    assert "No active account uses this e-mail address." in nul.content.decode()

    coordinator = client.post(
        f"{ROLES}new/", grant_data("reviewer.kim@example.org", Role.COORDINATOR, world["x"])
    )
    assert "A coordinator is given the economy they coordinate." in coordinator.content.decode()

    factories.grant(world["candidate"], Role.REVIEWER, world["x"], "THA")
    duplicate = client.post(
        f"{ROLES}new/", grant_data("reviewer.kim@example.org", Role.REVIEWER, world["x"], "THA")
    )
    assert duplicate.status_code == 200
    assert "This person already has this role with the same cohort and economy." in (
        duplicate.content.decode()
    )
    assert RoleGrant.objects.filter(user=world["candidate"]).count() == 1


def test_organizer_sees_and_manages_only_grants_they_may_give(client, world):
    x, y = world["x"], world["y"]
    mine = factories.grant(factories.user("rev-x@example.org"), Role.REVIEWER, x, "ROK")
    co_organizer = factories.grant(factories.user("co-org@example.org"), Role.ORGANIZER, x)
    other = factories.grant(factories.user("rev-y@example.org"), Role.REVIEWER, y, "ROK")
    everywhere = factories.grant(
        factories.user("coord-all@example.org"), Role.COORDINATOR, None, "ROK"
    )
    client.force_login(world["organizer"])

    listing = client.get(ROLES).content.decode()
    assert "rev-x@example.org" in listing
    for hidden in ("co-org@example.org", "rev-y@example.org", "coord-all@example.org"):
        assert hidden not in listing
    for grant in (co_organizer, other, everywhere):
        assert client.get(f"{ROLES}edit/{grant.pk}/").status_code == 404
        assert client.post(f"{ROLES}delete/{grant.pk}/").status_code == 404
        assert client.get(f"{ROLES}history/{grant.pk}/").status_code == 404
    assert RoleGrant.objects.filter(pk__in=[co_organizer.pk, other.pk, everywhere.pk]).count() == 3
    # Their own organizer grant is out of their reach too.
    own = RoleGrant.objects.get(user=world["organizer"])
    assert client.post(f"{ROLES}delete/{own.pk}/").status_code == 404
    assert client.get(f"{ROLES}edit/{mine.pk}/").status_code == 200


def test_role_list_filters_by_role_and_cohort(client, world, superuser):
    x, y = world["x"], world["y"]
    factories.grant(factories.user("rev-x@example.org"), Role.REVIEWER, x, "ROK")
    factories.grant(factories.user("coord-x@example.org"), Role.COORDINATOR, x, "ROK")
    factories.grant(factories.user("rev-y@example.org"), Role.REVIEWER, y, "ROK")
    client.force_login(superuser)
    reviewers = client.get(ROLES, {"role": "reviewer"}).content.decode()
    assert "rev-x@example.org" in reviewers and "rev-y@example.org" in reviewers
    assert "coord-x@example.org" not in reviewers
    in_y = client.get(ROLES, {"cohort": y.pk}).content.decode()
    assert "rev-y@example.org" in in_y
    assert "rev-x@example.org" not in in_y


def test_changing_a_role_is_audited_with_before_and_after(client, world):
    grant = factories.grant(world["candidate"], Role.REVIEWER, world["x"], "THA")
    client.force_login(world["organizer"])
    response = client.post(
        f"{ROLES}edit/{grant.pk}/",
        grant_data("Reviewer.Kim@example.org", Role.COORDINATOR, world["x"], "ROK"),
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.role, grant.economy.code) == (Role.COORDINATOR, "ROK")
    [entry] = entries("cohorts.role_change")
    assert entry.data["before"] == {
        "person": "Reviewer.Kim@example.org",
        "role": "reviewer",
        "cohort": "cohort-x",
        "economy": "THA",
    }
    assert entry.data["after"] == {
        "person": "Reviewer.Kim@example.org",
        "role": "coordinator",
        "cohort": "cohort-x",
        "economy": "ROK",
    }
    # Promoting to organizer through the edit form is refused as well.
    refused = client.post(
        f"{ROLES}edit/{grant.pk}/",
        grant_data("Reviewer.Kim@example.org", Role.ORGANIZER, world["x"]),
    )
    assert refused.status_code == 200
    grant.refresh_from_db()
    assert grant.role == Role.COORDINATOR


def test_removing_a_role_is_audited_and_takes_effect_on_the_next_request(client, world):
    grant = factories.grant(world["candidate"], Role.REVIEWER, world["x"], "THA")
    reviewer_client = client.__class__()
    reviewer_client.force_login(world["candidate"])
    assert reviewer_client.get("/review/").status_code == 200

    client.force_login(world["organizer"])
    assert client.get(f"{ROLES}delete/{grant.pk}/").status_code == 200
    response = client.post(f"{ROLES}delete/{grant.pk}/")

    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    [entry] = entries("cohorts.role_revoke")
    assert entry.object_id == str(grant.pk)
    assert entry.user == world["organizer"]
    assert entry.data == {
        "before": {
            "person": "Reviewer.Kim@example.org",
            "role": "reviewer",
            "cohort": "cohort-x",
            "economy": "THA",
        }
    }
    assert not ModelLogEntry.objects.filter(action="wagtail.delete").exists()
    assert reviewer_client.get("/review/").status_code == 403


# -- Superusers give organizer roles; admin access follows the roles ----------------------------


def test_removed_organizer_loses_admin_access_on_the_next_request(client, world, superuser):
    person = factories.user("new-organizer@example.org")
    admin = client.__class__()
    admin.force_login(superuser)
    response = admin.post(
        f"{ROLES}new/", grant_data("new-organizer@example.org", Role.ORGANIZER, world["y"])
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=person)
    assert [e.data["after"]["role"] for e in entries("cohorts.role_grant")] == ["organizer"]

    client.force_login(person)
    assert client.get("/admin/").status_code == 200
    listing = client.get("/admin/programme/cohorts/")
    assert listing.status_code == 200
    assert "Cohort Y 2026" in listing.content.decode()

    assert admin.post(f"{ROLES}delete/{grant.pk}/").status_code == 302

    home = client.get("/admin/")
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/login/")
    assert client.get("/admin/programme/cohorts/").status_code == 302
    assert client.get(f"/admin/programme/cohorts/edit/{world['y'].pk}/").status_code == 302


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.COORDINATOR])
def test_reviewers_and_coordinators_get_no_admin_access(client, world, role):
    person = factories.user()
    factories.grant(person, role, world["x"], "ROK")
    client.force_login(person)
    for path in ("/admin/", ROLES, "/admin/programme/cohorts/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    assert not person.has_perm("wagtailadmin.access_admin")


def test_backend_permissions_follow_the_roles(world):
    backend = ProgrammeRoleBackend()
    organizer = User.objects.get(pk=world["organizer"].pk)
    assert backend.get_all_permissions(organizer) == {"wagtailadmin.access_admin"}
    assert backend.has_perm(organizer, "wagtailadmin.access_admin")
    # Object-level questions are for the permission policies.
    assert backend.get_all_permissions(organizer, obj=world["x"]) == set()
    # No blanket model permissions: they would open Wagtail's site history of every cohort.
    assert not organizer.has_perm("cohorts.change_cohort")
    staff = factories.user()
    factories.grant(staff, Role.CERTIFICATE_STAFF)
    assert backend.get_all_permissions(staff) == {"wagtailadmin.access_admin"}
    nobody = factories.user()
    assert backend.get_all_permissions(nobody) == set()
    assert backend.authenticate(None, username=nobody.email, password=factories.PASSWORD) is None
    # A fresh user object (the next request) sees a removed role gone.
    RoleGrant.objects.filter(user=organizer).delete()
    assert not User.objects.get(pk=organizer.pk).has_perm("wagtailadmin.access_admin")
    inactive = User.objects.get(pk=staff.pk)
    inactive.is_active = False
    assert backend.get_all_permissions(inactive) == set()


def test_organizer_does_not_see_other_cohorts_in_the_site_history(client, world, superuser):
    secret = factories.user("secret-reviewer@example.org")
    admin = client.__class__()
    admin.force_login(superuser)
    admin.post(f"{ROLES}new/", grant_data(secret.email, Role.REVIEWER, world["y"], "ROK"))
    assert RoleGrant.objects.filter(user=secret).exists()
    client.force_login(world["organizer"])
    response = client.get("/admin/reports/site-history/")
    assert "secret-reviewer@example.org" not in response.content.decode()


# -- Second factor for programme staff ------------------------------------------------------------


def test_reviewer_must_set_up_an_authenticator_app(client, world, settings):
    settings.REQUIRE_STAFF_MFA = True
    factories.grant(world["candidate"], Role.REVIEWER, world["x"], "THA")
    client.force_login(world["candidate"])
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_TOTP

    TOTP.activate(world["candidate"], generate_totp_secret())
    assert client.get("/review/").status_code == 200


def test_people_without_a_programme_role_are_not_asked_for_a_second_factor(client, settings):
    settings.REQUIRE_STAFF_MFA = True
    applicant = factories.user()
    client.force_login(applicant)
    assert client.get("/accounts/profile/").status_code == 200
