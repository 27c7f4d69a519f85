"""Forms of the Programme screens in the Wagtail admin (used as the panels' base form classes).

The forms add what the models cannot check alone: choices limited to the cohorts the person
organizes, seats never below the places already offered, translations only into languages other
than the source language, known e-mail placeholders, a person picked by their e-mail address,
and plain-language messages for duplicates.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.widgets import AdminDateTimeInput

from aslp_site.accounts.forms import TimeZoneField
from aslp_site.accounts.models import User, time_zone_names
from aslp_site.core.admin_forms import AdminModelForm

from .admin_policies import ORGANIZER_GRANTABLE_ROLES, organized_cohort_ids
from .emails import PLACEHOLDERS
from .models import Cohort, Economy, QuestionKind, RoleGrant, Score

# Titles, descriptions and questions are written in English first; translations give the rest.
SOURCE_LANGUAGE = "en"

PLACEHOLDER_HELP = _(
    "You can use these placeholders; each is replaced for every recipient: {name} (the "
    "applicant's name), {cohort}, {programme}, {reference} (the application reference), "
    "{economy}, {deadline} (in the reader's time zone), {deadline_cohort_zone} (in the "
    "cohort's time zone), {link} (the applicant's page)."
)


def _label(model, field_name: str):
    return capfirst(model._meta.get_field(field_name).verbose_name)


def _help(model, field_name: str):
    return model._meta.get_field(field_name).help_text


def translation_languages() -> list[tuple[str, str]]:
    """The site languages a title or question can be translated into."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def cohorts_for(user):
    """The cohorts the user may pick in a form: every cohort for superusers, else their own."""
    if user is not None and user.is_active and user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(pk__in=organized_cohort_ids(user))


class TranslationsMixin:
    """Refuses translation rows in the source language (it is written in the main fields)."""

    translation_relations: tuple[str, ...] = ("translations",)

    def clean_translations(self):
        for relation in self.translation_relations:
            formset = self.formsets.get(relation)
            seen: set[str] = set()
            for form in formset.forms if formset is not None else []:
                if not form.is_valid() or _deleted(formset, form):
                    continue
                language = form.cleaned_data.get("language_code")
                if language == SOURCE_LANGUAGE:
                    form.add_error(
                        "language_code",
                        _(
                            "English is written in the main fields above; choose another "
                            "language for a translation."
                        ),
                    )
                elif language in seen:
                    form.add_error(
                        "language_code",
                        _("There is already a translation in this language above."),
                    )
                seen.add(language)


def _deleted(formset, form) -> bool:
    return bool(formset.can_delete and form.cleaned_data.get("DELETE"))


class FriendlyDuplicateMixin:
    """Replaces Django's "… with this A, B and C already exists." by a plain sentence."""

    duplicate_message = ""

    def _update_errors(self, errors):
        if self.duplicate_message and hasattr(errors, "error_dict"):
            for field, field_errors in errors.error_dict.items():
                errors.error_dict[field] = [
                    ValidationError(self.duplicate_message, code="duplicate")
                    if error.code == "unique_together"
                    else error
                    for error in field_errors
                ]
        super()._update_errors(errors)


# -- Programmes --------------------------------------------------------------------------------


