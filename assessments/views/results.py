"""Survey results for the cohort's organizers: the surveys list, one survey's results (with
filters, charts drawn from the tables), the CSV/XLSX export and the pre/post comparison.

Organizers only, of their cohorts (``organizer_cohort_or_404`` / ``organizer_survey_or_404``):
another cohort's pages answer 404, other signed-in people 403.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aslp_site.core.http import method_not_allowed
from cohorts.models import Economy
from trainings.models import Participant

from .. import exports_results, prepost, results
from ..models import Survey, SurveyCompletion, SurveyResponse
from ..permissions import organizer_cohort_or_404, organizer_required, organizer_survey_or_404

# Filtered results of an anonymous survey are shown only when at least this many answers match.
ANONYMOUS_MINIMUM = 3


def _state(survey, now) -> tuple[str, str]:
    if now < survey.opens_at:
        return "upcoming", _("Not open yet")
    if now >= survey.closes_at:
        return "closed", _("Closed")
    return "open", _("Open")


@organizer_required
def manage_surveys(request, slug):
    cohort = organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    surveys = list(
        Survey.objects.filter(cohort=cohort)
        .select_related("stage")
        .prefetch_related("translations", "stage__translations")
        .order_by("opens_at", "pk")
    )
    responses = dict(
        SurveyResponse.objects.filter(survey__cohort=cohort)
        .order_by()
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    active = Participant.objects.active().filter(cohort=cohort)
    completed = dict(
        SurveyCompletion.objects.filter(survey__cohort=cohort, participant__in=active)
        .order_by()
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    participants = active.count()
    now = timezone.now()
    rows = []
    for survey in surveys:
        state, state_label = _state(survey, now)
        rate = results.RateRow("", "", participants, completed.get(survey.pk, 0))
        rows.append(
            {
                "survey": survey,
                "state": state,
                "state_label": state_label,
                "responses": responses.get(survey.pk, 0),
                "rate": rate,
            }
        )
    pre, post = prepost.default_pair(surveys)
    return render(
        request,
        "assessments/results/manage_surveys.html",
        {
            "cohort": cohort,
            "rows": rows,
            "participants": participants,
            "can_compare": pre is not None and post is not None,
        },
    )


class ResultFilterForm(forms.Form):
    economy = forms.ChoiceField(label=gettext_lazy("Economy"), required=False)
    position = forms.ChoiceField(label=gettext_lazy("Position"), required=False)
    school_level = forms.ChoiceField(label=gettext_lazy("School level"), required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name in results.FILTERS:
            self.fields[name].choices = [("", _("All"))] + list(choices[name])


@organizer_required
def survey_results(request, slug, pk):
    cohort = organizer_cohort_or_404(request.user, slug)
    survey = organizer_survey_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    form = ResultFilterForm(request.GET or None, choices=results.filter_choices(survey))
    filters = {}
    status = 200
    if request.GET:
        if form.is_valid():
            filters = {name: value for name, value in form.cleaned_data.items() if value}
        else:
            status = 400
    language = translation.get_language()
    found = results.survey_results(survey, filters, language)
    rates, overall = results.response_rates(survey)
    # An anonymous survey narrowed to a handful of answers could show one person's answers.
    hidden = bool(survey.is_anonymous and filters and 0 < found["responses"] < ANONYMOUS_MINIMUM)
    return render(
        request,
        "assessments/results/survey_results.html",
        {
            "cohort": cohort,
            "survey": survey,
            "form": form,
            "filtered": bool(filters),
            "responses": found["responses"],
            "questions": [] if hidden else found["questions"],
            "hidden_for_anonymity": hidden,
            "anonymous_minimum": ANONYMOUS_MINIMUM,
            "rates": rates,
            "overall": overall,
        },
        status=status,
    )


@organizer_required
def survey_export(request, slug, pk):
    cohort = organizer_cohort_or_404(request.user, slug)
    survey = organizer_survey_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    file_format = request.GET.get("format", "csv")
    return exports_results.download(survey, file_format, request.user, translation.get_language())


class CompareForm(forms.Form):
    pre = forms.TypedChoiceField(label=gettext_lazy("Before (pre survey)"), coerce=int)
    post = forms.TypedChoiceField(label=gettext_lazy("After (post survey)"), coerce=int)

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(survey.pk, _label(survey)) for survey in surveys]
        self.fields["pre"].choices = choices
        self.fields["post"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("pre") is not None and data.get("pre") == data.get("post"):
            self.add_error("post", _("Choose two different surveys."))
        return data


def _label(survey) -> str:
    return f"{survey.translated('title')} ({survey.get_purpose_display()})"


@organizer_required
def compare(request, slug):
    cohort = organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    surveys = list(
        Survey.objects.filter(cohort=cohort)
        .prefetch_related("translations")
        .order_by("opens_at", "pk")
    )
    by_pk = {survey.pk: survey for survey in surveys}
    status = 200
    pre = post = None
    if "pre" in request.GET or "post" in request.GET:
        form = CompareForm(request.GET, surveys=surveys)
        if form.is_valid():
            pre, post = by_pk[form.cleaned_data["pre"]], by_pk[form.cleaned_data["post"]]
        else:
            status = 400
    else:
        pre, post = prepost.default_pair(surveys)
        initial = {"pre": pre.pk if pre else None, "post": post.pk if post else None}
        form = CompareForm(initial=initial, surveys=surveys)
    items = []
    names = {}
    if pre is not None and post is not None:
        items = prepost.compare(pre, post, translation.get_language())
        codes = {code for item in items for code in item.economies if code}
        names = {
            economy.code: economy.localized_name()
            for economy in Economy.objects.filter(code__in=codes).prefetch_related("names")
        }
    for item in items:
        item.named_economies = [
            (names.get(code, code) if code else _("No economy"), figures)
            for code, figures in item.economy_rows
        ]
        item.named_economies.sort(key=lambda row: row[0])
    return render(
        request,
        "assessments/results/prepost.html",
        {
            "cohort": cohort,
            "form": form,
            "pre": pre,
            "post": post,
            "items": items,
            "few": prepost.FEW_PAIRS,
            "has_surveys": len(surveys) >= 2,
        },
        status=status,
    )
