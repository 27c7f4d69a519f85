"""Forms of the attendance pages: one tap of the check-in screen, a typed badge code, the
search box and the participants table's sort."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .attendance import STATUS_ORDER, badge_token


class CheckInForm(forms.Form):
    """One participant's status at the session (the Present / Late / Excused / Absent buttons)."""

    participant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=[(status.value, status.label) for status in STATUS_ORDER]
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False, strip=True)


class BadgeCodeForm(forms.Form):
    """A badge's code, as scanned by the camera or typed from the badge."""

    code = forms.CharField(
        label=_("Badge code"),
        max_length=120,
        help_text=_("The text under the badge's QR code, e.g. ASLP-BADGE:…"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        token = badge_token(self.cleaned_data["code"])
        if not token:
            raise forms.ValidationError(_("This is not a badge code."), code="not_a_badge")
        return token


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a participant"),
        max_length=100,
        required=False,
        strip=True,
        help_text=_("Type part of a name, in Latin letters or in native script."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


SORTS = {
    "name": _("name"),
    "rate": _("attendance rate, lowest first"),
    "-rate": _("attendance rate, highest first"),
}


class SortForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=list(SORTS.items()), required=False, initial="name"
    )

    def sort_value(self) -> str:
        if self.is_valid():
            return self.cleaned_data.get("sort") or "name"
        return "name"
