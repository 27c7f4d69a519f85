"""The Programme screens of the Wagtail admin: programmes, cohorts, questions, e-mail templates
and roles.

Who sees what is decided by the permission policies of ``cohorts.admin_policies``. Every view
that names an object looks it up among the objects the policy allows for the action, so another
cohort's object answers 404, whether reached from a listing or by typing its URL. Listing filters
only offer the person's own cohorts.

Audit (R13): giving, changing and removing a role write ``cohorts.role_grant``,
``cohorts.role_change`` and ``cohorts.role_revoke`` (instead of Wagtail's generic entries), with
the role before and after. Changing a cohort's seats or an economy's quota writes
``cohorts.quota_change`` with the values before and after, compared with the rows as they were
in the database, read under a row lock in the same transaction as the save.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permissions import policy_registry

from . import audit
from .admin_forms import (
    PLACEHOLDER_HELP,
    ApplicationQuestionForm,
    CohortForm,
    MessageTemplateForm,
    ProgrammeForm,
    RoleGrantForm,
    cohorts_for,
    role_snapshot,
    translation_languages,
)
from .emails import fill
from .models import (
    Application,
    ApplicationFile,
    ApplicationQuestion,
    Cohort,
    Economy,
    EconomyQuota,
    MessageTemplate,
    Programme,
    QuestionKind,
    Role,
    RoleGrant,
)
from .permissions import is_organizer
from .templatetags.cohorts_tags import format_moment

ANY_ACTION = ("add", "change", "delete", "view")


def permitted(model, user, actions):
    """The objects of ``model`` the user may perform any of ``actions`` on."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)


# -- Views that only ever see objects the policy allows -----------------------------------------


class ScopedIndexView(generic.IndexView):
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()

    @cached_property
    def columns(self):
        """Wagtail links a row to its edit page (and gives it its buttons) only when the first
        column is named by a string. A first column given as a Column (a stage's title in the
        reader's language, a role's e-mail address) becomes that title column here too."""
        columns = list(super().columns)
        first = self.list_display[0] if self.list_display else None
        if isinstance(first, Column) and not isinstance(first, TitleColumn):
            column_class = self._get_title_column_class(TitleColumn)
            columns[columns.index(first)] = column_class(
                first.name,
                label=first.label,
                accessor=first.accessor,
                sort_key=first.sort_key,
                get_url=lambda instance: (
                    self.get_edit_url(instance) or self.get_inspect_url(instance)
                ),
            )
        return columns

    def get_base_queryset(self):
        queryset = permitted(self.model, self.request.user, ANY_ACTION)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset


class ScopedEditView(generic.EditView):
    def get_queryset(self):
        return permitted(self.model, self.request.user, ["change"])


class ScopedCreateView(generic.CreateView):
    pass


class ScopedDeleteView(generic.DeleteView):
    protected_message = _("This cannot be deleted while other records depend on it.")

    def get_queryset(self):
        return permitted(self.model, self.request.user, ["delete"])

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.protected_message)
            return HttpResponseRedirect(reverse(self.edit_url_name, args=[self.object.pk]))


class ScopedHistoryView(history.HistoryView):
    def get_base_object_queryset(self):
        return permitted(self.model, self.request.user, ANY_ACTION)


class ScopedUsageView(usage.UsageView):
    def get_base_object_queryset(self):
        return permitted(self.model, self.request.user, ["change"])


class ScopedInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(permitted(self.model, self.request.user, ANY_ACTION), pk=self.pk)


