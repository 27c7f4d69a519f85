"""Forms after an offer: the answer to it, the travel details (logistics) of a confirmed
participant, and the public verification of an invitation letter."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import Cohort, Logistics

# Arrivals and departures further than this from the workshop are refused as likely typos
# (a wrong month or year); the participant can ask the organizers if they really plan that.
TRAVEL_WINDOW_DAYS = 14
TEXT_MAX = 2000


class OfferAnswerForm(forms.Form):
    """Confirm or decline; declining needs an explicit tick (the seat goes to someone else)."""

    CONFIRM = "confirm"
    DECLINE = "decline"

    answer = forms.ChoiceField(
        choices=[(CONFIRM, _("Confirm my place")), (DECLINE, _("Decline the offer"))],
        error_messages={
            "required": _("Choose whether you confirm or decline the offer."),
            "invalid_choice": _("Choose whether you confirm or decline the offer."),
        },
    )
    decline_reason = forms.CharField(
        label=_("Why are you declining? (optional)"),
        help_text=_("Your answer helps the organizers plan future cohorts."),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decline_confirmed = forms.BooleanField(
        label=_("I understand that my place will be offered to another applicant."),
        required=False,
    )

    @property
    def accepts(self) -> bool:
        return self.cleaned_data.get("answer") == self.CONFIRM

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == self.DECLINE and not cleaned.get("decline_confirmed"):
            self.add_error(
                "decline_confirmed",
                _("Tick the box to confirm that you give up your place."),
            )
        return cleaned


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed in a given zone (the cohort's), not the server's or the reader's.

    Times that do not exist or happen twice in that zone (daylight-saving changes) are refused
    with a clear message instead of being shifted silently.
    """

    widget = DateTimeLocalInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    default_error_messages = {
        "invalid": _("Enter a date and time, for example 2026-07-13 15:30."),
        "nonexistent": _(
            "%(moment)s does not exist in the %(zone)s time zone (the clocks change that "
            "night). Choose another time."
        ),
        "ambiguous": _(
            "%(moment)s happens twice in the %(zone)s time zone (the clocks change that "
            "night). Choose a time an hour earlier or later."
        ),
    }

    def __init__(self, *, zone: zoneinfo.ZoneInfo, **kwargs):
        self.zone = zone
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = value.astimezone(self.zone)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            naive = value.replace(tzinfo=None) if timezone.is_naive(value) else None
            if naive is None:
                return value
        else:
            naive = self._parse(str(value).strip())
        first, second = naive.replace(tzinfo=self.zone), naive.replace(tzinfo=self.zone, fold=1)
        params = {"moment": naive.strftime("%Y-%m-%d %H:%M"), "zone": self.zone.key}
        round_trip = first.astimezone(dt.UTC).astimezone(self.zone).replace(tzinfo=None)
        if round_trip != naive:
            raise forms.ValidationError(
                self.error_messages["nonexistent"], code="nonexistent", params=params
            )
        if first.utcoffset() != second.utcoffset():
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params=params
            )
        return first

    def _parse(self, text: str) -> dt.datetime:
        for fmt in self.input_formats:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _is_passport_character(ch: str) -> bool:
    if ch in " -'’.,":
        return True
    if unicodedata.category(ch).startswith("M"):  # combining accents
        return True
    return ch.isalpha() and "LATIN" in unicodedata.name(ch, "")


