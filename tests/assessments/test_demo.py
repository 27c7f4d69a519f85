"""The assignments and surveys demo (assessments.demo) on top of the cohorts and trainings demos:
exact counts, stored files matching their hashes, anonymous answers naming nobody, bilingual
texts, and nothing new after a second run."""

import hashlib
import io
from collections import Counter

import pytest
from django.db import transaction

from assessments import demo
from assessments.keys import pairing_key
from assessments.models import (
    Assignment,
    AssignmentCriterion,
    AssignmentTranslation,
    Certificate,
    CertificateBatch,
    CertificateSignatory,
    CertificateTemplate,
    CertificateWording,
    Feedback,
    QuestionKind,
    Resource,
    ResourceAuthor,
    ResourceTopic,
    ResourceTopicTranslation,
    ResourceTranslation,
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
from assessments.submissions import fingerprint
from cohorts import demo as cohorts_demo
from cohorts.models import Cohort
from trainings import demo as trainings_demo
from trainings.models import Activity, ActivityKind, Participant

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("assessments-demo")

MODELS = [
    Activity,
    Assignment,
    AssignmentTranslation,
    AssignmentCriterion,
    Submission,
    SubmissionVersion,
    SubmissionFile,
    Feedback,
    Survey,
    SurveyTranslation,
    SurveySection,
    SurveySectionTranslation,
    SurveyQuestion,
    SurveyQuestionTranslation,
    SurveyResponse,
    SurveyAnswer,
    SurveyCompletion,
    SurveyDraft,
    ResourceTopic,
    ResourceTopicTranslation,
    Resource,
    ResourceTranslation,
    ResourceAuthor,
    CertificateTemplate,
    CertificateWording,
    CertificateSignatory,
    CertificateBatch,
    Certificate,
]
SCHOOL = "Assignment: School situation analysis"
PLAN = "Assignment: Change project plan"
REPORT = "Assignment: Change project report"


def load() -> str:
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_database(django_db_setup, django_db_blocker):
    """The three demos, loaded once for this module and rolled back after its last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cohorts_demo.load(io.StringIO())
            trainings_demo.load(io.StringIO())
            output = load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def output(_demo_database, db) -> str:
    return _demo_database


@pytest.fixture
def past(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2025")


@pytest.fixture
def current(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2026")


@pytest.fixture
def earlier(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2024")


@pytest.fixture(params=["aslp-2025", "aslp-2024"])
def finished(request, output) -> Cohort:
    """Each finished cohort in turn."""
    return Cohort.objects.get(slug=request.param)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def assignment(cohort, title) -> Assignment:
    return Assignment.objects.get(activity__stage__cohort=cohort, activity__title=title)


def test_summary(output):
    assert output == (
        "Assessments: ASLP 2025: 3 assignments with 59 submissions, 3 surveys with 78 "
        "responses, resource library: 2 published, completion: 12 of 30 complete, 2 overridden, "
        "certificate template with 33 wordings; ASLP 2026: 3 assignments with 0 submissions, 2 "
        "surveys with 0 responses; ASLP 2024: 3 assignments with 47 submissions, 3 surveys "
        "with 60 responses, resource library: 1 published, completion: 6 of 24 complete, 2 "
        "overridden, certificate template with 33 wordings, 30 certificates issued.\n"
    )


def test_a_second_run_adds_nothing(output):
    before = counts()
    trainings_demo.load(io.StringIO())
    assert load() == output
    assert counts() == before


def test_assignments_on_assignment_activities_in_every_cohort(past, current, earlier):
    for cohort in (past, current, earlier):
        rows = Assignment.objects.filter(activity__stage__cohort=cohort).select_related(
            "activity__stage"
        )
        assert {(a.activity.title, a.activity.stage.kind, a.per_group) for a in rows} == {
            (SCHOOL, "pre_training", False),
            (PLAN, "pre_training", True),
            (REPORT, "post_training", False),
        }
        for row in rows:
            assert row.activity.kind == ActivityKind.ASSIGNMENT
            assert row.instructions
            row.full_clean()
            korean = row.translations.get(language_code="ko")
            assert korean.instructions and korean.instructions != row.instructions
            assert row.activity.translations.get(language_code="ko").title
            assert row.criteria.count() >= 2
    # The school analysis is the trainings demo's activity, not a second one.
    assert Activity.objects.filter(stage__cohort=past, title=SCHOOL).count() == 1
    assert Submission.objects.filter(assignment__activity__stage__cohort=current).count() == 0


# Per finished cohort and assignment: submissions by status, versions, late submissions.
SUBMISSIONS = {
    "aslp-2025": {
        SCHOOL: ({"submitted": 4, "revision": 2, "accepted": 22}, 36, 3),
        PLAN: ({"submitted": 1, "accepted": 3}, 6, 1),
        REPORT: ({"submitted": 4, "revision": 1, "accepted": 22}, 32, 2),
    },
    "aslp-2024": {
        SCHOOL: ({"submitted": 4, "revision": 2, "accepted": 16}, 30, 3),
        PLAN: ({"submitted": 1, "accepted": 3}, 6, 1),
        REPORT: ({"submitted": 4, "revision": 1, "accepted": 16}, 26, 2),
    },
}


def test_submissions_in_every_state(finished):
    past = finished
    people = Participant.objects.filter(cohort=past).count()
    expected = SUBMISSIONS[past.slug]
    for title, (statuses, versions, late) in expected.items():
        row = assignment(past, title)
        submissions = row.submissions.all()
        assert Counter(submissions.values_list("status", flat=True)) == statuses, title
        assert SubmissionVersion.objects.filter(submission__assignment=row).count() == versions
        assert submissions.filter(is_late=True).count() == late, title
        for submission in submissions:
            numbers = list(submission.versions.values_list("number", flat=True))
            assert numbers == list(range(1, submission.version_count + 1))
            last = submission.versions.last()
            assert submission.last_submitted_at == last.submitted_at
            assert submission.is_late == all(v.is_late for v in submission.versions.all())
            assert last.is_late == (last.submitted_at > row.due_at)
            assert submission.created_at == submission.versions.first().submitted_at
    # 2 participants did not send the school analysis, 3 not the report.
    assert assignment(past, SCHOOL).submissions.count() == people - 2
    assert assignment(past, REPORT).submissions.count() == people - 3
    plan = assignment(past, PLAN)
    assert plan.submissions.filter(participant__isnull=True, group__isnull=False).count() == 4


def test_feedback_follows_the_status(finished):
    past = finished
    for submission in Submission.objects.filter(
        assignment__activity__stage__cohort=past
    ).prefetch_related("feedback", "versions"):
        decisions = [
            (f.version.number, f.decision) for f in submission.feedback.order_by("created_at")
        ]
        if submission.status == "accepted":
            assert decisions[-1] == (submission.version_count, "accepted")
            scores = submission.feedback.get(decision="accepted").scores
            criteria = submission.assignment.criteria.all()
            assert set(scores) == {str(c.pk) for c in criteria}
            assert all(1 <= value <= 5 for value in scores.values())
        elif submission.status == "revision":
            assert decisions == [(1, "revision")]
        elif submission.version_count == 2:
            # Resubmitted after a request: the second version waits for a review.
            assert decisions == [(1, "revision")]
        else:
            assert decisions == []
        for feedback in submission.feedback.all():
            assert feedback.comment
            assert feedback.created_at > feedback.version.submitted_at
    revised = Submission.objects.filter(
        assignment__activity__stage__cohort=past, status="accepted", version_count=2
    )
    assert revised.count() == 6 + 1 + 4


def test_every_stored_file_matches_its_hash(finished):
    past = finished
    files = SubmissionFile.objects.filter(
        version__submission__assignment__activity__stage__cohort=past
    )
    assert files.count() == sum(versions for _s, versions, _l in SUBMISSIONS[past.slug].values())
    for stored in files.select_related("version"):
        with stored.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        assert len(content) == stored.size
        assert hashlib.sha256(content).hexdigest() == stored.sha256
        assert stored.file.name.startswith("submissions/")
        assert stored.original_name.endswith(".pdf")
        # The receipt's fingerprint, made as a real submit makes it.
        assert stored.version.digest == fingerprint(stored.version.text, [stored.sha256])


def test_surveys_set_up_in_every_cohort(past, current, earlier):
    for cohort in (past, earlier):
        assert set(Survey.objects.filter(cohort=cohort).values_list("purpose", "is_anonymous")) == {
            ("pre", True),
            ("post", True),
            ("satisfaction", False),
        }
    assert set(Survey.objects.filter(cohort=current).values_list("purpose", "is_anonymous")) == {
        ("pre", True),
        ("post", True),
    }
    assert not SurveyResponse.objects.filter(survey__cohort=current).exists()
    for survey in Survey.objects.filter(cohort__in=[past, current, earlier]):
        survey.full_clean()
        assert survey.activity.kind == ActivityKind.SURVEY
        assert survey.stage == survey.activity.stage
        assert survey.closes_at == survey.activity.due_at
        assert survey.translations.get(language_code="ko").title
        for section in survey.sections.all():
            assert section.translations.get(language_code="ko").title
        for question in SurveyQuestion.objects.filter(section__survey=survey):
            korean = question.translations.get(language_code="ko")
            assert korean.text and korean.text != question.text
            assert [x["value"] for x in korean.scale_labels] == [
                x["value"] for x in question.scale_labels
            ]
            assert [x["key"] for x in korean.options] == [x["key"] for x in question.options]
            assert [x["key"] for x in korean.items] == [x["key"] for x in question.items]


def test_pre_and_post_ask_the_same_competences(past):
    def competences(purpose):
        keys = set()
        survey = Survey.objects.get(cohort=past, purpose=purpose)
        for question in SurveyQuestion.objects.filter(section__survey=survey):
            if question.kind == QuestionKind.MATRIX:
                assert question.scale_points == 5
                assert [x["value"] for x in question.scale_labels] == [1, 2, 3, 4, 5]
                keys |= {f"{question.competence_key}:{item['key']}" for item in question.items}
            elif question.competence_key:
                keys.add(question.competence_key)
        return keys

    pre = competences("pre")
    assert pre == competences("post")
    assert len([k for k in pre if k.startswith("global:")]) == 4
    assert len([k for k in pre if k.startswith("digital:")]) == 4
    kinds = set(
        SurveyQuestion.objects.filter(
            section__survey__cohort=past, section__survey__purpose="pre"
        ).values_list("kind", flat=True)
    )
    assert kinds == {"matrix", "rating", "single", "multiple", "short_text", "long_text"}


# Per finished cohort: responses (and completions) per survey, and pre/post pairs.
ANSWERS = {
    "aslp-2025": ({"pre": 27, "post": 25, "satisfaction": 26}, 23),
    "aslp-2024": ({"pre": 21, "post": 19, "satisfaction": 20}, 17),
}


def test_answers_completions_and_pairs(finished):
    past = finished
    responses, pairs = ANSWERS[past.slug]
    surveys = {s.purpose: s for s in Survey.objects.filter(cohort=past)}
    assert {p: s.responses.count() for p, s in surveys.items()} == responses
    assert {p: s.completions.count() for p, s in surveys.items()} == responses
    pre = set(surveys["pre"].responses.values_list("pairing_key", flat=True))
    post = set(surveys["post"].responses.values_list("pairing_key", flat=True))
    assert len(pre & post) == pairs
    # Anonymous responses name nobody; the identified ones name the completing participant.
    for purpose in ("pre", "post"):
        assert not surveys[purpose].responses.filter(participant__isnull=False).exists()
    satisfaction = surveys["satisfaction"]
    assert set(satisfaction.responses.values_list("participant_id", flat=True)) == set(
        satisfaction.completions.values_list("participant_id", flat=True)
    )
    # The keys are the real ones: each completing participant's key is among the responses.
    participants = Participant.objects.filter(cohort=past).select_related("application__economy")
    by_pk = {p.pk: p for p in participants}
    for purpose, keys in (("pre", pre), ("post", post)):
        completed = surveys[purpose].completions.values_list("participant_id", flat=True)
        assert {pairing_key(by_pk[pk]) for pk in completed} == keys
    for response in SurveyResponse.objects.filter(survey__cohort=past):
        assert response.economy_code and response.position and response.school_level
        assert response.language in {"en", "ko"}
        assert response.survey.opens_at.date() <= response.submitted_on
        assert response.submitted_on <= response.survey.closes_at.date()
    assert {p.application.economy.code for p in participants} >= set(
        SurveyResponse.objects.filter(survey=surveys["pre"]).values_list("economy_code", flat=True)
    )
    assert not SurveyDraft.objects.exists()


def test_answers_fit_their_questions(finished):
    past = finished
    for answer in SurveyAnswer.objects.filter(response__survey__cohort=past).select_related(
        "question"
    ):
        question = answer.question
        if question.kind == "matrix":
            assert answer.item in {item["key"] for item in question.items}
            assert 1 <= answer.number <= 5
        elif question.kind == "rating":
            assert 0 <= answer.number <= 10
        elif question.kind == "likert":
            assert 1 <= answer.number <= 5
        elif question.kind in {"single", "multiple"}:
            keys = {option["key"] for option in question.options}
            assert answer.choices and set(answer.choices) <= keys
            assert len(answer.choices) == 1 or question.kind == "multiple"
            order = [option["key"] for option in question.options]
            assert answer.choices == [key for key in order if key in answer.choices]
        else:
            assert answer.text
    # Every response answers every required question (each matrix item once).
    for response in SurveyResponse.objects.filter(survey__cohort=past):
        answered = Counter(response.answers.values_list("question_id", flat=True))
        for question in SurveyQuestion.objects.filter(section__survey=response.survey):
            if question.required:
                assert answered[question.pk] == max(1, len(question.items))


def test_paired_changes_are_mostly_positive_and_differ_by_economy(finished):
    past = finished
    pre = Survey.objects.get(cohort=past, purpose="pre")
    post = Survey.objects.get(cohort=past, purpose="post")

    def means(survey):
        rows = SurveyAnswer.objects.filter(
            response__survey=survey, question__kind="matrix"
        ).values_list("response__pairing_key", "response__economy_code", "number")
        totals = {}
        for key, economy, number in rows:
            totals.setdefault(key, [economy, 0, 0])
            totals[key][1] += number
            totals[key][2] += 1
        return {key: (economy, total / count) for key, (economy, total, count) in totals.items()}

    before, after = means(pre), means(post)
    changes = {key: after[key][1] - before[key][1] for key in before.keys() & after.keys()}
    assert len(changes) == ANSWERS[past.slug][1]
    assert sum(change > 0 for change in changes.values()) >= 0.75 * len(changes)
    by_economy = {}
    for key, change in changes.items():
        by_economy.setdefault(before[key][0], []).append(change)
    economy_means = [sum(values) / len(values) for values in by_economy.values()]
    assert len(economy_means) >= 3
    assert max(economy_means) - min(economy_means) >= 0.3


def test_load_demo_runs_it_after_the_trainings_demo():
    from aslp_site.core.management.commands.load_demo import DEMO_MODULES

    assert DEMO_MODULES.index("assessments.demo") == DEMO_MODULES.index("trainings.demo") + 1


def test_copying_the_finished_cohort_takes_the_setup_only(past):
    from assessments.copying import register_copiers
    from trainings.copying import COPIERS, copy_cohort

    before = list(COPIERS)
    register_copiers()
    try:
        copy = copy_cohort(past, title="ASLP 2027", slug="aslp-2027", year=2027, shift_days=728)
    finally:
        for step in COPIERS[:]:
            if step not in before:
                COPIERS.remove(step)
    assignments = Assignment.objects.filter(activity__stage__cohort=copy)
    assert assignments.count() == 3
    assert AssignmentCriterion.objects.filter(assignment__in=assignments).count() == 7
    assert set(Survey.objects.filter(cohort=copy).values_list("purpose", flat=True)) == {
        "pre",
        "post",
        "satisfaction",
    }
    assert SurveyQuestion.objects.filter(section__survey__cohort=copy).count() == 19
    assert not Submission.objects.filter(assignment__in=assignments).exists()
    assert not SurveyResponse.objects.filter(survey__cohort=copy).exists()
    assert not SurveyCompletion.objects.filter(survey__cohort=copy).exists()


def test_the_library_has_two_published_resources_and_one_in_preparation(past):
    from assessments import library
    from assessments.models import ConsentState, ResourceStatus

    topics = list(ResourceTopic.objects.order_by("sort_order"))
    assert len(topics) == 6
    assert topics[1].translated("name", "ko") == "디지털 리터러시"
    resources = {
        r.language_code + ":" + r.status: r
        for r in Resource.objects.filter(
            submission__assignment__activity__stage__cohort=past
        ).prefetch_related("translations", "authors", "topics")
    }
    assert sorted(resources) == ["en:preparing", "en:published", "ko:published"]
    english, korean = resources["en:published"], resources["ko:published"]
    assert english.translated("title", "ko") == "연수 후에도 이어지는 수업 연구 모임"
    assert korean.translated("title", "en") == "A digital citizenship campaign made by students"
    assert korean.translated("title", "ko") == "학생이 만드는 디지털 시민성 캠페인"
    for resource in (english, korean):
        assert resource.submission.status == "accepted"
        assert resource.submission.assignment.activity.title == REPORT
        assert resource.files.count() == 1
        assert resource.economy_id == resource.submission.participant.application.economy_id
        assert library.missing(resource) == []
        (author,) = resource.authors.all()
        assert author.participant_id == resource.submission.participant_id
        assert author.consent == ConsentState.GIVEN
    # The Korean resource is by a participant who writes in Korean.
    assert korean.submission.participant.language == "ko"
    preparing = resources["en:preparing"]
    assert preparing.status == ResourceStatus.PREPARING
    assert library.missing(preparing) == [
        "The technical review is not done.",
        f"{preparing.authors.get().credit_name} has not agreed to this content yet.",
    ]


def test_certificate_staff_can_issue_the_whole_past_cohort(past):
    """The demo's "done when": every eligible participant of ASLP 2025 (and every speaker)
    gets a certificate in their language, with nothing refused."""
    from assessments import issuing

    template = CertificateTemplate.objects.get(cohort=past)
    assert template.logo and template.signatories.filter(signature="").count() == 1
    assert set(template.wordings.values_list("language_code", flat=True)) == set(
        issuing.CERTIFICATE_LANGUAGE_NAMES
    )
    assert issuing.problems(past) == []
    batch = CertificateBatch.objects.create(cohort=past, include_speakers=True, send_email=False)
    issuing.run_batch(batch)
    batch.refresh_from_db()
    assert (batch.status, batch.failed, batch.errors) == ("finished", 0, [])
    assert batch.issued == batch.total > 30
    languages = Counter(
        Certificate.objects.filter(cohort=past, participant__isnull=False).values_list(
            "language", flat=True
        )
    )
    # Korea, Thailand, Indonesia and Malaysia in their languages; the others in English.
    assert set(languages) == {"en", "ko", "th", "id", "ms"}


def test_one_resource_published_from_the_2024_work(earlier):
    from assessments import library
    from assessments.models import ConsentState, ResourceStatus

    resource = Resource.objects.get(submission__assignment__activity__stage__cohort=earlier)
    assert (resource.status, resource.language_code) == (ResourceStatus.PUBLISHED, "en")
    assert resource.title == "A mentoring circle that new teachers run themselves"
    assert resource.translated("title", "ko") == "신규 교사가 직접 운영하는 멘토링 모임"
    assert resource.submission.status == "accepted"
    assert resource.submission.assignment.activity.title == REPORT
    assert library.missing(resource) == []
    (author,) = resource.authors.all()
    assert author.participant.cohort == earlier
    assert author.consent == ConsentState.GIVEN
    assert sorted(resource.topics.values_list("slug", flat=True)) == [
        "professional-learning",
        "school-leadership",
    ]


def test_the_demo_overrides_do_not_depend_on_the_active_language(past):
    """The overrides are chosen by reasons that name assignments in the active language; built
    after a Korean page (whose language stays on in the thread), ASLP 2025 got one fewer."""
    from django.utils import translation

    from assessments.models import CompletionOverride

    summary = demo.load_completion(past)
    CompletionOverride.objects.filter(participant__cohort=past).delete()
    with translation.override("ko"):
        assert demo.load_completion(past) == summary
    assert summary == "completion: 12 of 30 complete, 2 overridden"


def test_the_2024_outcomes_and_certificates_are_issued_and_valid(earlier, past):
    """ASLP 2024's certificates were issued as one bulk issue without e-mails: every active
    participant (completion or attendance) and every speaker, all valid, each PDF matching its
    hash; ASLP 2025's are left to certificate staff."""
    from assessments import completion, issuing
    from assessments.models import CompletionOverride, CompletionRules

    rules = CompletionRules.objects.get(cohort=earlier)
    assert (rules.min_attendance_percent, rules.require_assignments) == (80, True)
    assert (rules.require_surveys, rules.require_dissemination) == (True, False)
    results = list(completion.evaluate_cohort(earlier).values())
    assert len(results) == 24
    assert sum(r.complete for r in results) == 6
    assert sum(r.attended for r in results) == 24
    assert CompletionOverride.objects.filter(participant__cohort=earlier).count() == 2

    batch = CertificateBatch.objects.get(cohort=earlier)
    assert (batch.status, batch.total, batch.issued, batch.failed, batch.errors) == (
        "finished",
        30,
        30,
        0,
        [],
    )
    assert (batch.send_email, batch.include_speakers) == (False, True)
    certificates = Certificate.objects.filter(cohort=earlier)
    assert Counter(certificates.values_list("kind", "status")) == {
        ("completion", "valid"): 6,
        ("attendance", "valid"): 18,
        ("appreciation", "valid"): 6,
    }
    assert not certificates.exclude(emailed_at=None).exists()
    serials = sorted(certificates.values_list("serial", flat=True))
    assert serials == [f"ASLP-2024-{n:06d}" for n in range(1, 31)]
    by_participant = {c.participant_id: c for c in certificates if c.participant_id}
    for result in results:
        expected = "completion" if result.complete else "attendance"
        assert by_participant[result.participant.pk].kind == expected
    for certificate in certificates:
        content = issuing.pdf_bytes(certificate)
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == certificate.sha256
        assert issuing.find_by_code(certificate.code) == certificate
    languages = Counter(
        certificates.filter(participant__isnull=False).values_list("language", flat=True)
    )
    assert languages == {"en": 12, "ko": 3, "th": 3, "id": 3, "ms": 3}
    assert not Certificate.objects.filter(cohort=past).exists()
