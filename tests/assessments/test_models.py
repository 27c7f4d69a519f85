"""The assessments' data rules: one submission per person or group, versions numbered, survey
keys that pair without naming, one answer per respondent."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import keys
from assessments.models import (
    Assignment,
    Submission,
    SubmissionVersion,
    Survey,
    SurveyCompletion,
    SurveyResponse,
)
from tests.trainings import factories as f
from trainings.models import ActivityKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return f.cohort("aslp-a")


def test_an_assignment_belongs_to_an_assignment_activity_and_accepts_something(cohort):
    lecture = f.activity(cohort, ActivityKind.LECTURE)
    wrong = Assignment(activity=lecture, accepts_text=False, accepts_files=False)
    with pytest.raises(ValidationError) as caught:
        wrong.full_clean()
    assert "Choose an activity of the type assignment." in caught.value.message_dict["activity"]
    assert caught.value.message_dict["accepts_files"] == ["Allow a text, files or both."]
    task = f.activity(cohort, ActivityKind.ASSIGNMENT, title="School profile")
    odd = Assignment(activity=task, file_kinds=["pdf", "exe"])
    with pytest.raises(ValidationError) as caught:
        odd.full_clean()
    assert caught.value.message_dict["file_kinds"] == ["Unknown file types: exe"]
    Assignment(activity=task).full_clean()


def test_one_submission_per_participant_and_one_owner(cohort):
    task = f.activity(cohort, ActivityKind.ASSIGNMENT)
    assignment = Assignment.objects.create(activity=task)
    person = f.participant(cohort)
    group = f.group(cohort)
    Submission.objects.create(assignment=assignment, participant=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=assignment, participant=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=assignment, participant=person, group=group)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=assignment)
    Submission.objects.create(assignment=assignment, group=group)


def test_version_numbers_are_unique_per_submission(cohort):
    task = f.activity(cohort, ActivityKind.ASSIGNMENT)
    submission = Submission.objects.create(
        assignment=Assignment.objects.create(activity=task), participant=f.participant(cohort)
    )
    now = timezone.now()
    SubmissionVersion.objects.create(submission=submission, number=1, submitted_at=now, digest="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionVersion.objects.create(
            submission=submission, number=1, submitted_at=now, digest="b"
        )


def test_pairing_keys_match_across_a_cohorts_surveys_and_differ_between_people(cohort, settings):
    one, two = f.participant(cohort), f.participant(cohort)
    assert keys.pairing_key(one) == keys.pairing_key(one)
    assert keys.pairing_key(one) != keys.pairing_key(two)
    assert len(keys.pairing_key(one)) == 64
    before = keys.pairing_key(one)
    settings.SURVEY_KEY_SECRET = "another-secret"
    assert keys.pairing_key(one) != before


def test_each_participant_answers_once_even_anonymously(cohort):
    now = timezone.now()
    survey = Survey.objects.create(
        cohort=cohort,
        title="Before the programme",
        opens_at=now,
        closes_at=now + dt.timedelta(days=7),
        is_anonymous=True,
    )
    person = f.participant(cohort)
    SurveyCompletion.objects.create(survey=survey, participant=person, completed_on=now.date())
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyCompletion.objects.create(survey=survey, participant=person, completed_on=now.date())
    key = keys.pairing_key(person)
    SurveyResponse.objects.create(survey=survey, pairing_key=key, submitted_on=now.date())
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, pairing_key=key, submitted_on=now.date())
    late = Survey(cohort=cohort, title="x", opens_at=now, closes_at=now)
    with pytest.raises(ValidationError) as caught:
        late.full_clean()
    assert caught.value.message_dict["closes_at"] == ["The survey must close after it opens."]


def test_responses_and_answers_have_random_keys_not_a_sequence(cohort):
    """Sequential ids would line up with the order of the completions, which name people."""
    import uuid

    from assessments.models import SurveyAnswer, SurveyQuestion, SurveySection

    now = timezone.now()
    survey = Survey.objects.create(
        cohort=cohort, title="Anonymous", opens_at=now, closes_at=now + dt.timedelta(days=1)
    )
    section = SurveySection.objects.create(survey=survey, title="Only")
    question = SurveyQuestion.objects.create(section=section, kind="rating", text="How useful?")
    made = [SurveyResponse.objects.create(survey=survey, submitted_on=now.date()) for _ in range(3)]
    answers = [
        SurveyAnswer.objects.create(response=response, question=question, number=7)
        for response in made
    ]
    assert all(isinstance(row.pk, uuid.UUID) for row in made + answers)
    assert len({row.pk for row in made}) == 3