class LogisticsForm(forms.ModelForm):
    """Travel details of a confirmed participant; times are in the cohort's time zone."""

    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Allergies, vegetarian or halal meals, anything the kitchen needs."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Anything that helps you take part fully: step-free rooms, seating, captions..."
        ),
    )

    class Meta:
        model = Logistics
        fields = [
            "passport_name_confirmed",
            "passport_name_correction",
            "arrival_at",
            "arrival_details",
            "departure_at",
            "departure_details",
            "dietary_needs",
            "accessibility_needs",
            "needs_visa_letter",
        ]
        labels = {
            "passport_name_confirmed": _("My name above is exactly as in my passport"),
            "passport_name_correction": _(
                "If not, type your full name exactly as in your passport"
            ),
        }
        help_texts = {
            "passport_name_correction": _(
                "In Latin letters, family name first, as printed on the passport's photo page."
            ),
            "arrival_details": _("E.g. KE 1402, or the train you arrive by."),
            "departure_details": _("E.g. KE 1401, or the train you leave by."),
            "needs_visa_letter": _(
                "You can then download an invitation letter for your visa application."
            ),
        }

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        zone = cohort.zone
        zone_help = _("Local time in %(zone)s, where the workshop takes place.") % {
            "zone": cohort.time_zone
        }
        for name, label in (
            ("arrival_at", _("Arrival date and time")),
            ("departure_at", _("Departure date and time")),
        ):
            self.fields[name] = ZonedDateTimeField(
                zone=zone, label=label, required=False, help_text=zone_help
            )
        self.fields["passport_name_correction"].widget.attrs["autocomplete"] = "off"
        self.fields["passport_name_correction"].widget.attrs["spellcheck"] = "false"

    def clean_passport_name_correction(self):
        value = " ".join(self.cleaned_data.get("passport_name_correction", "").split())
        if value and not all(_is_passport_character(ch) for ch in value):
            raise forms.ValidationError(
                _(
                    "Use Latin letters as printed in your passport (accents, spaces, hyphens "
                    "and apostrophes are fine)."
                ),
                code="not_latin",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        confirmed = cleaned.get("passport_name_confirmed")
        correction = cleaned.get("passport_name_correction")
        if "passport_name_correction" in cleaned:
            if not confirmed and not correction:
                self.add_error(
                    "passport_name_confirmed",
                    _(
                        "Tick the box if your name above is exactly as in your passport, or "
                        "type your name as it appears in your passport."
                    ),
                )
            elif confirmed and correction:
                self.add_error(
                    "passport_name_correction",
                    _(
                        "You ticked the box saying the name above is right: leave this field "
                        "empty, or untick the box."
                    ),
                )
        self._check_travel(cleaned.get("arrival_at"), cleaned.get("departure_at"))
        return cleaned

    def _local_date(self, moment: dt.datetime) -> dt.date:
        return timezone.localtime(moment, self.cohort.zone).date()

    def _check_travel(self, arrival, departure) -> None:
        if arrival and departure and departure <= arrival:
            self.add_error("departure_at", _("Your departure must be after your arrival."))
            return
        starts, ends = self.cohort.workshop_starts, self.cohort.workshop_ends
        if not (starts and ends):
            return
        window = dt.timedelta(days=TRAVEL_WINDOW_DAYS)
        values = {
            "starts": date_format(starts, "DATE_FORMAT"),
            "ends": date_format(ends, "DATE_FORMAT"),
            "days": TRAVEL_WINDOW_DAYS,
        }
        if arrival:
            day = self._local_date(arrival)
            if day > ends:
                self.add_error(
                    "arrival_at",
                    _("This arrival is after the workshop ends (%(ends)s).") % values,
                )
            elif day < starts - window:
                self.add_error(
                    "arrival_at",
                    _(
                        "This arrival is more than %(days)s days before the workshop starts "
                        "(%(starts)s). Check the date; if you really arrive that early, leave "
                        "it empty and tell the organizers."
                    )
                    % values,
                )
        if departure:
            day = self._local_date(departure)
            if day < starts:
                self.add_error(
                    "departure_at",
                    _("This departure is before the workshop starts (%(starts)s).") % values,
                )
            elif day > ends + window:
                self.add_error(
                    "departure_at",
                    _(
                        "This departure is more than %(days)s days after the workshop ends "
                        "(%(ends)s). Check the date; if you really stay that long, leave it "
                        "empty and tell the organizers."
                    )
                    % values,
                )

    def travel_warnings(self) -> list[str]:
        """Saved, but worth a warning: arriving after the start or leaving before the end."""
        cleaned = self.cleaned_data
        starts, ends = self.cohort.workshop_starts, self.cohort.workshop_ends
        if not (starts and ends):
            return []
        values = {
            "starts": date_format(starts, "DATE_FORMAT"),
            "ends": date_format(ends, "DATE_FORMAT"),
        }
        warnings = []
        if cleaned.get("arrival_at") and self._local_date(cleaned["arrival_at"]) > starts:
            warnings.append(
                _(
                    "You arrive after the workshop starts (%(starts)s) and will miss its first "
                    "sessions. Tell the organizers if this cannot be changed."
                )
                % values
            )
        if cleaned.get("departure_at") and self._local_date(cleaned["departure_at"]) < ends:
            warnings.append(
                _(
                    "You leave before the workshop ends (%(ends)s) and will miss its last "
                    "sessions. Tell the organizers if this cannot be changed."
                )
                % values
            )
        return warnings


class VerifyLetterForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_(
            "As printed on the letter, e.g. 7KQ4M-2XD9T-H3VWA-PB8CE-Q1ZRN. Capitals, spaces "
            "and dashes do not matter."
        ),
        max_length=80,
        error_messages={"required": _("Type the verification code printed on the letter.")},
    )