class ScopedViewSet(ModelViewSet):
    """A model viewset whose views see only what the model's permission policy allows."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_class = ScopedInspectView
    copy_view_enabled = False
    add_to_reference_index = False
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            list_select_related=self.list_select_related,
            list_prefetch_related=self.list_prefetch_related,
            **kwargs,
        )


class CohortFilterSet(WagtailFilterSet):
    """A cohort filter offering only the cohorts the person may see."""

    cohort = ModelChoiceFilter(
        label=_("Cohort"),
        queryset=lambda request: cohorts_for(getattr(request, "user", None)),
    )


def language_select():
    from django import forms

    return forms.Select(choices=[("", "---------"), *translation_languages()])


def translations_panel(*field_panels):
    return InlinePanel(
        "translations",
        heading=_("Translations"),
        label=_("Translation"),
        help_text=_(
            "The text in other site languages. Where a language has no translation, the "
            "English text is shown."
        ),
        panels=[FieldPanel("language_code", widget=language_select()), *field_panels],
    )


# -- Programmes --------------------------------------------------------------------------------


class ProgrammeViewSet(ScopedViewSet):
    """Programmes and their letterhead; superusers only (default model permission policy)."""

    model = Programme
    name = "admin_programmes"
    url_prefix = "programme/programmes"
    icon = "folder-open-inverse"
    menu_label = _("Programmes")
    menu_order = 100
    list_display = ["title", "short_name", "slug"]
    search_fields = ["title", "short_name", "slug"]
    ordering = ["title"]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldRowPanel([FieldPanel("short_name"), FieldPanel("slug")]),
                    FieldPanel("description"),
                ],
                heading=_("Programme"),
            ),
            ObjectList(
                [
                    HelpPanel(
                        content=_(
                            "Printed at the top of visa invitation letters and used to sign them."
                        )
                    ),
                    FieldPanel("organisation_name"),
                    FieldPanel("organisation_address"),
                    FieldPanel("organisation_email"),
                    FieldRowPanel(
                        [FieldPanel("letter_signatory_name"), FieldPanel("letter_signatory_title")]
                    ),
                ],
                heading=_("Letterhead"),
            ),
            ObjectList(
                [translations_panel(FieldPanel("title"), FieldPanel("description"))],
                heading=_("Translations"),
            ),
        ],
        base_form_class=ProgrammeForm,
    )


# -- Cohorts -----------------------------------------------------------------------------------


class SeatsTaken(Exception):
    """Seats were lowered below the places offered meanwhile (found under the row lock)."""

    def __init__(self, problems):
        super().__init__("seats below accepted")
        self.problems = problems  # (form, field name or None, message)


def quota_values(cohort: Cohort, quotas) -> dict:
    """What ``cohorts.quota_change`` compares: total seats and each economy's numbers."""
    return {
        "total_seats": cohort.total_seats,
        "quotas": {
            quota.economy.code: {"seats": quota.seats, "reserve_places": quota.reserve_places}
            for quota in quotas
        },
    }


