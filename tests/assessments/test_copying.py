"""Copying a cohort takes its assignments and surveys (assessments.copying): the set-up, attached
to the copied activities and stages, with dates moved, and nothing anybody sent or answered."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile

from assessments import copying as steps
from assessments.keys import draft_key, pairing_key
from assessments.models import (
    Assignment,
    AssignmentCriterion,
    AssignmentTranslation,
    Feedback,
    Submission,
    SubmissionFile,
    SubmissionVersion,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyDraft,
    SurveyQuestion,
    SurveyQuestionTranslation,
    SurveyResponse,
    SurveySection,
    SurveySectionTranslation,
    SurveyTranslation,
)
from tests.trainings import factories as f
from trainings import copying
from trainings.copying import COPIERS, Shift, copy_cohort
from trainings.models import Activity, ActivityKind, StageKind

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
SHIFT = 364


@pytest.fixture(autouse=True)
def _registered():
    """The steps registered as AssessmentsConfig.ready() does; those added here are removed."""
    before = list(COPIERS)
    steps.register_copiers()
    yield
    for step in (steps.copy_assignments, steps.copy_surveys):
        if step not in before and step in COPIERS:
            COPIERS.remove(step)


def moved(moment: dt.datetime) -> dt.datetime:
    return Shift(days=SHIFT, zone="Asia/Seoul").moment(moment)


def due(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 23, 59, tzinfo=SEOUL)


@pytest.fixture
def source():
    cohort = f.cohort(
        "aslp-2025",
        title="ASLP 2025",
        year=2025,
        time_zone="Asia/Seoul",
        pre_training_starts=dt.date(2025, 4, 7),
        pre_training_ends=dt.date(2025, 5, 30),
        workshop_starts=dt.date(2025, 7, 7),
        workshop_ends=dt.date(2025, 7, 10),
        post_training_starts=dt.date(2025, 8, 18),
        post_training_ends=dt.date(2025, 10, 31),
    )
    group = f.group(cohort, "Group A", 1)
    person = f.participant(cohort, "p1@example.org", group=group)
    organizer = f.organizer(cohort, "organizer@example.org")
    # Two activities with the same title in different stages: each assignment finds its own.
    profile = f.activity(cohort, ActivityKind.ASSIGNMENT, title="Reflection", due_at=due(5, 30))
    report = f.activity(
        cohort,
        ActivityKind.ASSIGNMENT,
        stage_kind=StageKind.POST_TRAINING,
        title="Reflection",
        due_at=due(10, 17),
    )
    plan = f.activity(
        cohort, ActivityKind.ASSIGNMENT, title="Change project plan", due_at=due(5, 20)
    )
    individual = Assignment.objects.create(
        activity=profile,
        instructions="Two pages on your school.",
        late_policy="refuse",
        file_kinds=["pdf"],
        max_file_mb=5,
        max_files=2,
    )
    AssignmentTranslation.objects.create(
        assignment=individual, language_code="ko", instructions="학교에 관한 두 쪽."
    )
    AssignmentCriterion.objects.create(
        assignment=individual, title="Evidence", weight=2, level_1="None", level_5="Clear"
    )
    AssignmentCriterion.objects.create(assignment=individual, title="Clarity", sort_order=1)
    Assignment.objects.create(
        activity=report, instructions="What changed.", accepts_files=False, can_be_published=True
    )
    grouped = Assignment.objects.create(activity=plan, instructions="One plan.", per_group=True)
    # Work that must stay behind.
    submission = Submission.objects.create(
        assignment=individual, participant=person, status="accepted", version_count=1
    )
    content = b"%PDF-1.4 school profile"
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        text="My school.",
        submitted_by=person.user,
        submitted_at=due(5, 25),
        digest="0" * 64,
    )
    stored = SubmissionFile(
        version=version,
        original_name="profile.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    stored.file.save("profile.pdf", ContentFile(content), save=False)
    stored.save()
    Feedback.objects.create(
        submission=submission,
        version=version,
        reviewer=organizer,
        decision="accepted",
        comment="Good.",
    )
    Submission.objects.create(assignment=grouped, group=group, version_count=0)
    # Surveys: one on a survey activity, one with neither stage nor activity.
    needs = f.activity(cohort, ActivityKind.SURVEY, title="Needs survey", due_at=due(4, 17))
    pre = Survey.objects.create(
        cohort=cohort,
        stage=needs.stage,
        activity=needs,
        purpose="pre",
        title="Pre-training survey",
        introduction="Anonymous.",
        opens_at=dt.datetime(2025, 4, 7, 9, 0, tzinfo=SEOUL),
        closes_at=due(4, 17),
        is_anonymous=True,
    )
    SurveyTranslation.objects.create(survey=pre, language_code="ko", title="사전 설문")
    section = SurveySection.objects.create(survey=pre, title="Global competence", sort_order=1)
    SurveySectionTranslation.objects.create(
        section=section, language_code="ko", title="글로벌 역량"
    )
    matrix = SurveyQuestion.objects.create(
        section=section,
        kind="matrix",
        text="Global competence",
        scale_labels=[{"value": 1, "label": "Low"}, {"value": 5, "label": "High"}],
        items=[{"key": "cultures", "label": "Cultures"}, {"key": "issues", "label": "Issues"}],
        competence_key="global",
    )
    SurveyQuestionTranslation.objects.create(
        question=matrix,
        language_code="ko",
        text="글로벌 역량",
        scale_labels=[{"value": 1, "label": "낮음"}, {"value": 5, "label": "높음"}],
        items=[{"key": "cultures", "label": "문화"}, {"key": "issues", "label": "쟁점"}],
    )
    choice = SurveyQuestion.objects.create(
        section=section,
        kind="single",
        text="How often?",
        options=[{"key": "weekly", "label": "Weekly"}],
        required=False,
        sort_order=2,
    )
    response = SurveyResponse.objects.create(
        survey=pre,
        economy_code="ROK",
        language="en",
        pairing_key=pairing_key(person),
        submitted_on=dt.date(2025, 4, 9),
    )
    SurveyAnswer.objects.create(response=response, question=matrix, item="cultures", number=3)
    SurveyAnswer.objects.create(response=response, question=choice, choices=["weekly"])
    SurveyCompletion.objects.create(
        survey=pre, participant=person, completed_on=dt.date(2025, 4, 9)
    )
    SurveyDraft.objects.create(survey=pre, draft_key=draft_key(person, pre), data={"a": 1})
    Survey.objects.create(
        cohort=cohort,
        purpose="other",
        title="Alumni survey",
        opens_at=dt.datetime(2025, 11, 1, 9, 0, tzinfo=SEOUL),
        closes_at=dt.datetime(2025, 11, 30, 18, 0, tzinfo=SEOUL),
    )
    return cohort


def do_copy(source):
    return copy_cohort(
        source, title="ASLP 2026", slug="aslp-2026", year=2026, shift_days=SHIFT, by=None
    )


def test_the_steps_run_after_the_activities_are_copied_and_register_once():
    steps.register_copiers()
    steps.register_copiers()
    assert COPIERS.count(steps.copy_assignments) == 1
    assert COPIERS.count(steps.copy_surveys) == 1
    stages_step = COPIERS.index(copying.copy_stages_and_activities)
    assert COPIERS.index(steps.copy_assignments) > stages_step
    assert COPIERS.index(steps.copy_surveys) > stages_step


def test_assignments_are_copied_onto_the_copied_activities(source):
    copy = do_copy(source)
    rows = {
        (a.activity.stage.kind, a.activity.title): a
        for a in Assignment.objects.filter(activity__stage__cohort=copy).select_related(
            "activity__stage"
        )
    }
    assert set(rows) == {
        ("pre_training", "Reflection"),
        ("post_training", "Reflection"),
        ("pre_training", "Change project plan"),
    }
    individual = rows["pre_training", "Reflection"]
    assert individual.due_at == moved(due(5, 30))
    assert individual.due_at == dt.datetime(2026, 5, 29, 23, 59, tzinfo=SEOUL)
    assert (
        individual.instructions,
        individual.late_policy,
        individual.file_kinds,
        individual.max_file_mb,
        individual.max_files,
        individual.per_group,
    ) == ("Two pages on your school.", "refuse", ["pdf"], 5, 2, False)
    assert list(individual.translations.values_list("language_code", "instructions")) == [
        ("ko", "학교에 관한 두 쪽.")
    ]
    assert list(
        individual.criteria.values_list("title", "weight", "level_1", "level_5", "sort_order")
    ) == [("Evidence", 2, "None", "Clear", 0), ("Clarity", 1, "", "", 1)]
    report = rows["post_training", "Reflection"]
    assert report.due_at == moved(due(10, 17))
    assert (report.instructions, report.accepts_files, report.can_be_published) == (
        "What changed.",
        False,
        True,
    )
    assert rows["pre_training", "Change project plan"].per_group is True
    # The originals stay where they were.
    assert Assignment.objects.filter(activity__stage__cohort=source).count() == 3
    assert AssignmentCriterion.objects.count() == 4
    assert AssignmentTranslation.objects.count() == 2


def test_surveys_are_copied_with_dates_moved(source):
    copy = do_copy(source)
    surveys = {s.purpose: s for s in Survey.objects.filter(cohort=copy)}
    assert set(surveys) == {"pre", "other"}
    pre = surveys["pre"]
    assert pre.opens_at == dt.datetime(2026, 4, 6, 9, 0, tzinfo=SEOUL)
    assert pre.closes_at == moved(due(4, 17))
    assert pre.is_anonymous is True
    assert (pre.title, pre.introduction) == ("Pre-training survey", "Anonymous.")
    assert pre.stage.cohort == copy and pre.stage.kind == "pre_training"
    needs_copy = Activity.objects.get(stage__cohort=copy, title="Needs survey")
    assert pre.activity == needs_copy
    assert needs_copy.due_at == pre.closes_at
    assert list(pre.translations.values_list("language_code", "title")) == [("ko", "사전 설문")]
    section = pre.sections.get()
    assert section.title == "Global competence"
    assert section.translations.get().title == "글로벌 역량"
    questions = list(SurveyQuestion.objects.filter(section=section))
    assert [(q.kind, q.text, q.competence_key, q.required) for q in questions] == [
        ("matrix", "Global competence", "global", True),
        ("single", "How often?", "", False),
    ]
    assert questions[0].items == [
        {"key": "cultures", "label": "Cultures"},
        {"key": "issues", "label": "Issues"},
    ]
    korean = questions[0].translations.get()
    assert korean.items[1] == {"key": "issues", "label": "쟁점"}
    assert korean.scale_labels[0] == {"value": 1, "label": "낮음"}
    other = surveys["other"]
    assert (other.stage, other.activity) == (None, None)
    assert other.opens_at == dt.datetime(2026, 10, 31, 9, 0, tzinfo=SEOUL)
    # The source keeps its own.
    source_pre = Survey.objects.get(cohort=source, purpose="pre")
    assert source_pre.activity.stage.cohort == source
    assert SurveyQuestion.objects.filter(section__survey=source_pre).count() == 2


def test_nothing_sent_or_answered_is_copied(source):
    copy = do_copy(source)
    assert not Submission.objects.filter(assignment__activity__stage__cohort=copy).exists()
    assert not SubmissionVersion.objects.filter(
        submission__assignment__activity__stage__cohort=copy
    ).exists()
    assert SubmissionFile.objects.count() == 1
    assert Feedback.objects.count() == 1
    assert not SurveyResponse.objects.filter(survey__cohort=copy).exists()
    assert not SurveyAnswer.objects.filter(response__survey__cohort=copy).exists()
    assert not SurveyCompletion.objects.filter(survey__cohort=copy).exists()
    assert not SurveyDraft.objects.filter(survey__cohort=copy).exists()
    assert (SurveyResponse.objects.count(), SurveyCompletion.objects.count()) == (1, 1)
    assert Submission.objects.filter(assignment__activity__stage__cohort=source).count() == 2
