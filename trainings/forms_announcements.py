"""The organizer's announcement form: the audience (whole cohort, a group or an economy's
participants), the subject and message in English and, optionally, in each other language of
the cohort."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import Economy

from .models import Audience, Participant, ParticipantGroup


def other_languages(cohort) -> list[tuple[str, str]]:
    """(code, name) of the cohort's languages other than English, known to the site."""
    names = dict(settings.LANGUAGES)
    return [
        (code, str(translation.get_language_info(code)["name_translated"]))
        for code in (cohort.languages or [])
        if code in names and code != "en"
    ]


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"), choices=Audience.choices, widget=forms.RadioSelect
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=ParticipantGroup.objects.none(), required=False
    )
    economy = forms.ModelChoiceField(
        label=_("Economy"), queryset=Economy.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Subject (English)"), max_length=200)
    body = forms.CharField(
        label=_("Message (English)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Sent to everyone whose language has no translation below."),
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["group"].queryset = ParticipantGroup.objects.filter(cohort=cohort)
        economy_ids = (
            Participant.objects.active().filter(cohort=cohort).values("application__economy")
        )
        self.fields["economy"].queryset = (
            Economy.objects.filter(pk__in=economy_ids).prefetch_related("names").order_by("name")
        )
        self.fields["economy"].label_from_instance = lambda economy: economy.localized_name()
        self.languages = other_languages(cohort)
        for code, name in self.languages:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=gettext("Subject in %(language)s") % {"language": name},
                max_length=200,
                required=False,
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=gettext("Message in %(language)s") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 10}),
                help_text=gettext(
                    "Optional. Participants whose language is %(language)s get this version; "
                    "leave both empty to send them the English one."
                )
                % {"language": name},
            )

    def translation_fields(self):
        return [
            (name, self[f"subject_{code}"], self[f"body_{code}"]) for code, name in self.languages
        ]

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == Audience.GROUP and not cleaned.get("group"):
            self.add_error("group", ValidationError(gettext("Choose the group."), code="required"))
        if audience == Audience.ECONOMY and not cleaned.get("economy"):
            self.add_error(
                "economy", ValidationError(gettext("Choose the economy."), code="required")
            )
        if audience != Audience.GROUP:
            cleaned["group"] = None
        if audience != Audience.ECONOMY:
            cleaned["economy"] = None
        for code, name in self.languages:
            subject = (cleaned.get(f"subject_{code}") or "").strip()
            body = (cleaned.get(f"body_{code}") or "").strip()
            if bool(subject) != bool(body):
                missing = f"body_{code}" if subject else f"subject_{code}"
                self.add_error(
                    missing,
                    ValidationError(
                        gettext(
                            "Give both the subject and the message in %(language)s, or "
                            "leave both empty."
                        )
                        % {"language": name},
                        code="incomplete_translation",
                    ),
                )
        return cleaned

    def translations(self) -> dict[str, tuple[str, str]]:
        """{code: (subject, message)} of the translations given."""
        found = {}
        for code, _name in self.languages:
            subject = (self.cleaned_data.get(f"subject_{code}") or "").strip()
            body = (self.cleaned_data.get(f"body_{code}") or "").strip()
            if subject and body:
                found[code] = (subject, body)
        return found