def quota_changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed: (before, after); empty dicts when nothing did."""
    old, new = {}, {}
    if before["total_seats"] != after["total_seats"]:
        old["total_seats"], new["total_seats"] = before["total_seats"], after["total_seats"]
    codes = sorted(set(before["quotas"]) | set(after["quotas"]))
    changed = {
        code: (before["quotas"].get(code), after["quotas"].get(code))
        for code in codes
        if before["quotas"].get(code) != after["quotas"].get(code)
    }
    if changed:
        old["quotas"] = {code: pair[0] for code, pair in changed.items()}
        new["quotas"] = {code: pair[1] for code, pair in changed.items()}
    return old, new


def saved_quota_values(cohort: Cohort) -> dict:
    quotas = EconomyQuota.objects.filter(cohort=cohort).select_related("economy")
    return quota_values(cohort, quotas)


class CohortCreateView(ScopedCreateView):
    def save_instance(self):
        cohort = super().save_instance()
        after = saved_quota_values(cohort)
        before = {
            "total_seats": None,
            "quotas": dict.fromkeys(after["quotas"]),
        }
        audit.record(cohort, "cohorts.quota_change", self.request.user, before=before, after=after)
        return cohort


class CohortEditView(ScopedEditView):
    """Saves under row locks: offers made meanwhile are neither overwritten nor exceeded."""

    def save_instance(self):
        cohort = self.form.instance
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        locked_quotas = {
            quota.pk: quota
            for quota in EconomyQuota.objects.select_for_update()
            .filter(cohort_id=cohort.pk)
            .select_related("economy")
        }
        before = quota_values(locked, locked_quotas.values())
        self._check_seats(locked, locked_quotas)
        # The form's copies were read before validation: keep the counts as they are now.
        cohort.accepted_count = locked.accepted_count
        for form in self._quota_forms():
            if form.instance.pk in locked_quotas:
                form.instance.accepted_count = locked_quotas[form.instance.pk].accepted_count
        cohort = super().save_instance()
        old, new = quota_changes(before, saved_quota_values(cohort))
        if old or new:
            audit.record(cohort, "cohorts.quota_change", self.request.user, before=old, after=new)
        return cohort

    def _quota_forms(self):
        formset = self.form.formsets.get("quotas")
        return formset.forms if formset is not None else []

    def _check_seats(self, locked, locked_quotas):
        from .admin_forms import quota_in_use_message, seats_below_accepted_message

        problems = []
        seats = self.form.cleaned_data.get("total_seats")
        if seats is not None and seats < locked.accepted_count:
            problems.append(
                (self.form, "total_seats", seats_below_accepted_message(locked.accepted_count))
            )
        formset = self.form.formsets.get("quotas")
        for form in self._quota_forms():
            current = locked_quotas.get(form.instance.pk)
            if current is None or not current.accepted_count:
                continue
            if formset.can_delete and form.cleaned_data.get("DELETE"):
                problems.append((self.form, None, quota_in_use_message(current)))
            elif (form.cleaned_data.get("seats") or 0) < current.accepted_count:
                problems.append(
                    (form, "seats", seats_below_accepted_message(current.accepted_count))
                )
        if problems:
            raise SeatsTaken(problems)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except SeatsTaken as exc:
            for target, field, message in exc.problems:
                target.add_error(field, message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class CohortDeleteView(ScopedDeleteView):
    protected_message = _(
        "This cohort has applications, so it cannot be deleted. Set its status to finished instead."
    )


def cohort_window(cohort: Cohort) -> str:
    return format_moment(cohort.closes_at, cohort.time_zone)


class CohortViewSet(ScopedViewSet):
    model = Cohort
    name = "admin_cohorts"
    url_prefix = "programme/cohorts"
    icon = "calendar"
    menu_label = _("Cohorts")
    menu_order = 200
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    delete_view_class = CohortDeleteView
    list_display = [
        "title",
        "programme",
        "year",
        "status",
        Column("closes_at", label=_("Applications close"), accessor=cohort_window),
        "total_seats",
        Column("accepted_count", label=_("Places offered")),
    ]
    list_filter = ["status", "year"]
    search_fields = ["title", "slug"]
    ordering = ["-year", "title"]
    list_select_related = ("programme",)

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("programme", permission="cohorts.add_cohort"),
                    FieldPanel("title"),
                    FieldRowPanel(
                        [
                            FieldPanel("slug", permission="cohorts.add_cohort"),
                            FieldPanel("year"),
                            FieldPanel("status"),
                        ]
                    ),
                    FieldPanel("description"),
                    MultiFieldPanel(
                        [
                            FieldPanel("time_zone"),
                            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                        ],
                        heading=_("Application window"),
                    ),
                    FieldRowPanel(
                        [FieldPanel("total_seats"), FieldPanel("accepted_count", read_only=True)]
                    ),
                    FieldPanel("languages"),
                    FieldRowPanel(
                        [
                            FieldPanel("essay_word_limit"),
                            FieldPanel("reviewers_per_application"),
                            FieldPanel("offer_response_days"),
                        ]
                    ),
                    FieldPanel("retention_days"),
                ],
                heading=_("Details"),
            ),
            ObjectList(
                [
                    FieldRowPanel(
                        [FieldPanel("pre_training_starts"), FieldPanel("pre_training_ends")]
                    ),
                    FieldRowPanel([FieldPanel("workshop_starts"), FieldPanel("workshop_ends")]),
                    FieldPanel("venue_city"),
                    FieldRowPanel(
                        [FieldPanel("post_training_starts"), FieldPanel("post_training_ends")]
                    ),
                ],
                heading=_("Stages"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "quotas",
                        heading=_("Economy quotas"),
                        label=_("Quota"),
                        help_text=_(
                            "Seats and wait-list places per economy. Seats cannot go below the "
                            "places already offered."
                        ),
                        panels=[
                            FieldPanel("economy"),
                            FieldRowPanel(
                                [
                                    FieldPanel("seats"),
                                    FieldPanel("reserve_places"),
                                    FieldPanel("accepted_count", read_only=True),
                                ]
                            ),
                        ],
                    )
                ],
                heading=_("Quotas"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "rubric",
                        heading=_("Review rubric"),
                        label=_("Criterion"),
                        help_text=_(
                            "Reviewers score each criterion from 1 to 5; the weighted mean ranks "
                            "applications."
                        ),
                        panels=[
                            FieldRowPanel([FieldPanel("title"), FieldPanel("weight")]),
                            FieldPanel("description"),
                            FieldPanel("level_1"),
                            FieldPanel("level_2"),
                            FieldPanel("level_3"),
                            FieldPanel("level_4"),
                            FieldPanel("level_5"),
                            FieldPanel("sort_order"),
                        ],
                    )
                ],
                heading=_("Rubric"),
            ),
            ObjectList(
                [translations_panel(FieldPanel("title"), FieldPanel("description"))],
                heading=_("Translations"),
            ),
        ],
        base_form_class=CohortForm,
    )


# -- Application questions ---------------------------------------------------------------------


class QuestionFilterSet(CohortFilterSet):
    kind = ChoiceFilter(label=_("Kind"), choices=QuestionKind.choices)

    class Meta:
        model = ApplicationQuestion
        fields = ["cohort", "kind"]


class ApplicationQuestionDeleteView(ScopedDeleteView):
    """A question applicants have answered stays: their answers are stored under it."""

    def form_valid(self, form):
        question = self.object
        answered = (
            Application.objects.filter(
                cohort_id=question.cohort_id, answers__has_key=str(question.pk)
            ).exists()
            or ApplicationFile.objects.filter(question=question).exists()
        )
        if answered:
            messages.error(
                self.request,
                _(
                    "Applicants have already answered this question, so it cannot be deleted. "
                    "You can make it optional instead."
                ),
            )
            return HttpResponseRedirect(reverse(self.edit_url_name, args=[question.pk]))
        return super().form_valid(form)


class ApplicationQuestionViewSet(ScopedViewSet):
    model = ApplicationQuestion
    name = "admin_questions"
    url_prefix = "programme/questions"
    icon = "help"
    menu_label = _("Application questions")
    menu_order = 300
    delete_view_class = ApplicationQuestionDeleteView
    list_display = ["label", "cohort", "kind", BooleanColumn("required"), "sort_order"]
    filterset_class = QuestionFilterSet
    search_fields = ["label"]
    ordering = ["cohort", "sort_order", "pk"]
    list_select_related = ("cohort",)

    edit_handler = ObjectList(
        [
            FieldPanel("cohort"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("required"), FieldPanel("sort_order")]),
            FieldPanel("label"),
            FieldPanel("help_text"),
            FieldPanel(
                "choices",
                help_text=_("Single and multiple choice only: one choice a line, at least two."),
            ),
            translations_panel(
                FieldPanel("label"),
                FieldPanel("help_text"),
                FieldPanel("choices"),
            ),
        ],
        base_form_class=ApplicationQuestionForm,
    )


# -- E-mail templates --------------------------------------------------------------------------

SAMPLE_NAME = "Ji-woo KIM"


def sample_values(template: MessageTemplate) -> dict:
    """Example values for a template's preview, in its language, from its cohort if any."""
    language = template.language_code
    cohort = template.cohort or Cohort.objects.select_related("programme").first()
    economy = Economy.objects.filter(code="ROK").prefetch_related("names").first()
    now = timezone.now()
    with translation.override(language):
        if cohort is not None:
            deadline = now + dt.timedelta(days=cohort.offer_response_days)
            cohort_title = cohort.translated("title", language)
            programme_title = cohort.programme.translated("title", language)
            reference = f"{cohort.reference_prefix}-00042"
            cohort_zone = cohort.time_zone
            link = reverse("cohorts:status", kwargs={"slug": cohort.slug})
        else:
            deadline = now + dt.timedelta(days=14)
            cohort_title = _("APEC School Leadership Program 2026")
            programme_title = _("APEC School Leadership Program")
            reference = "ASLP-2026-00042"
            cohort_zone = "Asia/Seoul"
            link = reverse("cohorts:my_applications")
        from .emails import absolute_url

        return {
            "name": SAMPLE_NAME,
            "cohort": cohort_title,
            "programme": programme_title,
            "reference": reference,
            "economy": economy.localized_name(language) if economy else "",
            "deadline": format_moment(deadline, "Asia/Bangkok"),
            "deadline_cohort_zone": format_moment(deadline, cohort_zone),
            "link": absolute_url(link),
        }


