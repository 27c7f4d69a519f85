"""Registers the certificates' admin screens: the "Certificates" menu (templates and the issuing
workspace), the workspace's URLs under ``/admin/certificates/`` and a panel on the admin home
page listing the cohorts of certificate staff with their counts.

Wagtail imports only ``wagtail_hooks`` modules, so ``assessments/wagtail_hooks.py`` imports this
module (``from . import hooks_certificates  # noqa: F401``).
"""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from .admin_certificates import CERTIFICATES_MENU_HOOK, CertificatesViewSetGroup, register_policies

register_policies()


class WorkspaceMenuItem(MenuItem):
    """Shown to whoever may see some cohort's certificates (organizers, certificate staff)."""

    def is_shown(self, request):
        from .admin_certificate_views import visible_cohorts

        return bool(visible_cohorts(request.user))


class CertificatesPanel(Component):
    """The home page panel: the cohorts where the person issues certificates, with counts."""

    name = "certificates"
    order = 50
    template_name = "assessments/certificates/admin/home_panel.html"

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows}


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return CertificatesViewSetGroup()


@hooks.register(CERTIFICATES_MENU_HOOK)
def register_workspace_menu_item():
    return WorkspaceMenuItem(
        _("Issue and manage"),
        reverse_lazy("certificates_admin:index"),
        name="certificates-workspace",
        icon_name="tasks",
        order=10,
    )


@hooks.register("register_admin_urls")
def register_workspace_urls():
    from .admin_certificate_views import admin_urls

    return admin_urls()


@hooks.register("construct_homepage_panels")
def add_certificates_panel(request, panels):
    from .admin_certificate_views import cohort_rows

    rows = cohort_rows(request.user, issuing_only=True)
    if rows:
        panels.append(CertificatesPanel(rows))
