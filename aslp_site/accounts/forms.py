from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .adapter import supported_language
from .models import User, time_zone_choices, time_zone_names


class TimeZoneField(forms.ChoiceField):
    """A select of IANA time zones grouped by region (UTC first)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("choices", time_zone_choices)
        kwargs.setdefault("initial", "UTC")
        super().__init__(**kwargs)

    def valid_value(self, value):
        # Every zone Python knows is accepted, including the aliases some browsers report.
        return value in time_zone_names()


class SignupPreferencesForm(forms.Form):
    """Extra sign-up fields (ACCOUNT_SIGNUP_FORM_CLASS), after e-mail and passwords."""

    field_order = ["email", "password1", "password2", "preferred_language", "time_zone"]

    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages and e-mails are shown in this language."),
    )
    time_zone = TimeZoneField(
        help_text=_("Dates and deadlines are shown in this time zone."),
        widget=forms.Select(attrs={"data-timezone-guess": "true"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (
            supported_language(translation.get_language()) or settings.LANGUAGE_CODE
        )
        if self.is_bound:
            # Redisplayed after an error: keep what the person chose, no second guess.
            self.fields["time_zone"].widget.attrs.pop("data-timezone-guess", None)

    def signup(self, request, user):
        """The adapter's save_user has already stored both preferences."""


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(help_text=_("Dates and deadlines are shown in this time zone."))

    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language", "time_zone"]
        labels = {
            "first_name": _("Given name"),
            "last_name": _("Family name"),
            "preferred_language": _("Preferred language"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone
        listed = {value for _group, zones in time_zone_choices()[1:] for value, _label in zones}
        if current and current != "UTC" and current not in listed:
            # Keep an older alias (e.g. "US/Eastern") visible and selected.
            self.fields["time_zone"].choices = [(current, current), *time_zone_choices()]
