"""Forms of dissemination reports: the participant's report with its evidence files, and the
organizer's review."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aslp_site.core.uploads import (
    ALL_KINDS,
    accept_attribute,
    allowed_label,
    check_upload,
    max_upload_size,
)

from .models import DisseminationKind, DisseminationReport, ReportStatus

EVIDENCE_KINDS = ALL_KINDS  # PDF, DOCX, ODT, JPEG, PNG
MAX_EVIDENCE_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; each one goes through ``check_upload`` (R9). The cleaned value is
    the list of accepted uploads, each carrying ``.checked``; any refused file makes the field
    invalid with one reason per file, naming it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": accept_attribute(EVIDENCE_KINDS)})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                _("Send at most %(limit)d files at a time."),
                code="too_many",
                params={"limit": MAX_EVIDENCE_FILES},
            )
        errors = []
        for upload in uploads:
            try:
                upload.checked = check_upload(upload, EVIDENCE_KINDS)
            except ValidationError as error:
                reason = " ".join(error.messages)
                errors.append(
                    ValidationError(
                        _("“%(name)s” was not accepted: %(reason)s"),
                        code="refused",
                        params={"name": getattr(upload, "name", "") or "?", "reason": reason},
                    )
                )
        if errors:
            errors.append(
                ValidationError(
                    _(
                        "Nothing was saved yet: what you typed is kept below. Choose the "
                        "accepted files again, without the refused ones."
                    ),
                    code="choose_again",
                )
            )
            raise ValidationError(errors)
        return uploads


class ReportForm(forms.ModelForm):
    evidence = EvidenceField(label=_("Evidence files"))
    remove_evidence = forms.ModelMultipleChoiceField(
        label=_("Remove these files"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DisseminationReport
        fields = ["kind", "held_on", "audience", "educators_reached", "description"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "educators_reached": forms.NumberInput(attrs={"min": 0, "max": 1_000_000}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "kind": _("Kind of activity"),
            "held_on": _("Date"),
            "educators_reached": _("Number of educators reached"),
        }
        help_texts = {
            "held_on": _("The day it took place (or the first day)."),
            "educators_reached": _("Teachers, school leaders and other educators who took part."),
            "description": _("What you shared, how, and what came of it."),
        }

    def __init__(self, *args, cohort, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.today = today
        self.fields["evidence"].help_text = gettext(
            "Photos, an agenda, slides saved as PDF, an article… You may choose several files. "
            "Accepted kinds: %(kinds)s; up to %(size)s each."
        ) % {"kinds": allowed_label(EVIDENCE_KINDS), "size": filesizeformat(max_upload_size())}
        self.fields["kind"].choices = [("", "---------"), *DisseminationKind.choices]
        self.fields["educators_reached"].min_value = 0
        self.fields["educators_reached"].max_value = 1_000_000
        self.fields["held_on"].widget.attrs["max"] = today.isoformat()
        if cohort.workshop_starts:
            self.fields["held_on"].widget.attrs["min"] = cohort.workshop_starts.isoformat()
        if self.instance.pk:
            self.fields["remove_evidence"].queryset = self.instance.evidence.all()
        else:
            del self.fields["remove_evidence"]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > self.today:
            raise ValidationError(
                _("The date %(date)s is in the future. Report an activity once it has happened."),
                code="future",
                params={"date": date_format(held_on, "DATE_FORMAT")},
            )
        starts = self.cohort.workshop_starts
        if starts and held_on < starts:
            raise ValidationError(
                _(
                    "The date is before the workshop started (%(start)s). Report what you shared "
                    "after the workshop began."
                ),
                code="before_workshop",
                params={"start": date_format(starts, "DATE_FORMAT")},
            )
        return held_on

    def clean_audience(self):
        return self.cleaned_data["audience"].strip()

    def clean_description(self):
        return self.cleaned_data["description"].strip()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the participant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to return the report: say what to change. Sent by e-mail."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment",
                ValidationError(
                    gettext(
                        "Write a comment to return the report: it tells the participant what "
                        "to change."
                    ),
                    code="comment_required",
                ),
            )
        return cleaned


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ReportStatus.choices]
    )
    economy = forms.ChoiceField(label=_("Economy"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of activity"),
        required=False,
        choices=[("", _("All")), *DisseminationKind.choices],
    )

    def __init__(self, *args, economies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["economy"].choices = [("", _("All"))] + [
            (str(economy.pk), economy.localized_name()) for economy in economies
        ]
