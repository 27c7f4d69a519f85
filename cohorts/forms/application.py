"""The applicant's form: profile, motivation essay, files and the cohort's extra questions.

One form serves both buttons. Validation runs in two steps so that nothing typed is lost:

1. ``is_valid()`` checks only what could not be stored: a number that is not a number, a choice
   not offered, a text longer than its column, NUL characters, a refused file. Every field
   that passes is kept by :meth:`ApplicationForm.draft_values` ("Save draft", autosave, and a
   submit that fails);
2. :meth:`ApplicationForm.check_complete` adds what a submission needs: required answers, names
   in Latin letters as in the passport, the essay within the cohort's word limit, a plausible
   phone number and the required files.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from aslp_site.accounts.forms import TimeZoneField
from aslp_site.accounts.models import time_zone_choices
from aslp_site.core.uploads import ALL_KINDS, SafeFileField

from ..models import (
    Application,
    ApplicationQuestion,
    Economy,
    EconomyQuota,
    EndorsementStatus,
    FileKind,
    Gender,
    Position,
    QuestionKind,
    SchoolLevel,
)

ESSAY_MAX_CHARACTERS = 20_000
SHORT_ANSWER_MAX = 500
LONG_ANSWER_MAX = 10_000
# Punctuation that passport names may carry next to Latin letters.
NAME_PUNCTUATION = frozenset(" -'’.")
PHONE = re.compile(r"^\+?[\d\s().\-/]+(?:\s*(?:ext\.?|x)\s*\d+)?$", re.IGNORECASE)

CV_KINDS = ("pdf", "docx")
LETTER_KINDS = ("pdf",)
ANSWER_FILE_KINDS = ALL_KINDS

# Profile fields stored on Application, in form order.
PROFILE_FIELDS = (
    "family_name",
    "given_names",
    "native_name",
    "gender",
    "position",
    "position_detail",
    "school_name",
    "school_level",
    "years_experience",
    "economy",
    "preferred_language",
    "time_zone",
    "phone",
)
TEXT_FIELDS = PROFILE_FIELDS + ("motivation",)
# Needed for a submission (the native-script name is optional).
REQUIRED_ON_SUBMIT = tuple(f for f in TEXT_FIELDS if f != "native_name")
FILE_SLOTS = ("cv", "endorsement_letter")


def count_words(text: str) -> int:
    """Words as the page counts them: runs of characters between white space."""
    return len((text or "").split())


def is_latin_name(value: str) -> bool:
    """Latin letters (accents allowed), spaces, hyphens, apostrophes and full stops only."""
    for char in value:
        if char in NAME_PUNCTUATION:
            continue
        if not char.isalpha():
            return False
        try:
            if not unicodedata.name(char).startswith("LATIN "):
                return False
        except ValueError:
            return False
    return any(char.isalpha() for char in value)


def question_field_name(question: ApplicationQuestion) -> str:
    return f"question_{question.pk}"


def question_slot(question: ApplicationQuestion) -> str:
    """The upload slot of a file question (``question-<id>``, as the upload endpoint takes)."""
    return f"question-{question.pk}"


class EconomyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Economy) -> str:
        return obj.localized_name()


class ApplicationForm(forms.Form):
    """The application of one person to one cohort (see the module docstring)."""

    # Browsers must not block "Save draft" on empty required fields: the server decides.
    use_required_attribute = False

    family_name = forms.CharField(
        label=_("Family name (as in passport)"),
        max_length=100,
        help_text=_("In Latin letters, exactly as printed in your passport."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    given_names = forms.CharField(
        label=_("Given names (as in passport)"),
        max_length=150,
        help_text=_("In Latin letters, exactly as printed in your passport."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    native_name = forms.CharField(
        label=_("Full name in native script"),
        max_length=200,
        help_text=_("Optional: your name as written in your own language, e.g. 김민지."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices])
    position = forms.ChoiceField(label=_("Position"), choices=[("", "—"), *Position.choices])
    position_detail = forms.CharField(
        label=_("Job title"),
        max_length=200,
        help_text=_("Your title as your school or office states it."),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    school_name = forms.CharField(
        label=_("School or institution"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    school_level = forms.ChoiceField(
        label=_("School level"), choices=[("", "—"), *SchoolLevel.choices]
    )
    years_experience = forms.IntegerField(
        label=_("Years of experience in education"),
        min_value=0,
        max_value=60,
        help_text=_("Whole years, from 0 to 60."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    economy = EconomyChoiceField(
        label=_("Economy"),
        queryset=Economy.objects.none(),
        empty_label="—",
        help_text=_("The economy whose coordinator endorses your application."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", "—"), *settings.LANGUAGES],
        help_text=_("We write to you in this language."),
    )
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Dates and deadlines are shown to you in this time zone."),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        strip=False,
        help_text=_("With the international code, e.g. +82 2 1234 5678. Kept as you type it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    motivation = forms.CharField(
        label=_("Motivation essay"),
        max_length=ESSAY_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    cv = SafeFileField(
        label=_("CV"),
        kinds=CV_KINDS,
        help_text=_("PDF or DOCX, up to 10 MB."),
    )
    endorsement_letter = SafeFileField(
        label=_("Endorsement letter"),
        kinds=LETTER_KINDS,
        help_text=_(
            "A PDF letter from your ministry, education office or school board, up to 10 MB."
        ),
    )

    def __init__(
        self,
        data=None,
        files=None,
        *,
        cohort,
        application: Application | None,
        questions: list[ApplicationQuestion],
        user=None,
        **kwargs,
    ):
        self.cohort = cohort
        self.application = application
        self.questions = questions
        super().__init__(data, files, **kwargs)
        for field in self.fields.values():
            field.required = False
        for name in REQUIRED_ON_SUBMIT + FILE_SLOTS:
            self.fields[name].widget.attrs["aria-required"] = "true"
            self.fields[name].required_on_submit = True

        # The economies with seats in this cohort (all of them if no quota is set yet), plus the
        # one already chosen, so that a quota removed later does not empty the answer.
        offered = Q(quotas__cohort=cohort)
        if application is not None and application.economy_id:
            offered |= Q(pk=application.economy_id)
        if EconomyQuota.objects.filter(cohort=cohort).exists():
            queryset = Economy.objects.filter(offered).distinct()
        else:
            queryset = Economy.objects.all()
        self.fields["economy"].queryset = queryset.prefetch_related("names").order_by(
            "sort_order", "name"
        )
        if self.economy_is_fixed:
            field = self.fields["economy"]
            field.disabled = True
            field.queryset = Economy.objects.filter(pk=application.economy_id).prefetch_related(
                "names"
            )
            field.help_text = (
                _("You were nominated by your economy's coordinator; the economy is fixed.")
                if application.nominated_by_id
                else _("Your coordinator has already answered; the economy can no longer change.")
            )

        essay = self.fields["motivation"]
        essay.help_text = ngettext_lazy(
            "At most %(limit)d word. Tell us why you want to take part and what you would bring "
            "back to your school.",
            "At most %(limit)d words. Tell us why you want to take part and what you would "
            "bring back to your school.",
            "limit",
        ) % {"limit": cohort.essay_word_limit}
        essay.widget.attrs["data-word-limit"] = str(cohort.essay_word_limit)

        for question in questions:
            self.fields[question_field_name(question)] = self._question_field(question)

        for name, slot, _question_id in self.file_slots():
            self.fields[name].widget.attrs["data-upload-slot"] = slot

        self._set_initial(application, user)

    # -- Building ------------------------------------------------------------------------------

    @property
    def economy_is_fixed(self) -> bool:
        app = self.application
        return bool(
            app is not None
            and app.economy_id
            and (app.nominated_by_id or app.endorsement != EndorsementStatus.PENDING)
        )

    def _question_field(self, question: ApplicationQuestion) -> forms.Field:
        label = question.translated("label")
        help_text = question.translated("help_text")
        common = {"label": label, "help_text": help_text, "required": False}
        kind = question.kind
        if kind == QuestionKind.SHORT_TEXT:
            field = forms.CharField(max_length=SHORT_ANSWER_MAX, **common)
        elif kind == QuestionKind.LONG_TEXT:
            field = forms.CharField(
                max_length=LONG_ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6}), **common
            )
        elif kind == QuestionKind.SINGLE_CHOICE:
            field = forms.ChoiceField(
                choices=question.translated_choices(), widget=forms.RadioSelect, **common
            )
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            field = forms.MultipleChoiceField(
                choices=question.translated_choices(),
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        elif kind == QuestionKind.YES_NO:
            field = forms.ChoiceField(
                choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
            )
        else:
            field = SafeFileField(kinds=ANSWER_FILE_KINDS, **common)
            if not help_text:
                field.help_text = _("PDF, DOCX, ODT, JPEG or PNG, up to 10 MB.")
        field.question = question
        field.required_on_submit = question.required
        if question.required and not isinstance(field.widget, forms.RadioSelect):
            field.widget.attrs["aria-required"] = "true"
        return field

    def _set_initial(self, application: Application | None, user) -> None:
        if application is not None and application.pk:
            for name in TEXT_FIELDS:
                value = getattr(application, name if name != "economy" else "economy_id")
                self.initial[name] = value
            for question in self.questions:
                answer = (application.answers or {}).get(str(question.pk))
                if answer is not None and question.kind != QuestionKind.FILE:
                    self.initial[question_field_name(question)] = answer
        elif user is not None:
            self.initial.update(family_name=user.last_name, given_names=user.first_name)
        if user is not None:
            # A new application starts from the account's preferences.
            if not self.initial.get("preferred_language"):
                self.initial["preferred_language"] = user.preferred_language
            if not self.initial.get("time_zone"):
                self.initial["time_zone"] = user.time_zone
        zone = self.initial.get("time_zone") or (self.data.get("time_zone") if self.data else "")
        listed = {value for _group, zones in time_zone_choices()[1:] for value, _label in zones}
        if zone and zone != "UTC" and zone not in listed:
            # Zones such as Etc/GMT+12 are valid but not listed: keep them selectable.
            self.fields["time_zone"].choices = [(zone, zone), *time_zone_choices()]

    # -- Reading -------------------------------------------------------------------------------

    def profile_fields(self):
        return [self[name] for name in PROFILE_FIELDS]

    def question_fields(self):
        return [self[question_field_name(q)] for q in self.questions]

    def file_slots(self) -> list[tuple[str, str, int | None]]:
        """(form field name, upload slot, question id) for every file input of the form."""
        slots = [("cv", "cv", None), ("endorsement_letter", "endorsement_letter", None)]
        for question in self.questions:
            if question.kind == QuestionKind.FILE:
                slots.append((question_field_name(question), question_slot(question), question.pk))
        return slots

    def draft_values(self) -> tuple[dict, dict]:
        """(profile values, answers) of the fields that passed ``is_valid()``'s checks.

        Only fields that were posted count: a request without a field leaves it as stored.
        """
        values = {}
        cleaned = getattr(self, "cleaned_data", {})
        for name in TEXT_FIELDS:
            if name in self.errors or name not in cleaned or self.fields[name].disabled:
                continue
            if not self._was_posted(name):
                continue
            value = cleaned[name]
            if name == "years_experience":
                values[name] = value
            elif name == "economy":
                values["economy"] = value
            else:
                values[name] = value or ""
        answers = {}
        for question in self.questions:
            name = question_field_name(question)
            if question.kind == QuestionKind.FILE or name in self.errors or name not in cleaned:
                continue
            if not self._was_posted(name) and question.kind not in (
                QuestionKind.MULTIPLE_CHOICE,
                QuestionKind.SINGLE_CHOICE,
                QuestionKind.YES_NO,
            ):
                continue
            answers[str(question.pk)] = cleaned[name]
        return values, answers

    def _was_posted(self, name: str) -> bool:
        return self.add_prefix(name) in self.data

    def uploads(self) -> list[tuple[str, int | None, object]]:
        """(file kind, question id, uploaded file) of each accepted file in this request."""
        found = []
        cleaned = getattr(self, "cleaned_data", {})
        for name, slot, question_id in self.file_slots():
            upload = cleaned.get(name)
            if upload and name not in self.errors and hasattr(upload, "checked"):
                kind = slot if question_id is None else FileKind.ANSWER
                found.append((kind, question_id, upload))
        return found

    # -- Submission ----------------------------------------------------------------------------

    def check_complete(self, stored_slots: set[tuple[str, int | None]]) -> None:
        """Add the errors that stop a submission; ``stored_slots`` are the files already kept
        as (kind, question id)."""
        cleaned = getattr(self, "cleaned_data", {})
        messages = {
            "family_name": _("Enter your family name as in your passport."),
            "given_names": _("Enter your given names as in your passport."),
            "gender": _("Choose an answer for gender."),
            "position": _("Choose your position."),
            "position_detail": _("Enter your job title."),
            "school_name": _("Enter the name of your school or institution."),
            "school_level": _("Choose the level of your school."),
            "years_experience": _("Enter your years of experience in education."),
            "economy": _("Choose your economy."),
            "preferred_language": _("Choose your preferred language."),
            "time_zone": _("Choose your time zone."),
            "phone": _("Enter a phone number where we can reach you."),
            "motivation": _("Write your motivation essay."),
        }
        for name in REQUIRED_ON_SUBMIT:
            if name in self.errors:
                continue
            value = cleaned.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add_error(name, forms.ValidationError(messages[name], code="required"))
        for name in ("family_name", "given_names"):
            value = cleaned.get(name)
            if value and not is_latin_name(value):
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "Use Latin letters only (A–Z, accents allowed), exactly as in the "
                            "machine-readable part of your passport. Write your name in your "
                            "own script in “Full name in native script”."
                        ),
                        code="latin",
                    ),
                )
        phone = cleaned.get("phone")
        if phone and phone.strip():
            digits = sum(char.isdigit() for char in phone)
            if not PHONE.match(phone.strip()) or not 6 <= digits <= 20:
                self.add_error(
                    "phone",
                    forms.ValidationError(
                        _(
                            "Enter a phone number with digits, spaces, brackets or dashes and "
                            "the international code, e.g. +82 2 1234 5678."
                        ),
                        code="phone",
                    ),
                )
        essay = cleaned.get("motivation")
        limit = self.cohort.essay_word_limit
        if essay and count_words(essay) > limit:
            words = count_words(essay)
            self.add_error(
                "motivation",
                forms.ValidationError(
                    ngettext_lazy(
                        "The essay has %(words)d words; the limit is %(limit)d word. Shorten "
                        "it by %(over)d.",
                        "The essay has %(words)d words; the limit is %(limit)d words. Shorten "
                        "it by %(over)d.",
                        "limit",
                    )
                    % {"words": words, "limit": limit, "over": words - limit},
                    code="word_limit",
                ),
            )
        file_messages = {
            "cv": _("Upload your CV (PDF or DOCX)."),
            "endorsement_letter": _("Upload your endorsement letter (PDF)."),
        }
        for name, _slot, question_id in self.file_slots():
            if name in self.errors:
                continue
            kind = name if question_id is None else FileKind.ANSWER
            required = question_id is None or self.fields[name].required_on_submit
            if required and (kind, question_id) not in stored_slots:
                message = file_messages.get(name) or _("Upload a file to answer this question.")
                self.add_error(name, forms.ValidationError(message, code="required"))
        for question in self.questions:
            name = question_field_name(question)
            if question.kind == QuestionKind.FILE or not question.required or name in self.errors:
                continue
            value = cleaned.get(name)
            if not value or (isinstance(value, str) and not value.strip()):
                self.add_error(
                    name, forms.ValidationError(_("Answer this question."), code="required")
                )

    def submitted_values(self) -> tuple[dict, dict]:
        """All values of a complete form (after ``check_complete`` found nothing)."""
        values, answers = self.draft_values()
        return values, answers