class MessageTemplateInspectView(ScopedInspectView):
    page_title = _("Preview")
    template_name = "cohorts/admin/message_template_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        values = sample_values(self.object)
        context["preview_subject"] = " ".join(fill(self.object.subject, values).split())
        context["preview_body"] = fill(self.object.body, values)
        context["sample_values"] = values
        return context


class MessageTemplateEditView(ScopedEditView):
    @cached_property
    def header_more_buttons(self):
        buttons = [b for b in super().header_more_buttons if b.icon_name != "info-circle"]
        buttons.append(
            Button(
                _("Preview"),
                url=reverse(self.inspect_url_name, args=[self.object.pk]),
                icon_name="view",
                priority=30,
            )
        )
        return buttons


class MessageTemplateFilterSet(CohortFilterSet):
    kind = ChoiceFilter(label=_("Message"), choices=MessageTemplate._meta.get_field("kind").choices)

    class Meta:
        model = MessageTemplate
        fields = ["kind", "language_code", "cohort"]


class MessageTemplateViewSet(ScopedViewSet):
    model = MessageTemplate
    name = "admin_email_templates"
    url_prefix = "programme/email-templates"
    icon = "mail"
    menu_label = _("E-mail templates")
    menu_order = 400
    inspect_view_enabled = True
    inspect_view_class = MessageTemplateInspectView
    inspect_view_fields = ["kind", "language_code", "cohort", "subject", "body"]
    edit_view_class = MessageTemplateEditView
    list_display = [
        "kind",
        "language_code",
        Column("cohort", label=_("Cohort"), accessor=lambda t: t.cohort or _("Every cohort")),
        "subject",
    ]
    filterset_class = MessageTemplateFilterSet
    search_fields = ["subject", "body"]
    ordering = ["kind", "language_code"]
    list_select_related = ("cohort",)

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("language_code")]),
            FieldPanel("cohort"),
            HelpPanel(content=PLACEHOLDER_HELP),
            FieldPanel("subject"),
            FieldPanel("body"),
        ],
        base_form_class=MessageTemplateForm,
    )


