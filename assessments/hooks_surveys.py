"""Registers the survey builder's screens with the Wagtail admin.

Wagtail imports only ``wagtail_hooks`` modules, so ``assessments/wagtail_hooks.py`` imports this
module (``from . import hooks_surveys  # noqa: F401``).
"""

from wagtail import hooks

from .admin_surveys import SurveyViewSetGroup, register_policies

register_policies()


@hooks.register("register_admin_viewset")
def register_survey_viewsets():
    return SurveyViewSetGroup()
