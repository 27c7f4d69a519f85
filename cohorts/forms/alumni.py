"""Forms of the alumni directory: an alumnus's own profile, and the directory's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AlumniProfile

ABOUT_MAX = 500


class AlumniProfileForm(forms.ModelForm):
    """Opt in or out of the directory and say what the other alumni see."""

    class Meta:
        model = AlumniProfile
        fields = ["listed", "school", "position", "about", "contact_email"]
        help_texts = {
            "listed": _("Untick to leave the directory at once; your profile is kept, unlisted."),
            "position": _("For example: principal, vice-principal, head of department."),
            "about": _(
                "A few lines on your work and what you would like to share (at most 500 "
                "characters)."
            ),
            "contact_email": _(
                "Optional. Shown only inside the directory, so alumni can write to you."
            ),
        }
        widgets = {"about": forms.Textarea(attrs={"rows": 4, "maxlength": ABOUT_MAX})}


class DirectoryFilterForm(forms.Form):
    """The directory's filters; values not offered are ignored rather than refused."""

    q = forms.CharField(label=_("Name or school"), required=False, max_length=100)
    economy = forms.ChoiceField(label=_("Economy"), required=False)
    year = forms.TypedChoiceField(
        label=_("Cohort year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, economies=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["economy"].choices = [("", _("All economies")), *economies]
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]

    def values(self) -> dict:
        self.is_valid()  # a wrong value is dropped from cleaned_data, the others still apply
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "economy": data.get("economy") or "",
            "year": data.get("year"),
        }
