"""The training screens of the Wagtail admin (in the "Programme" menu) and copying a cohort.

* Stages, activities and workshop venues: organizers see and edit those of their own cohorts
  (``trainings.admin_policies``); another cohort's object answers 404. Speakers are shared.
* Every view reuses the scoped views of ``cohorts.admin_views``, so objects are looked up among
  those the policy allows; creating and editing are logged by Wagtail's history.
* Copying a cohort: a "Copy" button on the cohorts' listing and edit page opens a form (new
  title, slug, year, and a shift in days or the new opening date); ``trainings.copying`` does the
  copy. Only organizers of the cohort and superusers may copy it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button

from cohorts.admin_forms import cohorts_for
from cohorts.admin_policies import organized_cohort_ids
from cohorts.admin_views import (
    CohortViewSet,
    ScopedViewSet,
    permitted,
    translations_panel,
)
from cohorts.models import Cohort
from cohorts.templatetags.cohorts_tags import format_moment

from .admin_forms import ActivityForm, CopyCohortForm, SpeakerForm, StageForm, VenueForm
from .admin_policies import register_policies
from .copying import copy_cohort
from .models import Activity, ActivityKind, Speaker, Stage, StageKind, Venue

register_policies()


# -- Stages ----------------------------------------------------------------------------------------


class StageDatesPanel(HelpPanel):
    """The stage's dates, read from its cohort (where they are edited)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "trainings/admin/stage_dates_panel.html")
        super().__init__(**kwargs)


def stage_dates(stage: Stage) -> str:
    starts, ends = stage.starts_on, stage.ends_on
    if not starts and not ends:
        return "—"
    return f"{starts or '…'} – {ends or '…'}"


class StageFilterSet(WagtailFilterSet):
    cohort = ModelChoiceFilter(
        label=_("Cohort"), queryset=lambda request: cohorts_for(getattr(request, "user", None))
    )
    kind = ChoiceFilter(label=_("Stage"), choices=StageKind.choices)

    class Meta:
        model = Stage
        fields = ["cohort", "kind"]


class StageViewSet(ScopedViewSet):
    model = Stage
    name = "admin_stages"
    url_prefix = "programme/stages"
    icon = "date"
    menu_label = _("Training stages")
    menu_order = 210
    list_display = [
        Column("display_title", label=_("Stage"), accessor="display_title"),
        "cohort",
        "kind",
        Column("dates", label=_("Dates"), accessor=stage_dates),
    ]
    filterset_class = StageFilterSet
    search_fields = ["title", "description"]
    ordering = ["cohort", "kind"]
    list_select_related = ("cohort",)
    list_prefetch_related = ("translations",)

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("cohort"), FieldPanel("kind")]),
            StageDatesPanel(heading=_("Dates")),
            FieldPanel("title"),
            FieldPanel("description"),
            translations_panel(FieldPanel("title"), FieldPanel("description")),
        ],
        base_form_class=StageForm,
    )


# -- Activities ------------------------------------------------------------------------------------


def activity_zone(activity: Activity) -> str:
    """The zone activity times are shown in: the workshop venue's, else the cohort's."""
    cohort = activity.stage.cohort
    try:
        return cohort.venue.time_zone
    except Venue.DoesNotExist:
        return cohort.time_zone


def activity_time(activity: Activity) -> str:
    zone = activity_zone(activity)
    if activity.starts_at and activity.ends_at:
        return _("%(starts)s to %(ends)s") % {
            "starts": format_moment(activity.starts_at, zone),
            "ends": format_moment(activity.ends_at, zone),
        }
    if activity.due_at:
        return _("Due %(moment)s") % {"moment": format_moment(activity.due_at, zone)}
    return "—"


class ActivityFilterSet(WagtailFilterSet):
    stage__cohort = ModelChoiceFilter(
        label=_("Cohort"), queryset=lambda request: cohorts_for(getattr(request, "user", None))
    )
    stage = ModelChoiceFilter(
        label=_("Stage"),
        queryset=lambda request: Stage.objects.filter(
            cohort__in=cohorts_for(getattr(request, "user", None))
        ).select_related("cohort"),
    )
    kind = ChoiceFilter(label=_("Type"), choices=ActivityKind.choices)

    class Meta:
        model = Activity
        fields = ["stage__cohort", "stage", "kind"]


class ActivityViewSet(ScopedViewSet):
    model = Activity
    name = "admin_activities"
    url_prefix = "programme/activities"
    icon = "time"
    menu_label = _("Activities and sessions")
    menu_order = 220
    list_display = [
        "title",
        Column("moment", label=_("Time"), accessor=activity_time),
        "kind",
        Column("stage", label=_("Stage"), accessor="stage.display_title"),
        Column("cohort", label=_("Cohort"), accessor="stage.cohort"),
        BooleanColumn("takes_attendance", label=_("Attendance")),
    ]
    filterset_class = ActivityFilterSet
    search_fields = ["title", "description", "room"]
    ordering = ["stage__cohort", "stage__kind", "starts_at", "due_at", "pk"]
    list_select_related = ("stage__cohort__venue",)
    list_prefetch_related = ("stage__translations",)

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("stage"), FieldPanel("kind")]),
                    FieldPanel("title"),
                    FieldPanel("description"),
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                            FieldPanel("due_at"),
                        ],
                        heading=_("When"),
                        help_text=_(
                            "Meetings and sessions have a start and an end; surveys, "
                            "assignments and dissemination a due date."
                        ),
                    ),
                    FieldRowPanel([FieldPanel("room"), FieldPanel("online_url")]),
                    FieldPanel("group"),
                    FieldPanel("speakers", widget=forms.CheckboxSelectMultiple),
                    FieldRowPanel([FieldPanel("takes_attendance"), FieldPanel("is_required")]),
                ],
                heading=_("Activity"),
            ),
            ObjectList(
                [translations_panel(FieldPanel("title"), FieldPanel("description"))],
                heading=_("Translations"),
            ),
        ],
        base_form_class=ActivityForm,
    )


