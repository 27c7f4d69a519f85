"""Forms of the training screens in the Wagtail admin and the form that copies a cohort.

The choices offer only the cohorts (and their stages and groups) the person organizes; times of
activities are typed and shown in the zone of the cohort's workshop venue (else the cohort's own
zone); translations are only into languages other than English; the model's own checks
(``Activity.clean``) are shown on their fields.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from aslp_site.core.admin_forms import AdminModelForm
from cohorts.admin_forms import CohortDateTimeField, TranslationsMixin, cohorts_for
from cohorts.models import Cohort

from .models import ParticipantGroup, Speaker, Stage, Venue


def _zone_of(cohort: Cohort | None) -> str:
    if cohort is None:
        return "UTC"
    venue = Venue.objects.filter(cohort=cohort).only("time_zone").first()
    return venue.time_zone if venue else cohort.time_zone


class StageForm(TranslationsMixin, AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        field.queryset = cohorts_for(self.for_user)
        if self.instance.pk:
            field.disabled = True
            field.help_text = _("A stage stays in its cohort.")

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


class ActivityForm(TranslationsMixin, AdminModelForm):
    """Stage and group among the person's cohorts; times in the venue's zone."""

    starts_at = CohortDateTimeField(label=_("Starts"), required=False)
    ends_at = CohortDateTimeField(label=_("Ends"), required=False)
    due_at = CohortDateTimeField(label=_("Due"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = cohorts_for(self.for_user)
        stage_field = self.fields["stage"]
        stage_field.queryset = (
            Stage.objects.filter(cohort__in=cohorts)
            .select_related("cohort")
            .prefetch_related("translations")
            .order_by("-cohort__year", "cohort__title", "kind")
        )
        stage_field.label_from_instance = lambda stage: f"{stage.cohort}: {stage.display_title}"
        if "group" in self.fields:
            self.fields["group"].queryset = ParticipantGroup.objects.filter(
                cohort__in=cohorts
            ).select_related("cohort")
            self.fields["group"].label_from_instance = lambda group: f"{group.cohort}: {group}"
        if "speakers" in self.fields:
            self.fields["speakers"].queryset = Speaker.objects.all()
        zone = _zone_of(self._cohort())
        for name in ("starts_at", "ends_at", "due_at"):
            field = self.fields[name]
            field.zone = zone
            field.help_text = _("Date and time in the workshop's time zone (%(zone)s).") % {
                "zone": zone
            }
        self.fields["starts_at"].help_text = _(
            "Meetings and sessions. Date and time in %(zone)s."
        ) % {"zone": zone}
        self.fields["due_at"].help_text = _(
            "Surveys, assignments and dissemination. Date and time in %(zone)s."
        ) % {"zone": zone}

    def _cohort(self) -> Cohort | None:
        """The cohort whose zone the times are typed in: the chosen stage's, else the stored."""
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("stage"), "")
            if str(chosen).isdigit():
                stage = Stage.objects.filter(pk=int(chosen), cohort__in=cohorts_for(self.for_user))
                stage = stage.select_related("cohort").first()
                if stage is not None:
                    return stage.cohort
        if self.instance.stage_id:
            return self.instance.stage.cohort
        return None

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


class VenueForm(TranslationsMixin, AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        field.queryset = cohorts_for(self.for_user)
        if self.instance.pk:
            field.disabled = True
            field.help_text = _("A venue stays with its cohort.")

    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


class SpeakerForm(TranslationsMixin, AdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        self.clean_translations()
        return cleaned_data


# -- Copying a cohort ----------------------------------------------------------------------------


class CopyCohortForm(forms.Form):
    """The new cohort's title, slug and year, and how far its dates move."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Slug"), max_length=50, help_text=_("In addresses, e.g. aslp-2027.")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    shift_days = forms.IntegerField(
        label=_("Move every date by this many days"),
        required=False,
        min_value=-3660,
        max_value=3660,
        help_text=_("For example 364 to keep the weekdays a year later."),
    )
    opens_on = forms.DateField(
        label=_("Or: the new date applications open"),
        required=False,
        widget=AdminDateInput,
        help_text=_("Every date moves by as many days as the opening date does."),
    )

    def __init__(self, *args, source: Cohort, **kwargs):
        self.source = source
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Cohort.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("Another cohort already uses this slug. Choose another one."), code="taken"
            )
        return slug

    def clean(self):
        cleaned_data = super().clean()
        shift, opens_on = cleaned_data.get("shift_days"), cleaned_data.get("opens_on")
        if "shift_days" in self.errors or "opens_on" in self.errors:
            return cleaned_data
        if shift is None and opens_on is None:
            raise ValidationError(
                _("Give either the number of days or the new opening date."), code="no_shift"
            )
        if shift is not None and opens_on is not None:
            raise ValidationError(
                _("Give either the number of days or the new opening date, not both."),
                code="both_shifts",
            )
        if opens_on is not None:
            shift = (opens_on - self.source_opening_date()).days
        cleaned_data["shift"] = shift
        return cleaned_data

    def source_opening_date(self) -> dt.date:
        return timezone.localtime(self.source.opens_at, self.source.zone).date()