class ProgrammeForm(TranslationsMixin, AdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


# -- Cohorts -----------------------------------------------------------------------------------


class CohortDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the cohort's time zone (not the editor's)."""

    def __init__(self, **kwargs):
        self.zone = None
        kwargs.setdefault("widget", AdminDateTimeInput)
        super().__init__(**kwargs)

    def _in_zone(self, method, value):
        if self.zone is None:
            return method(value)
        with timezone.override(self.zone):
            return method(value)

    def to_python(self, value):
        return self._in_zone(super().to_python, value)

    def prepare_value(self, value):
        return self._in_zone(super().prepare_value, value)


class CohortForm(TranslationsMixin, AdminModelForm):
    """Dates in the cohort's zone, languages as checkboxes, seats never below offers made."""

    time_zone = TimeZoneField(
        label=_label(Cohort, "time_zone"), help_text=_help(Cohort, "time_zone")
    )
    languages = forms.MultipleChoiceField(
        label=_label(Cohort, "languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages in which the cohort is run."),
    )
    opens_at = CohortDateTimeField(label=_label(Cohort, "opens_at"))
    closes_at = CohortDateTimeField(label=_label(Cohort, "closes_at"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self._zone_for_dates()
        for name in ("opens_at", "closes_at"):
            field = self.fields[name]
            field.zone = zone
            field.help_text = _("Date and time in the cohort's time zone (%(zone)s).") % {
                "zone": zone
            }

    def _zone_for_dates(self) -> str:
        """The zone the dates are typed in: the one chosen on this form, else the stored one."""
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("time_zone"), "")
            if chosen in time_zone_names():
                return chosen
        stored = self.instance.time_zone or Cohort._meta.get_field("time_zone").default
        return stored if stored in time_zone_names() else "UTC"

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        self._clean_seats(cleaned_data)
        self._clean_quotas()
        self._clean_rubric()
        return cleaned_data

    def _clean_seats(self, cleaned_data):
        seats = cleaned_data.get("total_seats")
        accepted = self.instance.accepted_count
        if seats is not None and seats < accepted:
            self.add_error("total_seats", seats_below_accepted_message(accepted))

    def _clean_quotas(self):
        formset = self.formsets.get("quotas")
        for form in formset.forms if formset is not None else []:
            quota = form.instance
            if quota.pk is None or not form.is_valid():
                continue
            if _deleted(formset, form):
                if quota.accepted_count:
                    self.add_error(None, quota_in_use_message(quota))
                continue
            seats = form.cleaned_data.get("seats")
            if seats is not None and seats < quota.accepted_count:
                form.add_error("seats", seats_below_accepted_message(quota.accepted_count))
            economy = form.cleaned_data.get("economy")
            if quota.accepted_count and economy is not None and economy.pk != quota.economy_id:
                form.add_error(
                    "economy",
                    _(
                        "Applicants from this economy already hold places; add a new row for "
                        "another economy instead of changing this one."
                    ),
                )

    def _clean_rubric(self):
        formset = self.formsets.get("rubric")
        if formset is None:
            return
        removed = {
            form.instance.pk: form.instance
            for form in formset.forms
            if form.instance.pk and form.is_valid() and _deleted(formset, form)
        }
        if not removed:
            return
        scored = set(
            Score.objects.filter(criterion_id__in=removed).values_list("criterion_id", flat=True)
        )
        for pk in sorted(scored):
            self.add_error(
                None,
                _(
                    "The criterion “%(title)s” already has reviewers' scores, so it cannot be "
                    "removed."
                )
                % {"title": removed[pk].title},
            )


def seats_below_accepted_message(accepted: int) -> str:
    return ngettext(
        "%(count)s place has already been offered or confirmed, so there must be at least "
        "%(count)s seat.",
        "%(count)s places have already been offered or confirmed, so there must be at least "
        "%(count)s seats.",
        accepted,
    ) % {"count": accepted}


def quota_in_use_message(quota) -> str:
    return ngettext(
        "The quota of %(economy)s cannot be removed: %(count)s applicant from it holds an "
        "offer or a confirmed place.",
        "The quota of %(economy)s cannot be removed: %(count)s applicants from it hold offers "
        "or confirmed places.",
        quota.accepted_count,
    ) % {"economy": quota.economy, "count": quota.accepted_count}


# -- Application questions ---------------------------------------------------------------------


class ApplicationQuestionForm(TranslationsMixin, AdminModelForm):
    """The cohort is one the person organizes and stays fixed once the question exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohort_field = self.fields["cohort"]
        cohort_field.queryset = cohorts_for(self.for_user).select_related("programme")
        if self.instance.pk:
            cohort_field.disabled = True
            cohort_field.help_text = _(
                "Answers are kept with the question, so it stays in its cohort."
            )

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        self._clean_translated_choices(cleaned_data)
        return cleaned_data

    def _clean_translated_choices(self, cleaned_data):
        kind = cleaned_data.get("kind")
        if kind not in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            return
        count = len([line for line in cleaned_data.get("choices", "").splitlines() if line.strip()])
        formset = self.formsets.get("translations")
        for form in formset.forms if formset is not None else []:
            if not form.is_valid() or _deleted(formset, form):
                continue
            text = form.cleaned_data.get("choices", "")
            given = len([line for line in text.splitlines() if line.strip()])
            if given and given != count:
                form.add_error(
                    "choices",
                    ngettext(
                        "Give %(count)s choice, as in English, in the same order.",
                        "Give %(count)s choices, as in English, in the same order.",
                        count,
                    )
                    % {"count": count},
                )


# -- E-mail templates --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


class MessageTemplateForm(FriendlyDuplicateMixin, AdminModelForm):
    """Organizers write templates for their own cohorts; only superusers for every cohort."""

    duplicate_message = _(
        "There is already a template for this message in this language for the same cohort "
        "(or for every cohort). Edit that one instead."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohort_field = self.fields["cohort"]
        cohort_field.queryset = cohorts_for(self.for_user)
        if self.for_user is not None and self.for_user.is_superuser:
            cohort_field.empty_label = _("Every cohort")
        else:
            cohort_field.required = True
            cohort_field.help_text = _("The cohort whose applicants receive this text.")

    def clean(self):
        cleaned_data = super().clean()
        for name in ("subject", "body"):
            unknown = unknown_placeholders(cleaned_data.get(name) or "")
            if unknown:
                self.add_error(
                    name,
                    _("Unknown placeholder: %(unknown)s. Use only: %(known)s.")
                    % {
                        "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                        "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                    },
                )
        return cleaned_data


# -- Roles -------------------------------------------------------------------------------------


class PersonByEmailField(forms.ModelChoiceField):
    """A person picked by typing the e-mail address they sign in with.

    Typing the address (rather than picking from a list) keeps the list of accounts private:
    organizers see no one's address they did not already know.
    """

    widget = forms.EmailInput
    default_error_messages = {
        "invalid_choice": _(
            "No active account uses this e-mail address. Ask the person to sign up first, "
            "then give them the role."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        kwargs.setdefault("to_field_name", "email")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if "\x00" in value or len(value) > 254:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        matches = list(self.queryset.filter(email__iexact=value)[:2])
        exact = [person for person in matches if person.email == value]
        if len(matches) == 1 or exact:
            return (exact or matches)[0]
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")

    def prepare_value(self, value):
        if isinstance(value, User):
            return value.email
        if isinstance(value, int):
            person = User.objects.filter(pk=value).only("email").first()
            return person.email if person else ""
        return super().prepare_value(value)

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "").strip()


class RoleGrantForm(FriendlyDuplicateMixin, AdminModelForm):
    """Organizers may give reviewer and coordinator roles in their own cohorts only."""

    duplicate_message = _("This person already has this role with the same cohort and economy.")

    user = PersonByEmailField(
        label=_("Person (e-mail address)"),
        help_text=_("The e-mail address the person signs in with."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        is_superuser = bool(user is not None and user.is_active and user.is_superuser)
        role_field = self.fields["role"]
        cohort_field = self.fields["cohort"]
        cohort_field.queryset = cohorts_for(user)
        economy_field = self.fields["economy"]
        economy_field.queryset = Economy.objects.prefetch_related("names")
        economy_field.label_from_instance = lambda economy: economy.localized_name()
        if is_superuser:
            cohort_field.empty_label = _("Every cohort")
            cohort_field.help_text = _(
                "Coordinators and certificate staff may be given every cohort; organizers and "
                "reviewers are given one."
            )
        else:
            role_field.choices = [("", "---------")] + [
                (role.value, role.label) for role in ORGANIZER_GRANTABLE_ROLES
            ]
            cohort_field.required = True
            cohort_field.help_text = _("One of the cohorts you organize.")

    def clean_role(self):
        role = self.cleaned_data.get("role")
        user = self.for_user
        if role and not (user is not None and user.is_superuser):
            if role not in ORGANIZER_GRANTABLE_ROLES:
                raise ValidationError(
                    _("Only administrators give the organizer and certificate-staff roles."),
                    code="not_allowed",
                )
        return role


def role_snapshot(grant: RoleGrant) -> dict:
    """The audited description of a role grant."""
    return {
        "person": grant.user.email if grant.user_id else None,
        "role": grant.role,
        "cohort": grant.cohort.slug if grant.cohort_id else None,
        "economy": grant.economy.code if grant.economy_id else None,
    }


__all__ = [
    "ApplicationQuestionForm",
    "CohortForm",
    "MessageTemplateForm",
    "ProgrammeForm",
    "RoleGrantForm",
    "role_snapshot",
    "translation_languages",
]
