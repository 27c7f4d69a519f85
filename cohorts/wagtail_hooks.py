"""Wagtail admin screens of the cohorts app, grouped under the "Programme" menu.

Economies follow Wagtail's default model permission policy: only people given the add, change,
delete or view permission on economies (or superusers) see the menu item and the screens.
Translated names are edited inline on the economy, so they follow the economy's permissions.

Programmes, cohorts, application questions, e-mail templates and roles live in
``cohorts.admin_views``; their permission policies (organizers see their own cohorts only) in
``cohorts.admin_policies``, registered here before any viewset asks Wagtail for a policy.
"""

from .admin_policies import register_policies

register_policies()

# ruff: noqa: E402 - the policies must be registered before the viewsets are imported.

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from aslp_site.core.admin_forms import AdminModelForm
from trainings.admin_views import TRAINING_VIEWSETS, with_copy

from .admin_views import PROGRAMME_VIEWSETS, selection_menu_item
from .models import Economy

# Other apps can add their own screens to the "Programme" menu by registering a viewset with
# ``menu_hook = PROGRAMME_MENU_HOOK`` (or a MenuItem through ``@hooks.register`` on this hook).
PROGRAMME_MENU_HOOK = "register_programme_menu_item"

# ``Economy.name`` is the official English name, so translated names exist for other languages.
SOURCE_LANGUAGE = "en"


def translated_name_languages() -> list[tuple[str, str]]:
    """The interface languages an economy name can be translated into, as select choices."""
    return [
        (code, f"{name} ({code})") for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE
    ]


class LanguageCodeSelect(forms.Select):
    """A select of the interface languages other than English.

    A stored code that is not (or no longer) an interface language stays selectable, so that
    opening and saving the form never silently turns it into another language.
    """

    def optgroups(self, name, value, attrs=None):
        choices = translated_name_languages()
        known = {code for code, _label in choices}
        choices += [(code, code) for code in value if code and code not in known]
        self.choices = choices
        return super().optgroups(name, value, attrs)


class EconomyForm(AdminModelForm):
    """Rejects a newly chosen name language that is not an interface language."""

    def clean(self):
        cleaned_data = super().clean()
        allowed = {code for code, _label in translated_name_languages()}
        names = self.formsets.get("names")
        for form in names.forms if names is not None else []:
            if not form.is_valid() or "language_code" not in form.changed_data:
                continue
            if names.can_delete and form.cleaned_data.get("DELETE"):
                continue
            language_code = form.cleaned_data.get("language_code")
            if language_code and language_code not in allowed:
                form.add_error(
                    "language_code",
                    _("Choose one of the site's languages other than English."),
                )
        return cleaned_data


def korean_name(economy: Economy) -> str:
    """The stored Korean name only (no fallback to English), from prefetched names."""
    return next((row.name for row in economy.names.all() if row.language_code == "ko"), "")


class EconomyViewSet(SnippetViewSet):
    model = Economy
    icon = "site"
    menu_label = _("Economies")
    menu_name = "economies"
    copy_view_enabled = False
    list_display = [
        "code",
        "name",
        Column("korean_name", label=_("Korean name"), accessor=korean_name),
        BooleanColumn("is_apec_member", label=_("APEC member"), sort_key="is_apec_member"),
        BooleanColumn("has_participated", label=_("Has taken part"), sort_key="has_participated"),
    ]
    list_filter = ["is_apec_member", "has_participated"]
    search_fields = ["code", "name", "names__name"]
    ordering = ["sort_order", "name"]
    list_per_page = 50

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("iso_country")]),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("is_apec_member"), FieldPanel("has_participated")]),
            FieldPanel("sort_order"),
            InlinePanel(
                "names",
                heading=_("Names in other languages"),
                label=_("Translated name"),
                help_text=_(
                    "How the economy is called in each other site language. Where a language "
                    "has no name here, the official English name is shown."
                ),
                panels=[
                    FieldPanel(
                        "language_code",
                        widget=LanguageCodeSelect,
                        help_text=_("A site language other than English; one name per language."),
                    ),
                    FieldPanel("name"),
                ],
            ),
        ],
        base_form_class=EconomyForm,
    )

    def get_queryset(self, request):
        # Names are shown in the listing; distinct() because search also matches on them.
        return Economy.objects.prefetch_related("names").distinct()


class ProgrammeViewSetGroup(SnippetViewSetGroup):
    # The training screens (stages, activities, venues, speakers) and the cohorts' "Copy" button
    # come from the trainings app.
    items = (*with_copy(PROGRAMME_VIEWSETS), *TRAINING_VIEWSETS, EconomyViewSet)
    menu_label = _("Programme")
    menu_name = "programme"
    menu_icon = "group"
    add_to_admin_menu = True
    submenu_hook = PROGRAMME_MENU_HOOK


@hooks.register("register_admin_viewset")
def register_programme_viewsets():
    return ProgrammeViewSetGroup()


@hooks.register(PROGRAMME_MENU_HOOK)
def register_selection_link():
    return selection_menu_item()


@hooks.register("register_log_actions")
def register_cohort_log_actions(actions):
    from .audit import register_actions

    register_actions(actions)


from .admin_personal_data import admin_urls as personal_data_admin_urls

# Erasure of a person's data, superusers only (/admin/personal-data/), in the Settings menu.
hooks.register("register_admin_urls", personal_data_admin_urls)


class _SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return _SuperuserMenuItem(
        _("Personal data"),
        reverse("personal_data_admin:index"),
        name="personal-data",
        icon_name="user",
        order=900,
    )
