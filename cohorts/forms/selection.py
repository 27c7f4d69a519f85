"""Organizers' selection forms: the applications list's filters and sorting, and decisions."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from aslp_site.accounts.models import User

from ..models import (
    APPLICATION_SEARCH_TEXT,
    Application,
    ApplicationStatus,
    Cohort,
    Economy,
    EndorsementStatus,
)

# Statuses in the order of the selection workflow (for sorting by status).
STATUS_ORDER = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.OFFER_DECLINED,
    ApplicationStatus.OFFER_EXPIRED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
]

SORT_CHOICES = [
    ("name", _("Name (A to Z)")),
    ("-name", _("Name (Z to A)")),
    ("economy", _("Economy, then name")),
    ("score", _("Mean score (highest first)")),
    ("-score", _("Mean score (lowest first)")),
    ("submitted", _("Submitted (earliest first)")),
    ("-submitted", _("Submitted (latest first)")),
    ("rank", _("Economy, then coordinator's rank")),
    ("status", _("Status, then name")),
]

DECISION_CHOICES = [
    (ApplicationStatus.ACCEPTED, _("Accept (offer a place)")),
    (ApplicationStatus.WAITLISTED, _("Wait-list")),
    (ApplicationStatus.REJECTED, _("Reject (not selected)")),
]

# The GET parameters that make up a filtered, sorted list (kept across pages and actions).
_ID = re.compile(r"[0-9]{1,18}")

FILTER_FIELDS = ("q", "economy", "status", "endorsement", "score_min", "score_max", "sort")


def _status_rank():
    return Case(
        *[When(status=status, then=Value(n)) for n, status in enumerate(STATUS_ORDER)],
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
    )


def _ordering(sort: str) -> list:
    by_name = ["family_name", "given_names", "pk"]
    orderings = {
        "name": by_name,
        "-name": ["-family_name", "-given_names", "-pk"],
        "economy": ["economy__sort_order", "economy__name", *by_name],
        "score": [F("score_mean").desc(nulls_last=True), *by_name],
        "-score": [F("score_mean").asc(nulls_last=True), *by_name],
        "submitted": [F("submitted_at").asc(nulls_last=True), "pk"],
        "-submitted": [F("submitted_at").desc(nulls_last=True), "-pk"],
        "rank": [
            "economy__sort_order",
            "economy__name",
            F("coordinator_rank").asc(nulls_last=True),
            *by_name,
        ],
        "status": [_status_rank(), *by_name],
    }
    return orderings.get(sort, by_name)


class EconomyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Economy) -> str:
        return obj.localized_name()


class ApplicationFilterForm(forms.Form):
    """The list's filters (GET). Invalid values are reported and left out of the filtering."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Part of a name (Latin or native script), school, e-mail or reference."),
    )
    economy = EconomyChoiceField(
        label=_("Economy"),
        queryset=Economy.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All economies"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    endorsement = forms.ChoiceField(label=_("Endorsement"), required=False)
    score_min = forms.DecimalField(
        label=_("Mean score from"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        max_digits=4,
        decimal_places=2,
    )
    score_max = forms.DecimalField(
        label=_("Mean score to"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        max_digits=4,
        decimal_places=2,
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, cohort: Cohort, **kwargs):
        super().__init__(data, **kwargs)
        self.cohort = cohort
        # Economies with a quota or an application in the cohort (subqueries, no big join).
        self.fields["economy"].queryset = (
            Economy.objects.filter(
                Q(pk__in=cohort.quotas.values("economy_id"))
                | Q(pk__in=Application.objects.filter(cohort=cohort).values("economy_id"))
            )
            .prefetch_related("names")
            .order_by("sort_order", "name")
        )
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (value, label)
            for value, label in ApplicationStatus.choices
            if value != ApplicationStatus.DRAFT
        ]
        self.fields["endorsement"].choices = [("", _("Any endorsement"))] + list(
            EndorsementStatus.choices
        )
        for name in ("score_min", "score_max"):
            self.fields[name].widget.attrs.update(step="0.01", inputmode="decimal")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("score_min"), cleaned.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "score_max", _("The upper end of the score range is below the lower end.")
            )
        return cleaned

    def values(self) -> dict:
        """The valid filter values (after ``is_valid()``)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data

    def filter(self, applications: QuerySet[Application]) -> QuerySet[Application]:
        """Filter and order ``applications`` in the database by the valid values."""
        values = self.values()
        if text := (values.get("q") or "").strip():
            # Names, school and reference through one trigram-indexed expression; e-mail
            # addresses first, on their own index: an OR across the join to users would make
            # PostgreSQL read every application of the cohort.
            by_email = list(
                Application.objects.filter(
                    cohort=self.cohort,
                    applicant__in=User.objects.filter(email__icontains=text).values("pk"),
                )
                .order_by()
                .values_list("pk", flat=True)
            )
            applications = applications.alias(search_text=APPLICATION_SEARCH_TEXT).filter(
                Q(search_text__icontains=text) | Q(pk__in=by_email)
            )
        if economy := values.get("economy"):
            applications = applications.filter(economy=economy)
        if status := values.get("status"):
            applications = applications.filter(status=status)
        if endorsement := values.get("endorsement"):
            applications = applications.filter(endorsement=endorsement)
        if (low := values.get("score_min")) is not None:
            applications = applications.filter(score_mean__gte=low)
        if (high := values.get("score_max")) is not None:
            applications = applications.filter(score_mean__lte=high)
        return applications.order_by(*_ordering(values.get("sort") or "name"))

    def is_filtered(self) -> bool:
        values = self.values()
        return any(values.get(name) not in (None, "") for name in FILTER_FIELDS if name != "sort")


_DECISION_ERRORS = {
    "required": _("Choose accept, wait-list or reject."),
    "invalid_choice": _("Choose accept, wait-list or reject."),
}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, error_messages=_DECISION_ERRORS
    )


class BulkDecisionForm(forms.Form):
    """Decide the checked applications of the list; the order posted is the list's order."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, error_messages=_DECISION_ERRORS
    )
    applications = forms.TypedMultipleChoiceField(
        label=_("Applications"),
        coerce=int,
        error_messages={
            "required": _("Tick at least one application first."),
            "invalid_choice": _("One of the ticked applications is not in this cohort's list."),
        },
    )

    def __init__(self, data=None, *, cohort: Cohort, **kwargs):
        super().__init__(data, **kwargs)
        self.cohort = cohort
        posted = data.getlist("applications") if data is not None else []
        # Only the posted ids are looked up (one query), in the cohort's non-draft applications.
        ids = [int(value) for value in posted if _ID.fullmatch(str(value))]
        known = set(
            Application.objects.filter(cohort=cohort, pk__in=ids)
            .exclude(status=ApplicationStatus.DRAFT)
            .values_list("pk", flat=True)
        )
        self.fields["applications"].choices = [(str(pk), str(pk)) for pk in ids if pk in known]

    def chosen(self) -> list[Application]:
        """The ticked applications, in the order they were posted (the list's order)."""
        ids = list(dict.fromkeys(self.cleaned_data["applications"]))
        found = Application.objects.select_related("economy").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]
