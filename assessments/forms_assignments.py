"""Forms of assignments: the participant's send (a text and/or files) and the organizers'
feedback (a decision, a comment, optional rubric scores)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aslp_site.core.uploads import accept_attribute, allowed_label

from . import submissions
from .models import Assignment, SubmissionStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SubmissionFilesField(forms.FileField):
    """Several files; each goes through ``check_upload`` with the assignment's rules."""

    def __init__(self, *, assignment: Assignment, **kwargs):
        self.assignment = assignment
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": accept_attribute(assignment.file_kinds)})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        try:
            return submissions.check_files(self.assignment, uploads)
        except ValidationError as error:
            raise ValidationError(
                [
                    *error.error_list,
                    ValidationError(
                        _(
                            "Nothing was sent: what you typed is kept below. Choose the "
                            "accepted files again, without the refused ones."
                        ),
                        code="choose_again",
                    ),
                ]
            ) from None


class SubmitForm(forms.Form):
    text = forms.CharField(
        label=_("Your text"),
        required=False,
        max_length=submissions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=True,
    )

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if assignment.accepts_files:
            self.fields["files"] = SubmissionFilesField(
                assignment=assignment,
                label=_("Files"),
                help_text=gettext(
                    "Accepted: %(kinds)s; up to %(count)d files of at most %(size)d MB each."
                )
                % {
                    "kinds": allowed_label(assignment.file_kinds),
                    "count": assignment.max_files,
                    "size": assignment.max_file_mb,
                },
            )
        if not assignment.accepts_text:
            del self.fields["text"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("text") and not data.get("files"):
            if self.assignment.accepts_text and self.assignment.accepts_files:
                message = _("Write a text or choose a file to send.")
            elif self.assignment.accepts_text:
                message = _("Write your text before sending.")
            else:
                message = _("Choose a file to send.")
            raise ValidationError(message, code="empty")
        return data


SCORE_CHOICES = [("", "–"), *[(str(n), str(n)) for n in range(1, 6)]]


class FeedbackForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SubmissionStatus.ACCEPTED, _("Accept the work")),
            (SubmissionStatus.REVISION_REQUESTED, _("Ask for a revision")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the participant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required to ask for a revision: say what to change."),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            pairs = ((1, criterion.level_1), (3, criterion.level_3), (5, criterion.level_5))
            levels = " · ".join(f"{n}: {text}" for n, text in pairs if text)
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.title, choices=SCORE_CHOICES, required=False, help_text=levels
            )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == SubmissionStatus.REVISION_REQUESTED
            and not (data.get("comment") or "").strip()
        ):
            self.add_error(
                "comment",
                _(
                    "Write a comment to ask for a revision: it tells the participant what to "
                    "change."
                ),
            )
        return data

    @property
    def score_fields(self):
        return [self[f"score_{criterion.pk}"] for criterion in self.criteria]

    def scores(self) -> dict:
        return {
            str(criterion.pk): self.cleaned_data.get(f"score_{criterion.pk}")
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}")
        }