# -- Roles -------------------------------------------------------------------------------------


class RoleGrantCreateView(ScopedCreateView):
    def save_instance(self):
        grant = self.action_class(
            self.form.instance, user=self.request.user, form=self.form, log_action=False
        ).execute(skip_permission_checks=True)
        audit.record(grant, "cohorts.role_grant", self.request.user, after=role_snapshot(grant))
        return grant

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except IntegrityError:  # the same grant saved meanwhile by someone else
            form.add_error(None, form.duplicate_message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class RoleGrantEditView(ScopedEditView):
    def get_object(self, queryset=None):
        grant = super().get_object(queryset)
        self.before = role_snapshot(grant)  # as stored, before the form changes the instance
        return grant

    def save_instance(self):
        grant = self.action_class(
            self.form.instance, user=self.request.user, form=self.form, log_action=False
        ).execute(skip_permission_checks=True)
        after = role_snapshot(grant)
        if after != self.before:
            audit.record(
                grant, "cohorts.role_change", self.request.user, before=self.before, after=after
            )
        return grant

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except IntegrityError:
            form.add_error(None, form.duplicate_message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class RoleGrantDeleteView(ScopedDeleteView):
    def delete_action(self):
        grant = self.object
        with transaction.atomic():
            audit.record(
                grant, "cohorts.role_revoke", self.request.user, before=role_snapshot(grant)
            )
            self.action_class(grant, user=self.request.user, log_action=False).execute(
                skip_permission_checks=True
            )


class RoleGrantFilterSet(CohortFilterSet):
    role = ChoiceFilter(label=_("Role"), choices=Role.choices)

    class Meta:
        model = RoleGrant
        fields = ["role", "cohort", "economy"]


def role_scope(grant: RoleGrant) -> str:
    return str(grant.cohort) if grant.cohort_id else str(_("Every cohort"))


class RoleGrantViewSet(ScopedViewSet):
    model = RoleGrant
    name = "admin_roles"
    url_prefix = "programme/roles"
    icon = "key"
    menu_label = _("Roles")
    menu_order = 500
    add_view_class = RoleGrantCreateView
    edit_view_class = RoleGrantEditView
    delete_view_class = RoleGrantDeleteView
    list_display = [
        Column("user", label=_("Person"), accessor="user.email"),
        "role",
        Column("cohort", label=_("Cohort"), accessor=role_scope),
        "economy",
        "granted_at",
    ]
    filterset_class = RoleGrantFilterSet
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    ordering = ["role", "user__email"]
    list_select_related = ("user", "cohort", "economy")

    edit_handler = ObjectList(
        [
            FieldPanel("user"),
            FieldPanel("role"),
            FieldRowPanel([FieldPanel("cohort"), FieldPanel("economy")]),
            HelpPanel(
                content=_(
                    "Organizers and reviewers: one cohort. Coordinators: the economy they "
                    "coordinate. A reviewer's economy is their own, whose applicants they never "
                    "review. The role takes effect on the person's next page."
                )
            ),
        ],
        base_form_class=RoleGrantForm,
    )


# -- The link to the organizers' front end -----------------------------------------------------


class SelectionMenuItem(MenuItem):
    """Organizers do the selection work in the front end (/manage/)."""

    def is_shown(self, request):
        return is_organizer(request.user)


def selection_menu_item() -> MenuItem:
    return SelectionMenuItem(
        _("Selection (front end)"),
        reverse_lazy("cohorts:manage_home"),
        name="selection-front-end",
        icon_name="list-ul",
        order=600,
    )


PROGRAMME_VIEWSETS = (
    ProgrammeViewSet,
    CohortViewSet,
    ApplicationQuestionViewSet,
    MessageTemplateViewSet,
    RoleGrantViewSet,
)

__all__ = ["PROGRAMME_VIEWSETS", "selection_menu_item"]
