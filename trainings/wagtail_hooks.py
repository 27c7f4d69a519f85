"""Wagtail hooks of the trainings app.

The training screens (stages, activities and sessions, workshop venues, speakers) are items of
the cohorts' "Programme" menu group (``cohorts.wagtail_hooks`` lists ``TRAINING_VIEWSETS`` of
``trainings.admin_views``), which also gives the cohorts' screens their "Copy" button. Here the
permission policies are registered, before any viewset asks Wagtail for one.
"""

from .admin_policies import register_policies

register_policies()
