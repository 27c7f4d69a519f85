"""Forms of the completion pages: the cohort's rules (organizers) and an override (certificate
staff)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Economy

from .completion import RULE_FIELDS
from .models import CompletionRules

COMPLETE = "complete"
NOT_COMPLETE = "not_complete"


class RulesForm(forms.ModelForm):
    class Meta:
        model = CompletionRules
        fields = list(RULE_FIELDS)


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(COMPLETE, _("Completed")), (NOT_COMPLETE, _("Not completed"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required; recorded in the audit trail and shown to organizers."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write the reason for this decision."))
        return reason

    @property
    def complete(self) -> bool:
        return self.cleaned_data["decision"] == COMPLETE


class FilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("complete", _("Complete")),
            ("incomplete", _("Not complete")),
            ("overridden", _("Overridden")),
        ],
    )
    economy = forms.ChoiceField(label=_("Economy"), required=False)

    def __init__(self, *args, economies: list[Economy] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["economy"].choices = [("", _("All economies"))] + [
            (str(e.pk), e.localized_name()) for e in economies
        ]