# -- Venues and speakers ------------------------------------------------------------------------


class VenueFilterSet(WagtailFilterSet):
    cohort = ModelChoiceFilter(
        label=_("Cohort"), queryset=lambda request: cohorts_for(getattr(request, "user", None))
    )

    class Meta:
        model = Venue
        fields = ["cohort"]


class VenueViewSet(ScopedViewSet):
    model = Venue
    name = "admin_venues"
    url_prefix = "programme/venues"
    icon = "site"
    menu_label = _("Workshop venues")
    menu_order = 230
    list_display = ["name", "cohort", "time_zone"]
    filterset_class = VenueFilterSet
    search_fields = ["name", "address"]
    ordering = ["cohort"]
    list_select_related = ("cohort",)

    edit_handler = ObjectList(
        [
            FieldPanel("cohort"),
            FieldPanel("name"),
            FieldPanel("address"),
            FieldRowPanel([FieldPanel("map_url"), FieldPanel("time_zone")]),
            FieldPanel("practical_information"),
            translations_panel(
                FieldPanel("name"), FieldPanel("address"), FieldPanel("practical_information")
            ),
        ],
        base_form_class=VenueForm,
    )


class SpeakerViewSet(ScopedViewSet):
    model = Speaker
    name = "admin_speakers"
    url_prefix = "programme/speakers"
    icon = "user"
    menu_label = _("Speakers")
    menu_order = 240
    list_display = ["name", "native_name", "affiliation"]
    search_fields = ["name", "native_name", "affiliation"]
    ordering = ["name"]

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("native_name")]),
            FieldPanel("affiliation"),
            FieldPanel("bio"),
            FieldPanel("photo"),
            translations_panel(FieldPanel("affiliation"), FieldPanel("bio")),
        ],
        base_form_class=SpeakerForm,
    )


TRAINING_VIEWSETS = (StageViewSet, ActivityViewSet, VenueViewSet, SpeakerViewSet)


# -- Copying a cohort ----------------------------------------------------------------------------


def may_copy(user, cohort: Cohort) -> bool:
    """Organizers of the cohort and superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or cohort.pk in organized_cohort_ids(user)


COPY_URL_NAME = "admin_cohorts:copy_cohort"


class CohortCopyView(WagtailAdminTemplateMixin, FormView):
    template_name = "trainings/admin/copy_cohort.html"
    form_class = CopyCohortForm
    header_icon = "copy"

    def dispatch(self, request, pk):
        cohorts = permitted(Cohort, request.user, ["change", "view"])
        self.source = get_object_or_404(cohorts, pk=pk)
        if not may_copy(request.user, self.source):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Copy %(cohort)s") % {"cohort": self.source.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("admin_cohorts:index"), "label": _("Cohorts")},
            {"url": reverse("admin_cohorts:edit", args=[self.source.pk]), "label": self.source},
            {"url": "", "label": _("Copy")},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.source}

    def get_initial(self):
        source = self.source
        return {"year": source.year + 1, "shift_days": 364}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["source"] = self.source
        context["source_opening_date"] = context["form"].source_opening_date()
        context["action_url"] = reverse(COPY_URL_NAME, args=[self.source.pk])
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            copy = copy_cohort(
                self.source,
                title=data["title"],
                slug=data["slug"],
                year=data["year"],
                shift_days=data["shift"],
                by=self.request.user,
            )
        except IntegrityError:  # the slug was taken meanwhile
            form.add_error("slug", _("Another cohort already uses this slug. Choose another one."))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(source)s” was copied to “%(copy)s”. Check its dates and open it when ready.")
            % {"source": self.source.title, "copy": copy.title},
        )
        return redirect("admin_cohorts:edit", copy.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("The cohort could not be copied. Check the form."))
        return super().form_invalid(form)


class CopyableIndexView(CohortViewSet.index_view_class):
    def get_copy_url(self, instance):
        if may_copy(self.request.user, instance):
            return reverse(COPY_URL_NAME, args=[instance.pk])
        return None


class CopyableEditView(CohortViewSet.edit_view_class):
    def get_copy_url(self):
        if may_copy(self.request.user, self.object):
            return reverse(COPY_URL_NAME, args=[self.object.pk])
        return None

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if not any(button.url == self.get_copy_url() for button in buttons):
            url = self.get_copy_url()
            if url:
                buttons.append(Button(_("Copy"), url=url, icon_name="copy", priority=10))
        return buttons


class CopyableCohortViewSet(CohortViewSet):
    """The cohorts' screens with a "Copy" button leading to :class:`CohortCopyView`."""

    index_view_class = CopyableIndexView
    edit_view_class = CopyableEditView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("copy/<int:pk>/", CohortCopyView.as_view(), name="copy_cohort"),
        ]


def with_copy(viewsets):
    """The Programme viewsets with the cohorts' one able to copy a cohort."""
    return tuple(CopyableCohortViewSet if vs is CohortViewSet else vs for vs in viewsets)


__all__ = ["TRAINING_VIEWSETS", "CopyableCohortViewSet", "with_copy"]
