"""Who may do what on the training screens of the Wagtail admin (Wagtail permission policies).

The same rules as the cohorts' screens (``cohorts.admin_policies``):

* Superusers: everything.
* Organizers, from their ``RoleGrant`` rows: the stages, activities and workshop venues of the
  cohorts they organize (add, change, delete, view). Speakers are kept across cohorts and shared:
  any organizer may view, add and change them; only superusers delete them.
* Anyone else (CMS editors, reviewers, coordinators): nothing, whatever Django permissions they
  hold.

The admin views look objects up among ``instances_user_has_any_permission_for``, so another
cohort's stage, activity or venue answers 404, from the listing and from a typed URL alike.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.permissions import register_permission_policy

from cohorts.admin_policies import CohortScopedPolicy, _active, organized_cohort_ids

from .models import Activity, Speaker, Stage, Venue


class StagePolicy(CohortScopedPolicy):
    """Organizers manage the stages of their cohorts."""


class VenuePolicy(CohortScopedPolicy):
    """Organizers manage the workshop venue of their cohorts."""


class ActivityPolicy(CohortScopedPolicy):
    """Organizers manage the activities of their cohorts' stages."""

    def scope(self, cohort_ids):
        return Q(stage__cohort_id__in=cohort_ids)

    def in_scope(self, instance, cohort_ids):
        return instance.stage.cohort_id in cohort_ids

    def _cohort_id(self, instance):
        return instance.stage.cohort_id


class SpeakerPolicy(CohortScopedPolicy):
    """Speakers are shared by every cohort: any organizer views, adds and changes them."""

    organizer_actions = frozenset({"add", "change", "view"})

    def scope(self, cohort_ids):
        return Q() if cohort_ids else Q(pk__in=[])

    def in_scope(self, instance, cohort_ids):
        return bool(cohort_ids)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not _active(user) or not self.user_has_permission(user, action):
            return False
        return user.is_superuser or bool(organized_cohort_ids(user))


stage_policy = StagePolicy(Stage)
activity_policy = ActivityPolicy(Activity)
venue_policy = VenuePolicy(Venue)
speaker_policy = SpeakerPolicy(Speaker)

_registered = False


def register_policies() -> None:
    """Register the policies with Wagtail (once; before any viewset asks for one)."""
    global _registered
    if _registered:
        return
    register_permission_policy(Stage, stage_policy, exact_class=True)
    register_permission_policy(Activity, activity_policy, exact_class=True)
    register_permission_policy(Venue, venue_policy, exact_class=True)
    register_permission_policy(Speaker, speaker_policy, exact_class=True)
    _registered = True
