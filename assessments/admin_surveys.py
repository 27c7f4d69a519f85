"""The survey builder in the Wagtail admin: surveys (with their translations and sections) and
their questions.

* Organizers see and edit the surveys of the cohorts they organize (``SurveyPolicy``) and their
  questions (``SurveyQuestionPolicy``); another cohort's survey or question answers 404.
* Scale labels, options and matrix items are typed one per line, ``value | label`` or
  ``key | label``; translations use the same lines with the source's values and keys, so every
  language's answers are stored alike.
* Whether a survey is anonymous cannot change once someone has answered it.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from aslp_site.core.admin_forms import AdminModelForm
from cohorts.admin_forms import TranslationsMixin, cohorts_for
from cohorts.admin_policies import CohortScopedPolicy
from cohorts.admin_views import ScopedViewSet, language_select, translations_panel
from trainings.models import Activity, ActivityKind, Stage

from .models import QuestionKind, Survey, SurveyQuestion, SurveyResponse, SurveySection

# -- Permission policies ----------------------------------------------------------------------


class SurveyPolicy(CohortScopedPolicy):
    """Organizers build the surveys of their cohorts."""


class SurveyQuestionPolicy(CohortScopedPolicy):
    """Organizers write the questions of their cohorts' surveys."""

    def scope(self, cohort_ids):
        return Q(section__survey__cohort_id__in=cohort_ids)

    def in_scope(self, instance, cohort_ids):
        return instance.section.survey.cohort_id in cohort_ids

    def _cohort_id(self, instance):
        return instance.section.survey.cohort_id


class SurveySectionPolicy(CohortScopedPolicy):
    """Organizers write (and translate) the sections of their cohorts' surveys."""

    def scope(self, cohort_ids):
        return Q(survey__cohort_id__in=cohort_ids)

    def in_scope(self, instance, cohort_ids):
        return instance.survey.cohort_id in cohort_ids

    def _cohort_id(self, instance):
        return instance.survey.cohort_id


survey_policy = SurveyPolicy(Survey)
section_policy = SurveySectionPolicy(SurveySection)
question_policy = SurveyQuestionPolicy(SurveyQuestion)
_registered = False


def register_policies() -> None:
    global _registered
    if _registered:
        return
    register_permission_policy(Survey, survey_policy, exact_class=True)
    register_permission_policy(SurveySection, section_policy, exact_class=True)
    register_permission_policy(SurveyQuestion, question_policy, exact_class=True)
    _registered = True


register_policies()


# -- Lines "key | label" ---------------------------------------------------------------------------

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
LINES_HELP = {
    "scale_labels": _(
        "One per line: value | label, e.g. 1 | Strongly disagree. Points without a label show "
        "their number."
    ),
    "options": _("One per line: key | label, e.g. lesson-study | Lesson study."),
    "items": _("One per line: key | label, e.g. plan | Planning a school project."),
}


def parse_lines(text: str, *, numbered: bool) -> list[dict]:
    """``[{"value": 1, "label": ...}]`` (numbered) or ``[{"key": "...", "label": ...}]``.

    Raises ``ValidationError`` naming the line at fault."""
    found, seen, errors = [], set(), []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if "|" not in line:
            errors.append(
                _("Line %(number)d: write “%(format)s”.")
                % {"number": number, "format": "value | label" if numbered else "key | label"}
            )
            continue
        key, label = (part.strip() for part in line.split("|", 1))
        if not label:
            errors.append(_("Line %(number)d: the label is missing.") % {"number": number})
            continue
        if numbered:
            try:
                key = int(key)
            except ValueError:
                errors.append(
                    _("Line %(number)d: the value must be a whole number.") % {"number": number}
                )
                continue
        elif not KEY_PATTERN.match(key):
            errors.append(
                _(
                    "Line %(number)d: the key may hold lower-case letters, digits, - and _ "
                    "(up to 60)."
                )
                % {"number": number}
            )
            continue
        if key in seen:
            errors.append(
                _("Line %(number)d: %(key)s is used twice.") % {"number": number, "key": key}
            )
            continue
        seen.add(key)
        found.append({"value" if numbered else "key": key, "label": label})
    if errors:
        raise ValidationError(errors)
    return found


