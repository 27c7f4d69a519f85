"""Admin access that follows from programme roles (``RoleGrant`` rows).

An authentication backend that authenticates nobody: it only answers ``has_perm``. Organizers (of
any cohort) and certificate staff may open the Wagtail admin (``wagtailadmin.access_admin``).
Reviewers and economy coordinators get nothing here: they work in the front end.

What organizers may do on the Programme screens is decided by the permission policies of
``cohorts.admin_policies`` from their roles, per cohort, not by Django model permissions given
here. Model permissions would be blanket ones: Wagtail's site history report
(``ModelLogEntry.objects.viewable_by_user``) shows every log entry of a model to anyone holding
any permission on it, which would show an organizer the role changes of other cohorts.

The grants are read from the database once per request (memoized on the request's user object by
``cohorts.permissions``), never cached across requests, so removing a role takes effect on the
next request.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from .models import Role

ACCESS_ADMIN = "wagtailadmin.access_admin"

# Roles whose holders work in the Wagtail admin.
ADMIN_ROLES = frozenset({Role.ORGANIZER, Role.CERTIFICATE_STAFF})


def role_permissions(user) -> frozenset[str]:
    """The permissions given by the user's programme roles (empty for anyone without one)."""
    from .permissions import _grants  # the per-request memo of the user's grants

    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if any(grant.role in ADMIN_ROLES for grant in _grants(user)):
        return frozenset({ACCESS_ADMIN})
    return frozenset()


class ProgrammeRoleBackend(BaseBackend):
    """Permissions only: ``authenticate`` (inherited) returns None, so nobody signs in here."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None:
            # Object-level decisions belong to the permission policies.
            return set()
        return set(role_permissions(user_obj))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj=obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
