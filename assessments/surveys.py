"""Surveys from the participant's side: which surveys they see and in what state, the answer
form in their language, drafts to continue later, and submitting once.

* **States**: not open yet, open, answered (a ``SurveyCompletion`` exists), closed. Only an open
  survey not yet answered takes a draft or a submission; the server checks it on every POST.
* **Drafts** are kept under ``keys.draft_key(participant, survey)`` (for anonymous surveys too),
  so a draft row holds no participant id.
* **Submitting** makes, in one transaction, the completion (unique: a second submit is refused),
  the response (the participant only when the survey is identified; the profile of the
  application; the pairing key; the day only) with its answers, and deletes the draft.
* **Mixing** (anonymous surveys): rows are stored in the order they are written, and the
  database records which transaction wrote each row, so the newest response could be matched
  with the newest completion by position or by transaction. Each submit therefore rewrites all
  the survey's responses and answers, in random order, in its own transaction (the survey row is
  locked, so submits of one survey take turns): afterwards every response sits at a random place
  and carries the same writing transaction.
"""

from __future__ import annotations

import random

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.forms import MultipleChoiceField
from django.utils import timezone

from . import keys
from .forms_surveys import SurveyAnswerForm, field_name, labels_in, scale_choices
from .models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyDraft,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
)

NOT_OPEN = "not_open"
OPEN = "open"
ANSWERED = "answered"
CLOSED = "closed"


class SurveyRefused(Exception):
    """The survey takes no answer now; ``state`` says why."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def surveys_for(participant):
    """The surveys of the participant's cohort meant for them (whole cohort or their group)."""
    meant_for = Q(activity__isnull=True) | Q(activity__group__isnull=True)
    if participant.group_id is not None:
        meant_for |= Q(activity__group_id=participant.group_id)
    return Survey.objects.filter(meant_for, cohort_id=participant.cohort_id).prefetch_related(
        "translations"
    )


def has_answered(survey: Survey, participant) -> bool:
    return SurveyCompletion.objects.filter(survey=survey, participant=participant).exists()


def state_of(survey: Survey, participant, now=None) -> str:
    now = now or timezone.now()
    if has_answered(survey, participant):
        return ANSWERED
    if now < survey.opens_at:
        return NOT_OPEN
    if now >= survey.closes_at:
        return CLOSED
    return OPEN


def sections_of(survey: Survey) -> list[SurveySection]:
    """The sections in order, each with its questions and every translation (3 queries)."""
    return list(
        SurveySection.objects.filter(survey=survey)
        .order_by("sort_order", "pk")
        .prefetch_related(
            "translations",
            Prefetch(
                "questions",
                queryset=SurveyQuestion.objects.order_by("sort_order", "pk").prefetch_related(
                    "translations"
                ),
            ),
        )
    )


def questions_of(sections) -> list[SurveyQuestion]:
    return [question for section in sections for question in section.questions.all()]


def build_form(questions, language: str, data=None, *, require: bool = True, initial=None):
    return SurveyAnswerForm(questions, language, data=data, initial=initial, require=require)


def question_view(form: SurveyAnswerForm, question: SurveyQuestion) -> dict:
    """What the page shows of one question, in the form's language."""
    language = form.language
    shown = {
        "question": question,
        "kind": question.kind,
        "text": question.translated("text", language),
        "help_text": question.translated("help_text", language),
        "errors": form.question_errors(question),
        "id": f"question-{question.pk}",
    }
    if question.kind == QuestionKind.MATRIX:
        shown["columns"] = [label for _value, label in scale_choices(question, language)]
        shown["rows"] = [
            {"label": label, "field": form[field_name(question, key)]}
            for key, label in labels_in(question, "items", "key", language)
        ]
    else:
        shown["field"] = form[field_name(question)]
    return shown


# -- Drafts -------------------------------------------------------------------------------------


def load_draft(survey: Survey, participant) -> dict:
    draft = SurveyDraft.objects.filter(
        survey=survey, draft_key=keys.draft_key(participant, survey)
    ).first()
    return dict(draft.data) if draft else {}


