"""Wagtail hooks of the assessments app: the permission policy of assignments (registered
before any viewset asks for one) and the "Assignments" screen in the "Programme" menu."""

# ruff: noqa: E402 - the policies must be registered before the viewsets are imported.
from .admin_views import register_policies

register_policies()

from wagtail import hooks

from .admin_views import AssignmentViewSet


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet()


# The survey builder ("Surveys" menu) and the resource topics of the public library ("Programme"
# menu), kept in their own modules.
from . import admin_library, hooks_certificates, hooks_surveys  # noqa: F401
