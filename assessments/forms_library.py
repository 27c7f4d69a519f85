"""Forms of the resource library's organizer and author pages: content, classification,
translations, a review, the withdrawal, and an author's consent. They only validate; the
changes go through ``assessments.library`` and ``assessments.library_edit``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cohorts.models import Economy, SchoolLevel

from .models import (
    Resource,
    ResourceKind,
    ResourceLicence,
    ResourceTopic,
    ReviewOutcome,
    SubmissionFile,
)


def _languages():
    return list(settings.LANGUAGES)


class FileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.original_name


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.translated("name")


class EconomyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.localized_name()


class ContentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    language_code = forms.ChoiceField(label=_("Written in"), choices=_languages)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        help_text=_("Two or three sentences for the library list."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        help_text=_("The text that is published; remove personal details."),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=ResourceLicence.choices)
    files = FileChoiceField(
        label=_("Files to publish"),
        queryset=SubmissionFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, resource: Resource, **kwargs):
        if not args or args[0] is None:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        field: getattr(resource, field)
                        for field in ("kind", "language_code", "title", "summary", "body")
                    },
                    "licence": resource.licence,
                    "files": [item.pk for item in resource.files.all()],
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["files"].queryset = resource.version.files.order_by("pk")


class MetadataForm(forms.Form):
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=ResourceTopic.objects.prefetch_related("translations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    school_level = forms.ChoiceField(
        label=_("School level"), choices=[("", "–"), *SchoolLevel.choices], required=False
    )
    economy = EconomyChoiceField(
        label=_("Economy"),
        queryset=Economy.objects.prefetch_related("names"),
        required=False,
        empty_label="–",
    )

    def __init__(self, *args, resource: Resource, **kwargs):
        if not args or args[0] is None:
            kwargs.setdefault(
                "initial",
                {
                    "topics": [topic.pk for topic in resource.topics.all()],
                    "school_level": resource.school_level,
                    "economy": resource.economy_id,
                },
            )
        super().__init__(*args, **kwargs)


class TranslationsForm(forms.Form):
    """A title and summary per language other than the one the resource is written in."""

    def __init__(self, *args, resource: Resource, **kwargs):
        rows = {row.language_code: row for row in resource.translations.all()}
        self.languages = [
            (code, name) for code, name in settings.LANGUAGES if code != resource.language_code
        ]
        if not args or args[0] is None:
            initial = {}
            for code, _name in self.languages:
                if code in rows:
                    initial[f"title_{code}"] = rows[code].title
                    initial[f"summary_{code}"] = rows[code].summary
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for code, name in self.languages:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name},
                max_length=200,
                required=False,
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("Summary in %(language)s") % {"language": name},
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def pairs_of_fields(self):
        """(language name, title field, summary field) for the template."""
        return [
            (name, self[f"title_{code}"], self[f"summary_{code}"]) for code, name in self.languages
        ]

    def clean(self):
        cleaned = super().clean()
        for code, _name in self.languages:
            title = cleaned.get(f"title_{code}", "")
            summary = cleaned.get(f"summary_{code}", "")
            if title and not summary:
                self.add_error(f"summary_{code}", _("Write the summary too, or empty the title."))
            elif summary and not title:
                self.add_error(f"title_{code}", _("Write the title too, or empty the summary."))
        return cleaned

    def pairs(self) -> dict[str, tuple[str, str]]:
        return {
            code: (
                self.cleaned_data.get(f"title_{code}", ""),
                self.cleaned_data.get(f"summary_{code}", ""),
            )
            for code, _name in self.languages
        }


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        help_text=_("Required when changes are needed: say what should change."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == ReviewOutcome.CHANGES and not cleaned.get("note"):
            self.add_error("note", _("Say what needs to change."))
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsentForm(forms.Form):
    AGREE = "agree"
    REFUSE = "refuse"

    credit_name = forms.CharField(
        label=_("Name to credit"),
        max_length=200,
        required=False,
        help_text=_("As the library will show it."),
    )
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (
                AGREE,
                _("I agree to publication of this content under this licence, credited as above"),
            ),
            (REFUSE, _("I do not agree")),
        ],
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == self.AGREE and not cleaned.get("credit_name", "").strip():
            self.add_error("credit_name", _("Write the name the library should show."))
        return cleaned

    @property
    def agrees(self) -> bool:
        return self.cleaned_data["answer"] == self.AGREE


__all__ = [
    "ConsentForm",
    "ContentForm",
    "MetadataForm",
    "ReviewForm",
    "TranslationsForm",
    "WithdrawForm",
]
