"""A survey's responses as CSV or XLSX for its organizers (R10).

One row per response, one column per question (per item for matrix questions); choice answers
give their option keys and, in the next column, their labels in the organizer's language.

**Anonymous surveys** export no participant, no pairing key and no date: the rows are numbered
1, 2, 3 … in an order unrelated to the time of answering (sorted by the respondent's profile and
then by the respondent's keyed hash), so a row cannot be matched with the completion records.
Their profile columns follow the results page's small-group rule (``ANONYMOUS_MINIMUM``): a
position or school level is given only when at least that many respondents share the row's
economy, position and school level, the economy and the answering language only when at least
that many share them; otherwise the cell says "withheld". A lone principal of a small economy
stays unnamed.
Identified surveys add the participant's name, economy and the day of the answer.

Writing the files (text cells, formulas neutralised) is ``aslp_site.core.exports``, as for the
cohorts' exports (``cohorts.exports``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aslp_site.core.exports import FORMATS, export_response
from cohorts import audit
from cohorts.models import Position, SchoolLevel

from .models import QuestionKind, SurveyAnswer, SurveyResponse
from .results import labelled, survey_questions

__all__ = ["FORMATS", "download", "response_table"]

# As on the results page: fewer respondents than this in a group are not shown apart.
ANONYMOUS_MINIMUM = 3


def _columns(questions, language):
    """``[(header, getter)]``: the getter reads one response's ``{(question, item): answer}``."""
    columns = []
    for number, question in enumerate(questions, 1):
        text = question.translated("text", language)
        title = f"Q{number}. {text}"
        if question.kind == QuestionKind.MATRIX:
            for item_key, item_label in labelled(question, "items", "key", language).items():
                columns.append(
                    (
                        f"{title} – {item_label} [{item_key}]",
                        lambda a, q=question.pk, i=item_key: _number(a.get((q, i))),
                    )
                )
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            labels = labelled(question, "options", "key", language)
            columns.append(
                (
                    f"{title} ({_('keys')})",
                    lambda a, q=question.pk: "; ".join(_choices(a.get((q, "")))),
                )
            )
            columns.append(
                (
                    f"{title} ({_('labels')})",
                    lambda a, q=question.pk, labels=labels: "; ".join(
                        labels.get(key, key) for key in _choices(a.get((q, "")))
                    ),
                )
            )
        elif question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            columns.append(
                (title, lambda a, q=question.pk: a[(q, "")].text if (q, "") in a else "")
            )
        else:
            columns.append((title, lambda a, q=question.pk: _number(a.get((q, "")))))
    return columns


def _number(answer):
    return "" if answer is None or answer.number is None else answer.number


def _choices(answer) -> list[str]:
    return [str(key) for key in (answer.choices if answer is not None else []) or []]


def response_table(survey, language: str | None = None) -> tuple[list[str], list[list]]:
    """The headers and rows of the survey's responses (a fixed number of queries)."""
    questions = survey_questions(survey)
    columns = _columns(questions, language)
    responses = SurveyResponse.objects.filter(survey=survey)
    if survey.is_anonymous:
        responses = responses.order_by("economy_code", "position", "school_level", "pairing_key")
    else:
        responses = responses.select_related(
            "participant", "participant__application", "participant__user"
        ).order_by("submitted_on", "pk")
    responses = list(responses)
    answers: dict[int, dict] = {}
    for answer in SurveyAnswer.objects.filter(response__survey=survey).only(
        "response_id", "question_id", "item", "number", "choices", "text"
    ):
        answers.setdefault(answer.response_id, {})[(answer.question_id, answer.item)] = answer
    positions, levels = dict(Position.choices), dict(SchoolLevel.choices)
    per_economy: dict[str, int] = {}
    per_language: dict[str, int] = {}
    per_profile: dict[tuple, int] = {}
    for response in responses:
        profile = (response.economy_code, response.position, response.school_level)
        per_economy[profile[0]] = per_economy.get(profile[0], 0) + 1
        per_language[response.language] = per_language.get(response.language, 0) + 1
        per_profile[profile] = per_profile.get(profile, 0) + 1
    withheld = _("withheld")
    headers = [_("Response")]
    if not survey.is_anonymous:
        headers += [_("Participant"), _("Answered on")]
    headers += [_("Economy code"), _("Position"), _("School level"), _("Language")]
    headers += [header for header, _getter in columns]
    rows = []
    for number, response in enumerate(responses, 1):
        row: list = [number]
        if not survey.is_anonymous:
            person = response.participant
            row += [str(person) if person is not None else "", response.submitted_on]
        economy, language = response.economy_code, response.language
        position = positions.get(response.position, response.position)
        level = levels.get(response.school_level, response.school_level)
        if survey.is_anonymous:
            profile = (response.economy_code, response.position, response.school_level)
            if per_profile[profile] < ANONYMOUS_MINIMUM:
                position = level = withheld
            if per_economy[response.economy_code] < ANONYMOUS_MINIMUM:
                economy = withheld
            if per_language[response.language] < ANONYMOUS_MINIMUM:
                language = withheld
        row += [economy, position, level, language]
        given = answers.get(response.pk, {})
        row += [getter(given) for _header, getter in columns]
        rows.append(row)
    return headers, rows


def download(survey, file_format: str, user, language: str | None = None):
    """The file, recorded in the audit log (``assessments.results_export``)."""
    if file_format not in FORMATS:
        from django.http import Http404

        raise Http404
    headers, rows = response_table(survey, language)
    audit.record(
        survey,
        "assessments.results_export",
        user,
        format=file_format,
        rows=len(rows),
        anonymous=survey.is_anonymous,
    )
    return export_response(
        file_format,
        f"{survey.cohort.slug}-survey-{survey.pk}",
        headers,
        rows,
        title=f"survey {survey.pk}",
    )
