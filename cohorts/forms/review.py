"""Forms of the review pages: the rubric scoring form, a conflict declaration, and the
organizers' add/remove-a-reviewer form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import RubricCriterion

LEVELS = (1, 2, 3, 4, 5)
COMMENT_MAX = 5000


class ScoreForm(forms.Form):
    """One radio group (1-5) per rubric criterion, and a comment.

    Fields are named ``criterion_<id>``; ``rows()`` gives the template everything it needs to
    draw each criterion as an accessible fieldset with its level descriptors.
    """

    comment = forms.CharField(
        label=_("Comment"),
        help_text=_(
            "Explain your scores in a few sentences: strengths, concerns, anything the "
            "organizers should weigh. Other reviewers will see it once they have scored."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=COMMENT_MAX,
        error_messages={"required": _("Write a comment that explains your scores.")},
    )

    def __init__(self, criteria: list[RubricCriterion], *args, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        initial_scores = initial_scores or {}
        for criterion in self.criteria:
            name = self.field_name(criterion)
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.title,
                choices=[(n, str(n)) for n in LEVELS],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a score from 1 to 5 for “%(criterion)s”.")
                    % {"criterion": criterion.title},
                    "invalid_choice": _("Choose a score from 1 to 5 for “%(criterion)s”.")
                    % {"criterion": criterion.title},
                },
            )
            if criterion.pk in initial_scores:
                self.initial.setdefault(name, initial_scores[criterion.pk])
        # The comment comes after the rubric.
        self.order_fields([self.field_name(c) for c in self.criteria] + ["comment"])

    @staticmethod
    def field_name(criterion: RubricCriterion) -> str:
        return f"criterion_{criterion.pk}"

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[self.field_name(c)] for c in self.criteria}

    def rows(self) -> list[dict]:
        """Per criterion: its field name, errors, the chosen value and the five levels."""
        rows = []
        for criterion in self.criteria:
            bound = self[self.field_name(criterion)]
            chosen = bound.value()
            chosen = str(chosen) if chosen not in (None, "") else ""
            rows.append(
                {
                    "criterion": criterion,
                    "name": bound.html_name,
                    "id": bound.auto_id,
                    "errors": bound.errors,
                    "levels": [
                        {
                            "value": n,
                            "descriptor": descriptor,
                            "checked": chosen == str(n),
                            "id": f"{bound.auto_id}_{n}",
                        }
                        for n, descriptor in criterion.levels()
                    ],
                }
            )
        return rows


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you not review this application impartially?"),
        help_text=_(
            "For example: you know the applicant personally, work at the same school, or "
            "wrote their recommendation. The organizers see this; the applicant does not."
        ),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        error_messages={"required": _("Give the reason for the conflict of interest.")},
    )


class ReviewerChangeForm(forms.Form):
    """Organizers add a reviewer (``action=add``, ``reviewer``) or remove one
    (``action=remove``, ``assignment``)."""

    ADD = "add"
    REMOVE = "remove"

    action = forms.ChoiceField(
        choices=[(ADD, _("Add a reviewer")), (REMOVE, _("Remove a reviewer"))],
        error_messages={
            "required": _("Choose whether to add or remove a reviewer."),
            "invalid_choice": _("Choose whether to add or remove a reviewer."),
        },
    )
    reviewer = forms.IntegerField(
        label=_("Reviewer"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Choose a reviewer from the list.")},
    )
    assignment = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": _("Choose a reviewer to remove from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == self.ADD and not cleaned.get("reviewer"):
            self.add_error("reviewer", _("Choose a reviewer from the list."))
        if action == self.REMOVE and not cleaned.get("assignment"):
            self.add_error("assignment", _("Choose a reviewer to remove from the list."))
        return cleaned
