"""Who may do what on the Programme screens of the Wagtail admin (Wagtail permission policies).

* Superusers: everything.
* Organizers, from their ``RoleGrant`` rows (not from Django model permissions, see
  ``cohorts.backends``), on the objects of the cohorts they organize: their cohorts (view and
  change, never add or delete), the cohorts' application questions and e-mail templates
  (templates for every cohort are for superusers only), and the reviewer and coordinator roles in
  their cohorts (organizer and certificate-staff roles, and roles for every cohort, are given by
  superusers).
* Anyone else: nothing, whatever Django permissions they hold, because these objects belong to
  cohorts and only organizers and superusers act for a cohort.

The admin views (``cohorts.admin_views``) look objects up through
:meth:`CohortScopedPolicy.instances_user_has_any_permission_for`, so another cohort's object
answers 404, through the listing and through a typed URL alike.

Roles are read from the database on each request (``cohorts.permissions``), so a removed role
stops working on the next request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import ApplicationQuestion, Cohort, MessageTemplate, Role, RoleGrant

# Roles an organizer may give and take away in their own cohorts.
ORGANIZER_GRANTABLE_ROLES = (Role.REVIEWER, Role.COORDINATOR)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def organized_cohort_ids(user) -> frozenset[int]:
    """Ids of the cohorts the user holds the organizer role in (grants only, not superuser)."""
    from .permissions import _grants

    if not _active(user):
        return frozenset()
    return frozenset(
        grant.cohort_id
        for grant in _grants(user)
        if grant.role == Role.ORGANIZER and grant.cohort_id is not None
    )


class CohortScopedPolicy(BasePermissionPolicy):
    """Everything for superusers; for organizers, some actions on their cohorts' objects.

    Subclasses say which objects are in an organizer's reach (:meth:`scope` as a filter,
    :meth:`in_scope` for one instance) and which actions organizers have at all.
    """

    organizer_actions: frozenset[str] = frozenset({"add", "change", "delete", "view"})

    # -- What subclasses define ----------------------------------------------------------------

    def scope(self, cohort_ids: frozenset[int]) -> Q:
        return Q(cohort_id__in=cohort_ids)

    def in_scope(self, instance, cohort_ids: frozenset[int]) -> bool:
        return instance.cohort_id in cohort_ids

    # -- Model level ---------------------------------------------------------------------------

    def user_has_permission(self, user, action):
        if not _active(user):
            return False
        if user.is_superuser:
            return True
        return action in self.organizer_actions and bool(organized_cohort_ids(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        superusers = Q(is_superuser=True)
        if not any(action in self.organizer_actions for action in actions):
            return users.filter(superusers)
        organizers = Q(role_grants__role=Role.ORGANIZER)
        return users.filter(superusers | organizers).distinct()

    # -- Instance level ------------------------------------------------------------------------

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return user.is_superuser or self.in_scope(instance, organized_cohort_ids(user))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance) for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        objects = self.model._default_manager.all()
        permitted = [action for action in actions if self.user_has_permission(user, action)]
        if not permitted:
            return objects.none()
        if user.is_superuser:
            return objects
        return objects.filter(self.scope(organized_cohort_ids(user)))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(
            Q(is_superuser=True)
            | Q(role_grants__role=Role.ORGANIZER, role_grants__cohort_id=self._cohort_id(instance))
        ).distinct()

    def _cohort_id(self, instance):
        return instance.cohort_id


class CohortPolicy(CohortScopedPolicy):
    """Organizers view and change their cohorts; only superusers create and delete cohorts."""

    organizer_actions = frozenset({"change", "view"})

    def scope(self, cohort_ids):
        return Q(pk__in=cohort_ids)

    def in_scope(self, instance, cohort_ids):
        return instance.pk in cohort_ids

    def _cohort_id(self, instance):
        return instance.pk


class ApplicationQuestionPolicy(CohortScopedPolicy):
    """Organizers manage the extra questions of their cohorts."""


class MessageTemplatePolicy(CohortScopedPolicy):
    """Organizers manage their cohorts' own templates; templates for every cohort (no cohort)
    are for superusers only (the ``cohort_id__in`` filter leaves them out)."""


class RoleGrantPolicy(CohortScopedPolicy):
    """Organizers give and take away reviewer and coordinator roles in their own cohorts."""

    def scope(self, cohort_ids):
        return Q(cohort_id__in=cohort_ids, role__in=ORGANIZER_GRANTABLE_ROLES)

    def in_scope(self, instance, cohort_ids):
        return instance.cohort_id in cohort_ids and instance.role in ORGANIZER_GRANTABLE_ROLES


cohort_policy = CohortPolicy(Cohort)
question_policy = ApplicationQuestionPolicy(ApplicationQuestion)
message_template_policy = MessageTemplatePolicy(MessageTemplate)
role_grant_policy = RoleGrantPolicy(RoleGrant)

_registered = False


def register_policies() -> None:
    """Register the policies with Wagtail (once; before any viewset asks for one)."""
    global _registered
    if _registered:
        return
    register_permission_policy(Cohort, cohort_policy, exact_class=True)
    register_permission_policy(ApplicationQuestion, question_policy, exact_class=True)
    register_permission_policy(MessageTemplate, message_template_policy, exact_class=True)
    register_permission_policy(RoleGrant, role_grant_policy, exact_class=True)
    _registered = True
