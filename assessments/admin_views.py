"""The "Assignments" screen of the Wagtail admin, in the "Programme" menu.

Organizers see and edit the assignments of their own cohorts (``AssignmentPolicy``, the same
rules as ``trainings.admin_policies``); another cohort's assignment answers 404. The activity is
chosen among the assignment activities of the person's cohorts; the instructions are translated
inline and the rubric criteria are edited inline too.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.permissions import register_permission_policy

from aslp_site.core.admin_forms import AdminModelForm
from cohorts.admin_forms import TranslationsMixin, cohorts_for
from cohorts.admin_policies import CohortScopedPolicy
from cohorts.admin_views import ScopedViewSet, translations_panel
from trainings.models import Activity, ActivityKind

from .models import FILE_KIND_CHOICES, Assignment

# The cohorts' "Programme" menu group lists viewsets registered on this hook
# (``cohorts.wagtail_hooks.PROGRAMME_MENU_HOOK``).
PROGRAMME_MENU_HOOK = "register_programme_menu_item"


class AssignmentPolicy(CohortScopedPolicy):
    """Organizers manage the assignments of their cohorts."""

    def scope(self, cohort_ids):
        return Q(activity__stage__cohort_id__in=cohort_ids)

    def in_scope(self, instance, cohort_ids):
        return instance.activity.stage.cohort_id in cohort_ids

    def _cohort_id(self, instance):
        return instance.activity.stage.cohort_id


assignment_policy = AssignmentPolicy(Assignment)
_registered = False


def register_policies() -> None:
    global _registered
    if _registered:
        return
    register_permission_policy(Assignment, assignment_policy, exact_class=True)
    _registered = True


class AssignmentForm(TranslationsMixin, AdminModelForm):
    file_kinds = forms.MultipleChoiceField(
        label=_("Allowed file types"),
        choices=FILE_KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = cohorts_for(self.for_user)
        field = self.fields["activity"]
        taken = Assignment.objects.exclude(pk=self.instance.pk).values("activity_id")
        field.queryset = (
            Activity.objects.filter(kind=ActivityKind.ASSIGNMENT, stage__cohort__in=cohorts)
            .exclude(pk__in=taken)
            .select_related("stage__cohort")
            .order_by("-stage__cohort__year", "due_at", "pk")
        )
        field.label_from_instance = lambda activity: f"{activity.stage.cohort}: {activity.title}"

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


def _cohort(assignment: Assignment):
    return assignment.activity.stage.cohort


class AssignmentViewSet(ScopedViewSet):
    model = Assignment
    name = "admin_assignments"
    url_prefix = "programme/assignments"
    icon = "doc-full"
    menu_label = _("Assignments")
    menu_order = 250
    menu_hook = PROGRAMME_MENU_HOOK
    add_to_admin_menu = False
    list_display = [
        Column("title", label=_("Assignment"), accessor="activity.title"),
        Column("cohort", label=_("Cohort"), accessor=_cohort),
        Column("due", label=_("Due"), accessor="activity.due_at"),
        "late_policy",
        BooleanColumn("per_group", label=_("Per group")),
    ]
    search_fields = ["instructions", "activity__title"]
    ordering = ["activity__stage__cohort", "activity__due_at", "pk"]
    list_select_related = ("activity__stage__cohort",)

    edit_handler = ObjectList(
        [
            FieldPanel("activity"),
            FieldPanel("instructions"),
            translations_panel(FieldPanel("instructions")),
            FieldPanel("late_policy"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("accepts_text"), FieldPanel("accepts_files")]),
                    FieldPanel("file_kinds"),
                    FieldRowPanel([FieldPanel("max_file_mb"), FieldPanel("max_files")]),
                ],
                heading=_("What may be sent"),
            ),
            FieldRowPanel([FieldPanel("per_group"), FieldPanel("can_be_published")]),
            InlinePanel(
                "criteria",
                heading=_("Feedback criteria (optional rubric)"),
                label=_("Criterion"),
                panels=[
                    FieldRowPanel([FieldPanel("title"), FieldPanel("weight")]),
                    FieldPanel("level_1"),
                    FieldPanel("level_3"),
                    FieldPanel("level_5"),
                    FieldPanel("sort_order"),
                ],
            ),
        ],
        base_form_class=AssignmentForm,
    )


ASSESSMENT_VIEWSETS = (AssignmentViewSet,)