def format_lines(entries, *, numbered: bool) -> str:
    ident = "value" if numbered else "key"
    return "\n".join(f"{entry.get(ident)} | {entry.get('label', '')}" for entry in entries or [])


LIST_FIELDS = (("scale_labels", True), ("options", False), ("items", False))


def lines_field(name: str, label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=LINES_HELP[name],
    )


class LinesMixin:
    """Edits the JSON lists as ``<name>_lines`` textareas."""

    def _init_lines(self):
        for name, numbered in LIST_FIELDS:
            field = f"{name}_lines"
            if field in self.fields and not self.is_bound:
                self.initial[field] = format_lines(getattr(self.instance, name), numbered=numbered)

    def _clean_lines(self) -> dict[str, list]:
        parsed = {}
        for name, numbered in LIST_FIELDS:
            field = f"{name}_lines"
            if field not in self.fields:
                continue
            try:
                parsed[name] = parse_lines(self.cleaned_data.get(field, ""), numbered=numbered)
            except ValidationError as error:
                self.add_error(field, error)
        return parsed


class QuestionTranslationForm(LinesMixin, AdminModelForm):
    scale_labels_lines = lines_field("scale_labels", _("Scale labels"))
    options_lines = lines_field("options", _("Options"))
    items_lines = lines_field("items", _("Matrix items"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_lines()

    def clean(self):
        cleaned_data = super().clean()
        self.parsed = self._clean_lines()
        for name, value in self.parsed.items():
            setattr(self.instance, name, value)
        return cleaned_data


class QuestionTranslationsPanel(InlinePanel):
    """The question's translations, whose lists are edited as lines too."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = QuestionTranslationForm
        return options


# -- Surveys ---------------------------------------------------------------------------------------


class SurveyForm(TranslationsMixin, AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = cohorts_for(self.for_user)
        self.fields["cohort"].queryset = cohorts
        self.fields["stage"].queryset = Stage.objects.filter(cohort__in=cohorts).select_related(
            "cohort"
        )
        self.fields["stage"].label_from_instance = lambda stage: f"{stage.cohort}: {stage}"
        self.fields["activity"].queryset = Activity.objects.filter(
            kind=ActivityKind.SURVEY, stage__cohort__in=cohorts
        ).select_related("stage__cohort")
        self.fields["activity"].label_from_instance = lambda activity: (
            f"{activity.stage.cohort}: {activity.title}"
        )
        if self.instance.pk and self.has_responses():
            self.fields["is_anonymous"].help_text = _(
                "Someone has answered this survey, so this can no longer be changed."
            )

    def has_responses(self) -> bool:
        return SurveyResponse.objects.filter(survey_id=self.instance.pk).exists()

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        if (
            self.instance.pk
            and "is_anonymous" in cleaned_data
            and cleaned_data["is_anonymous"]
            != Survey.objects.filter(pk=self.instance.pk).values_list("is_anonymous", flat=True)[0]
            and self.has_responses()
        ):
            self.add_error(
                "is_anonymous",
                _(
                    "Someone has answered this survey: whether it is anonymous cannot change "
                    "any more. Make a new survey instead."
                ),
            )
        activity = cleaned_data.get("activity")
        cohort = cleaned_data.get("cohort")
        if activity and cohort and activity.stage.cohort_id != cohort.pk:
            self.add_error("activity", _("This activity belongs to another cohort."))
        return cleaned_data


class SurveyFilterSet(WagtailFilterSet):
    cohort = ModelChoiceFilter(
        label=_("Cohort"), queryset=lambda request: cohorts_for(getattr(request, "user", None))
    )

    class Meta:
        model = Survey
        fields = ["cohort", "purpose", "is_anonymous"]


class SurveyViewSet(ScopedViewSet):
    model = Survey
    name = "admin_surveys"
    url_prefix = "programme/surveys"
    icon = "list-ul"
    menu_label = _("Surveys")
    menu_order = 300
    list_display = ["title", "cohort", "purpose", "opens_at", "closes_at", "is_anonymous"]
    filterset_class = SurveyFilterSet
    search_fields = ["title"]
    ordering = ["cohort", "opens_at", "pk"]
    list_select_related = ("cohort",)

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("cohort"), FieldPanel("purpose")]),
            FieldRowPanel([FieldPanel("stage"), FieldPanel("activity")]),
            FieldPanel("title"),
            FieldPanel("introduction"),
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldPanel("is_anonymous"),
            translations_panel(FieldPanel("title"), FieldPanel("introduction")),
            InlinePanel(
                "sections",
                heading=_("Sections"),
                label=_("Section"),
                help_text=_(
                    "Questions are added under “Survey questions” once sections exist; "
                    "sections are translated under “Survey sections”."
                ),
                panels=[FieldPanel("title"), FieldPanel("description"), FieldPanel("sort_order")],
            ),
        ],
        base_form_class=SurveyForm,
    )


# -- Sections (with their translations) ------------------------------------------------------------


class SurveySectionForm(TranslationsMixin, AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["survey"]
        field.queryset = Survey.objects.filter(
            cohort__in=cohorts_for(self.for_user)
        ).select_related("cohort")
        field.label_from_instance = lambda survey: f"{survey.cohort}: {survey.title}"

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


class SectionFilterSet(WagtailFilterSet):
    survey = ModelChoiceFilter(
        label=_("Survey"),
        queryset=lambda request: Survey.objects.filter(
            cohort__in=cohorts_for(getattr(request, "user", None))
        ),
    )

    class Meta:
        model = SurveySection
        fields = ["survey"]


class SurveySectionViewSet(ScopedViewSet):
    model = SurveySection
    name = "admin_survey_sections"
    url_prefix = "programme/survey-sections"
    icon = "list-ol"
    menu_label = _("Survey sections")
    menu_order = 305
    list_display = ["title", "survey", "sort_order"]
    filterset_class = SectionFilterSet
    search_fields = ["title"]
    ordering = ["survey", "sort_order", "pk"]
    list_select_related = ("survey__cohort",)

    edit_handler = ObjectList(
        [
            FieldPanel("survey"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("sort_order"),
            translations_panel(FieldPanel("title"), FieldPanel("description")),
        ],
        base_form_class=SurveySectionForm,
    )


# -- Questions -------------------------------------------------------------------------------------


class SurveyQuestionForm(LinesMixin, TranslationsMixin, AdminModelForm):
    scale_labels_lines = lines_field("scale_labels", _("Scale labels"))
    options_lines = lines_field("options", _("Options"))
    items_lines = lines_field("items", _("Matrix items"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_lines()
        self.fields["section"].queryset = SurveySection.objects.filter(
            survey__cohort__in=cohorts_for(self.for_user)
        ).select_related("survey__cohort")
        self.fields["section"].label_from_instance = lambda section: (
            f"{section.survey.cohort} · {section.survey}: {section.title}"
        )

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        parsed = self._clean_lines()
        kind = cleaned_data.get("kind")
        points = cleaned_data.get("scale_points") or 0
        labels = parsed.get("scale_labels", [])
        options = parsed.get("options", [])
        items = parsed.get("items", [])
        low, high = (0, 10) if kind == QuestionKind.RATING else (1, points)
        if "scale_labels" in parsed:
            for entry in labels:
                if not low <= entry["value"] <= high:
                    self.add_error(
                        "scale_labels_lines",
                        _("%(value)s is not a point of the scale (%(low)s to %(high)s).")
                        % {"value": entry["value"], "low": low, "high": high},
                    )
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and "options" in parsed:
            if len(options) < 2:
                self.add_error("options_lines", _("Give at least two options."))
        if kind == QuestionKind.MATRIX and "items" in parsed and not items:
            self.add_error("items_lines", _("Give at least one item."))
        if kind not in (QuestionKind.LIKERT, QuestionKind.RATING, QuestionKind.MATRIX):
            labels = []
        if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = []
        if kind != QuestionKind.MATRIX:
            items = []
        self.instance.scale_labels, self.instance.options, self.instance.items = (
            labels,
            options,
            items,
        )
        self._check_translations({"scale_labels": labels, "options": options, "items": items})
        return cleaned_data

    def _check_translations(self, source: dict[str, list]):
        """Translated lines must use the source's values and keys."""
        formset = self.formsets.get("translations")
        for form in formset.forms if formset is not None else []:
            if not form.is_valid() or (formset.can_delete and form.cleaned_data.get("DELETE")):
                continue
            for name, numbered in LIST_FIELDS:
                ident = "value" if numbered else "key"
                known = {entry[ident] for entry in source[name]}
                unknown = [
                    str(entry[ident])
                    for entry in getattr(form, "parsed", {}).get(name, [])
                    if entry[ident] not in known
                ]
                if unknown:
                    form.add_error(
                        f"{name}_lines",
                        _("Not in the question: %(keys)s. Use the same values and keys.")
                        % {"keys": ", ".join(unknown)},
                    )


class QuestionFilterSet(WagtailFilterSet):
    section__survey = ModelChoiceFilter(
        label=_("Survey"),
        queryset=lambda request: Survey.objects.filter(
            cohort__in=cohorts_for(getattr(request, "user", None))
        ),
    )
    section = ModelChoiceFilter(
        label=_("Section"),
        queryset=lambda request: SurveySection.objects.filter(
            survey__cohort__in=cohorts_for(getattr(request, "user", None))
        ).select_related("survey"),
    )

    class Meta:
        model = SurveyQuestion
        fields = ["section__survey", "section", "kind"]


class SurveyQuestionViewSet(ScopedViewSet):
    model = SurveyQuestion
    name = "admin_survey_questions"
    url_prefix = "programme/survey-questions"
    icon = "help"
    menu_label = _("Survey questions")
    menu_order = 310
    list_display = ["text", "kind", "section", "required", "sort_order"]
    filterset_class = QuestionFilterSet
    search_fields = ["text"]
    ordering = ["section__survey", "section__sort_order", "sort_order", "pk"]
    list_select_related = ("section__survey",)

    edit_handler = ObjectList(
        [
            FieldPanel("section"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("required"), FieldPanel("sort_order")]),
            FieldPanel("text"),
            FieldPanel("help_text"),
            FieldPanel("scale_points"),
            FieldPanel("scale_labels_lines"),
            FieldPanel("options_lines"),
            FieldPanel("items_lines"),
            FieldPanel("competence_key"),
            QuestionTranslationsPanel(
                "translations",
                heading=_("Translations"),
                label=_("Translation"),
                help_text=_(
                    "The question in other site languages, with the same values and keys; "
                    "where a text has no translation, the English is shown."
                ),
                panels=[
                    FieldPanel("language_code", widget=language_select()),
                    FieldPanel("text"),
                    FieldPanel("help_text"),
                    FieldPanel("scale_labels_lines"),
                    FieldPanel("options_lines"),
                    FieldPanel("items_lines"),
                ],
            ),
        ],
        base_form_class=SurveyQuestionForm,
    )


class SurveyViewSetGroup(ViewSetGroup):
    menu_label = _("Surveys")
    menu_icon = "list-ul"
    menu_order = 260
    items = (SurveyViewSet, SurveySectionViewSet, SurveyQuestionViewSet)
