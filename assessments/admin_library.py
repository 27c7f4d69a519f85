"""The "Resource topics" screen of the Wagtail admin, in the "Programme" menu.

Topics are shared by every cohort's resources, like speakers (``trainings.admin_policies``): any
organizer may view, add and change them, so that they can tag what they publish; only
superusers delete them (a topic in use by published resources would vanish from their pages).
Anyone else, CMS editors included, has no access. Translated names are edited inline.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy

from aslp_site.core.admin_forms import AdminModelForm
from cohorts.admin_forms import TranslationsMixin
from cohorts.admin_views import ScopedViewSet, translations_panel
from trainings.admin_policies import SpeakerPolicy

from .models import ResourceTopic

PROGRAMME_MENU_HOOK = "register_programme_menu_item"


class ResourceTopicPolicy(SpeakerPolicy):
    """Shared by every cohort: any organizer views, adds and changes; superusers delete."""


resource_topic_policy = ResourceTopicPolicy(ResourceTopic)
register_permission_policy(ResourceTopic, resource_topic_policy, exact_class=True)


class ResourceTopicForm(TranslationsMixin, AdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


def korean_name(topic: ResourceTopic) -> str:
    """The stored Korean name only (no fallback), from prefetched translations."""
    return next((row.name for row in topic.translations.all() if row.language_code == "ko"), "")


class ResourceTopicViewSet(ScopedViewSet):
    model = ResourceTopic
    name = "admin_resource_topics"
    url_prefix = "programme/resource-topics"
    icon = "tag"
    menu_label = _("Resource topics")
    menu_order = 260
    menu_hook = PROGRAMME_MENU_HOOK
    add_to_admin_menu = False
    list_display = [
        "name",
        Column("korean_name", label=_("Korean name"), accessor=korean_name),
        "slug",
        "sort_order",
    ]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]
    list_prefetch_related = ("translations",)

    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("slug"), FieldPanel("sort_order")]),
            translations_panel(FieldPanel("name")),
        ],
        base_form_class=ResourceTopicForm,
    )


@hooks.register("register_admin_viewset")
def register_resource_topic_viewset():
    return ResourceTopicViewSet()