def draft_data(form: SurveyAnswerForm, data) -> dict:
    """What was typed or chosen, for the known fields only (texts cut to their limit).

    NUL characters are dropped: no answer holds one, and PostgreSQL cannot store them (R8).
    """
    kept = {}
    for name, field in form.fields.items():
        if isinstance(field, MultipleChoiceField):
            found = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
            values = [str(value).replace("\x00", "") for value in found if value]
            values = [value for value in values if value]
            if values:
                kept[name] = values
            continue
        value = data.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        value = str(value).replace("\x00", "")
        limit = getattr(field, "max_length", None)
        if limit:
            value = value[:limit]
        if value.strip():
            kept[name] = value
    return kept


def save_draft(survey: Survey, participant, data: dict, now=None) -> SurveyDraft:
    if state_of(survey, participant, now) != OPEN:
        raise SurveyRefused(state_of(survey, participant, now))
    draft, _created = SurveyDraft.objects.update_or_create(
        survey=survey, draft_key=keys.draft_key(participant, survey), defaults={"data": data}
    )
    return draft


# -- Submitting ---------------------------------------------------------------------------------


def answers_from(form: SurveyAnswerForm) -> list[SurveyAnswer]:
    """Unsaved answer rows from a valid form (unanswered optional questions give none)."""
    cleaned = form.cleaned_data
    made = []
    for question in form.questions:
        kind = question.kind
        if kind == QuestionKind.MATRIX:
            for key, _label in labels_in(question, "items", "key", "en"):
                value = cleaned.get(field_name(question, key))
                if value not in (None, ""):
                    made.append(SurveyAnswer(question=question, item=key, number=int(value)))
            continue
        value = cleaned.get(field_name(question))
        if value in (None, "", []):
            continue
        if kind in (QuestionKind.LIKERT, QuestionKind.RATING):
            made.append(SurveyAnswer(question=question, number=int(value)))
        elif kind == QuestionKind.SINGLE:
            made.append(SurveyAnswer(question=question, choices=[value]))
        elif kind == QuestionKind.MULTIPLE:
            order = [key for key, _label in labels_in(question, "options", "key", "en")]
            made.append(SurveyAnswer(question=question, choices=[k for k in order if k in value]))
        else:
            made.append(SurveyAnswer(question=question, text=value.strip()))
    return made


def submit(survey: Survey, participant, form: SurveyAnswerForm, now=None) -> SurveyResponse:
    """Record the answers of a valid form once; refuses a closed, unopened or answered survey."""
    now = now or timezone.now()
    with transaction.atomic():
        if survey.is_anonymous:
            # Submits of one anonymous survey take turns: each rewrites all its answers.
            Survey.objects.select_for_update().filter(pk=survey.pk).exists()
        state = state_of(survey, participant, now)
        if state != OPEN:
            raise SurveyRefused(state)
        today = timezone.localdate(now)
        try:
            with transaction.atomic():
                SurveyCompletion.objects.create(
                    survey=survey, participant=participant, completed_on=today
                )
        except IntegrityError:
            raise SurveyRefused(ANSWERED) from None
        application = participant.application
        economy = application.economy
        response = SurveyResponse.objects.create(
            survey=survey,
            participant=None if survey.is_anonymous else participant,
            economy_code=economy.code if economy else "",
            position=application.position or "",
            school_level=application.school_level or "",
            language=participant.language,
            pairing_key=keys.pairing_key(participant),
            submitted_on=today,
        )
        answers = answers_from(form)
        for answer in answers:
            answer.response = response
        SurveyAnswer.objects.bulk_create(answers)
        SurveyDraft.objects.filter(
            survey=survey, draft_key=keys.draft_key(participant, survey)
        ).delete()
        if survey.is_anonymous:
            mix(survey)
    return response


def mix(survey: Survey) -> int:
    """Rewrite the survey's responses and answers in random order (same keys and values).

    Called inside the submitting transaction; returns how many responses were rewritten.
    """
    shuffle = random.SystemRandom().shuffle
    responses = list(SurveyResponse.objects.filter(survey=survey).order_by())
    answers = list(SurveyAnswer.objects.filter(response__survey=survey).order_by())
    SurveyAnswer.objects.filter(response__survey=survey).delete()
    SurveyResponse.objects.filter(survey=survey).delete()
    shuffle(responses)
    shuffle(answers)
    SurveyResponse.objects.bulk_create(responses, batch_size=500)
    SurveyAnswer.objects.bulk_create(answers, batch_size=1000)
    return len(responses)
