"""The participant's answer form of one survey, built from its questions in one language.

Every field's value is a key or a number (never a label), so the answers of every language form
one result set. Field names: ``q<pk>`` for a question, ``q<pk>__<item key>`` for a matrix item.
With ``require=False`` (saving a draft) nothing is required; with ``require=True`` (submitting)
the required questions must be answered.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind, SurveyQuestion

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
RATING_VALUES = range(0, 11)


def field_name(question: SurveyQuestion, item_key: str = "") -> str:
    return f"q{question.pk}__{item_key}" if item_key else f"q{question.pk}"


def labels_in(question: SurveyQuestion, attribute: str, ident: str, language: str) -> list:
    """``(key or value, label)`` pairs of ``scale_labels``/``options``/``items`` in ``language``,
    each label falling back to the source's."""
    source = [(entry.get(ident), entry.get("label", "")) for entry in getattr(question, attribute)]
    translated = {}
    language = (language or "en").split("-")[0]
    if language != "en":
        for row in question.translations.all():
            if row.language_code == language:
                translated = {
                    entry.get(ident): entry.get("label", "") for entry in getattr(row, attribute)
                }
    return [(key, translated.get(key) or label) for key, label in source]


def scale_choices(question: SurveyQuestion, language: str) -> list[tuple[str, str]]:
    """The points of a likert/matrix scale (1..scale_points) with their labels if any."""
    labels = {
        str(value): label for value, label in labels_in(question, "scale_labels", "value", language)
    }
    return [(str(n), labels.get(str(n)) or str(n)) for n in range(1, question.scale_points + 1)]


def rating_choices(question: SurveyQuestion, language: str) -> list[tuple[str, str]]:
    labels = {
        str(value): label for value, label in labels_in(question, "scale_labels", "value", language)
    }
    return [
        (str(n), f"{n} – {labels[str(n)]}" if labels.get(str(n)) else str(n)) for n in RATING_VALUES
    ]


ERRORS = {
    "required": _("Please answer this question."),
    "invalid_choice": _("Choose one of the answers offered."),
    "max_length": _("Please keep the answer to %(limit_value)d characters or fewer."),
}


class SurveyAnswerForm(forms.Form):
    """One field per question (per matrix item); ``self.questions`` keeps their order."""

    def __init__(self, questions, language: str, *args, require: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.language = language
        for question in self.questions:
            required = require and question.required
            kind = question.kind
            if kind in (QuestionKind.LIKERT, QuestionKind.RATING, QuestionKind.SINGLE):
                if kind == QuestionKind.LIKERT:
                    choices = scale_choices(question, language)
                elif kind == QuestionKind.RATING:
                    choices = rating_choices(question, language)
                else:
                    choices = labels_in(question, "options", "key", language)
                self.fields[field_name(question)] = forms.ChoiceField(
                    choices=choices,
                    required=required,
                    widget=forms.RadioSelect,
                    error_messages=ERRORS,
                )
            elif kind == QuestionKind.MULTIPLE:
                self.fields[field_name(question)] = forms.MultipleChoiceField(
                    choices=labels_in(question, "options", "key", language),
                    required=required,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={**ERRORS, "invalid_choice": ERRORS["invalid_choice"]},
                )
            elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
                long = kind == QuestionKind.LONG_TEXT
                self.fields[field_name(question)] = forms.CharField(
                    required=required,
                    max_length=LONG_TEXT_MAX if long else SHORT_TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 6}) if long else forms.TextInput,
                    error_messages=ERRORS,
                )
            elif kind == QuestionKind.MATRIX:
                choices = scale_choices(question, language)
                for key, _label in labels_in(question, "items", "key", language):
                    self.fields[field_name(question, key)] = forms.ChoiceField(
                        choices=choices,
                        required=required,
                        widget=forms.RadioSelect,
                        error_messages=ERRORS,
                    )
        for field in self.fields.values():
            field.error_messages = {
                **field.error_messages,
                "invalid_list": ERRORS["invalid_choice"],
            }
            if field.required and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("aria-required", "true")

    def question_errors(self, question: SurveyQuestion) -> list[str]:
        """Every error of the question's fields (one per matrix row)."""
        found = []
        if question.kind == QuestionKind.MATRIX:
            for key, _label in labels_in(question, "items", "key", self.language):
                for error in self.errors.get(field_name(question, key), []):
                    if error not in found:
                        found.append(error)
            return found
        return list(self.errors.get(field_name(question), []))
