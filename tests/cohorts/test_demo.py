"""The programme demo (cohorts.demo): complete, consistent, and the same after a second run."""

import datetime as dt
import hashlib
import io
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from aslp_site.accounts.demo import demo_password
from aslp_site.accounts.models import User
from cohorts import demo
from cohorts.forms.application import ApplicationForm
from cohorts.models import (
    SEAT_HOLDING,
    AlumniProfile,
    Application,
    ApplicationFile,
    ApplicationQuestion,
    ApplicationStatus,
    Cohort,
    CohortStatus,
    ConflictOfInterest,
    EconomyQuota,
    EndorsementStatus,
    FileKind,
    Logistics,
    MessageKind,
    MessageTemplate,
    Nomination,
    QuestionKind,
    ReviewAssignment,
    Role,
    RoleGrant,
    RubricCriterion,
    Score,
)

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("cohorts-demo")

MODELS = [
    User,
    EmailAddress,
    Cohort,
    EconomyQuota,
    RoleGrant,
    ApplicationQuestion,
    RubricCriterion,
    MessageTemplate,
    Application,
    ApplicationFile,
    ReviewAssignment,
    Score,
    ConflictOfInterest,
    Nomination,
    Logistics,
    AlumniProfile,
]


def load() -> str:
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_database(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back after its last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
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
def current(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2026")


@pytest.fixture
def past(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2025")


@pytest.fixture
def earlier(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2024")


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_summary_line(output):
    assert "13 newly marked as participating" in output
    assert (
        "Programme: ASLP 2024 (Finished): 34 applications from 8 economies, 24 confirmed, "
        "24/24 seats taken; ASLP 2025 (Finished): 39 applications from 8 economies, 30 "
        "confirmed, 30/30 seats taken; ASLP 2026 (Open for applications): 61 applications from "
        "12 economies, 13 confirmed, 19/30 seats taken." in output
    )
    assert "134 applications and 150 people created" in output


def test_programme_and_translations(current):
    programme = current.programme
    assert (programme.slug, programme.short_name) == ("aslp", "ASLP")
    assert programme.translated("title", "ko") == "APEC 학교 리더십 프로그램"
    assert programme.organisation_name == "Institute for APEC Collaborative Education"
    assert "Busan" in programme.organisation_address
    assert programme.organisation_email.endswith("example.org")
    assert programme.letter_signatory_name and programme.letter_signatory_title
    for slug in ("aslp-2024", "aslp-2025", "aslp-2026"):
        cohort = Cohort.objects.get(slug=slug)
        assert cohort.translated("title", "ko") != cohort.title
        assert cohort.translated("description", "ko") != cohort.description


def test_current_cohort_is_open_for_three_more_weeks(current):
    now = timezone.now()
    assert current.status == CohortStatus.OPEN
    assert current.is_accepting_applications(now)
    assert current.time_zone == "Asia/Seoul"
    closes = timezone.localtime(current.closes_at, current.zone)
    assert closes.date() == timezone.localtime(now, current.zone).date() + dt.timedelta(days=21)
    assert current.opens_at < now - dt.timedelta(days=28)
    assert (current.total_seats, current.languages) == (30, ["en", "ko"])
    assert (current.essay_word_limit, current.reviewers_per_application) == (500, 2)
    assert current.offer_response_days == 14
    assert current.workshop_starts.year == 2027 and current.venue_city == "Busan"
    assert current.pre_training_starts < current.workshop_starts < current.post_training_starts
    quotas = list(current.quotas.all())
    assert len(quotas) == 12
    assert sum(q.seats for q in quotas) >= current.total_seats


def test_every_status_occurs_in_the_current_cohort(current):
    statuses = set(current.applications.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)


def test_applications_from_many_economies(current):
    apps = current.applications.all()
    assert apps.count() >= 55
    assert apps.values("economy").distinct().count() >= 12
    by_status = Counter(apps.values_list("status", flat=True))
    assert by_status[ApplicationStatus.SUBMITTED] >= 20
    assert by_status[ApplicationStatus.DRAFT] >= 3
    assert by_status[ApplicationStatus.CONFIRMED] >= 5
    submitted = apps.filter(status=ApplicationStatus.SUBMITTED)
    endorsements = Counter(submitted.values_list("endorsement", flat=True))
    assert set(endorsements) == set(EndorsementStatus.values)
    assert submitted.exclude(coordinator_rank=None).exists()
    # Names in native scripts next to the passport names.
    natives = set(apps.values_list("native_name", flat=True))
    for sample in ("\uac00", "\u0e01", "\u4e00", "\u0430"):  # hangul, Thai, CJK, Cyrillic ranges
        assert any(
            any(ord(ch) >= ord(sample) and ord(ch) < ord(sample) + 0x2000 for ch in name)
            for name in natives
        ), sample
    assert any("ễ" in name or "ầ" in name or "ặ" in name or "ũ" in name for name in natives)


def test_counters_match_statuses_and_stay_within_quotas(current, past, earlier):
    for cohort in (current, past, earlier):
        held = Application.objects.filter(cohort=cohort, status__in=SEAT_HOLDING)
        cohort.refresh_from_db()
        assert cohort.accepted_count == held.count() <= cohort.total_seats
        for quota in cohort.quotas.all():
            economy_held = held.filter(economy=quota.economy).count()
            assert quota.accepted_count == economy_held <= quota.seats
            waiting = Application.objects.filter(
                cohort=cohort, economy=quota.economy, status=ApplicationStatus.WAITLISTED
            )
            assert waiting.count() <= quota.reserve_places
            positions = list(waiting.values_list("waitlist_position", flat=True))
            assert None not in positions and len(set(positions)) == len(positions)
        # No application holds a seat in an economy without a quota.
        assert not held.exclude(economy__quotas__cohort=cohort).exists()


def test_offers_and_times_tell_a_consistent_story(current):
    now = timezone.now()
    for app in current.applications.all():
        if app.status == ApplicationStatus.DRAFT:
            assert app.submitted_at is None and app.reference is None
            continue
        assert app.reference == f"ASLP-2026-{app.pk:05d}"
        assert current.opens_at <= app.submitted_at <= now
        if app.decided_at:
            assert app.submitted_at < app.decided_at <= now
        if app.status == ApplicationStatus.ACCEPTED:
            assert app.offer_deadline > now
        if app.status == ApplicationStatus.OFFER_EXPIRED:
            assert app.offer_deadline < now
        if app.status in (ApplicationStatus.CONFIRMED, ApplicationStatus.OFFER_DECLINED):
            assert app.decided_at < app.offer_answered_at <= app.offer_deadline
        if app.status == ApplicationStatus.WITHDRAWN:
            assert app.withdrawn_at > app.submitted_at
    logistics = Logistics.objects.filter(application__cohort=current)
    assert logistics.exists()
    assert not logistics.exclude(application__status=ApplicationStatus.CONFIRMED).exists()


def test_reviews_never_by_the_applicants_economy_and_balanced(current, past, earlier):
    for cohort in (current, past, earlier):
        home = dict(
            RoleGrant.objects.filter(role=Role.REVIEWER, cohort=cohort).values_list(
                "user_id", "economy_id"
            )
        )
        reviews = ReviewAssignment.objects.filter(application__cohort=cohort).select_related(
            "application"
        )
        assert reviews.exists()
        for review in reviews:
            assert review.reviewer_id in home
            assert home[review.reviewer_id] != review.application.economy_id
        loads = Counter(reviews.values_list("reviewer_id", flat=True))
        assert max(loads.values()) - min(loads.values()) <= 1
        per_app = Counter(reviews.values_list("application_id", flat=True))
        reviewed = Application.objects.filter(cohort=cohort).exclude(
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]
        )
        assert {per_app[pk] for pk in reviewed.values_list("pk", flat=True)} == {2}
        assert not reviews.filter(
            application__status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]
        ).exists()
    conflict = ConflictOfInterest.objects.get(application__cohort=current)
    assert not ReviewAssignment.objects.filter(
        application=conflict.application, reviewer=conflict.reviewer
    ).exists()
    # Decided applications have all their scores; some open ones still wait for a reviewer.
    pending = ReviewAssignment.objects.filter(application__cohort=current, submitted_at=None)
    assert pending.exists()
    assert set(pending.values_list("application__status", flat=True)) == {"submitted"}
    for cohort in (past, earlier):
        assert not ReviewAssignment.objects.filter(
            application__cohort=cohort, submitted_at=None
        ).exists()


def test_scores_and_figures_are_consistent(current, past, earlier):
    for cohort in (current, past, earlier):
        weights = dict(RubricCriterion.objects.filter(cohort=cohort).values_list("pk", "weight"))
        assert sorted(weights.values()) == [1, 2, 2, 3]
        total = sum(weights.values())
        for app in Application.objects.filter(cohort=cohort).prefetch_related("reviews__scores"):
            done = []
            for review in app.reviews.all():
                scores = list(review.scores.all())
                if review.submitted_at is None:
                    assert scores == [] and review.weighted_score is None
                    continue
                assert {s.criterion_id for s in scores} == set(weights)
                expected = round2(sum(weights[s.criterion_id] * s.value for s in scores) / total)
                assert review.weighted_score == expected
                done.append(review.weighted_score)
            assert app.review_count == len(done)
            if done:
                assert app.score_mean == round2(sum(done) / len(done))
                assert app.score_spread == max(done) - min(done)
            else:
                assert app.score_mean is None and app.score_spread is None


def test_files_are_real_pdfs_with_matching_hashes(current):
    not_draft = current.applications.exclude(status=ApplicationStatus.DRAFT)
    for app in not_draft:
        kinds = set(app.files.filter(is_current=True).values_list("kind", flat=True))
        assert {FileKind.CV, FileKind.ENDORSEMENT_LETTER} <= kinds
    files = ApplicationFile.objects.filter(application__cohort=current)
    assert files.filter(kind=FileKind.ANSWER).exists()
    assert not files.filter(application__status=ApplicationStatus.DRAFT).exists()
    for upload in files:
        with upload.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == upload.sha256
        assert len(content) == upload.size


def test_submitted_applications_pass_the_real_form(current):
    """What the demo stored is what the application form accepts for a submission."""
    questions = list(current.questions.order_by("sort_order"))
    for app in current.applications.filter(status=ApplicationStatus.SUBMITTED)[:10]:
        data = {
            name: getattr(app, name) if name != "economy" else app.economy_id
            for name in (
                "family_name",
                "given_names",
                "native_name",
                "gender",
                "position",
                "position_detail",
                "school_name",
                "school_level",
                "years_experience",
                "economy",
                "preferred_language",
                "time_zone",
                "phone",
                "motivation",
            )
        }
        for question in questions:
            answer = app.answers.get(str(question.pk))
            if answer is not None:
                data[f"question_{question.pk}"] = answer
        form = ApplicationForm(
            data, {}, cohort=current, application=app, questions=questions, user=app.applicant
        )
        assert form.is_valid(), form.errors
        stored = set(app.files.filter(is_current=True).values_list("kind", "question_id"))
        form.check_complete(stored)
        assert not form.errors, (app.display_name, form.errors)


def test_questions_of_every_kind_with_korean_translations(current):
    questions = list(current.questions.all())
    assert sorted(q.kind for q in questions) == sorted(QuestionKind.values)
    for question in questions:
        assert question.translated("label", "ko") != question.label
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            pairs = question.translated_choices("ko")
            assert len(pairs) == len(question.choice_list()) >= 2
            assert all(shown != value for value, shown in pairs)


def test_accepted_templates_in_both_languages(current, past, earlier):
    for cohort in (current, past, earlier):
        templates = MessageTemplate.objects.filter(cohort=cohort, kind=MessageKind.ACCEPTED)
        assert set(templates.values_list("language_code", flat=True)) == {"en", "ko"}
        for template in templates:
            assert "{name}" in template.body and "{deadline}" in template.body
            assert "{link}" in template.body


def test_people_and_roles(current, past, earlier):
    password = demo_password()
    organizer = User.objects.get(email="organizer@aslp.example.org")
    assert check_password(password, organizer.password)
    for cohort in (current, past, earlier):
        assert RoleGrant.objects.filter(user=organizer, role=Role.ORGANIZER, cohort=cohort)
    reviewers = RoleGrant.objects.filter(role=Role.REVIEWER, cohort=current)
    assert reviewers.count() == 6
    assert reviewers.values("economy").distinct().count() == 4
    for cohort in (past, earlier):
        finished = RoleGrant.objects.filter(role=Role.REVIEWER, cohort=cohort)
        assert sorted(finished.values_list("user__email", flat=True)) == [
            f"reviewer{n}@aslp.example.org" for n in (1, 3, 4, 5)
        ]
    assert RoleGrant.objects.filter(role=Role.COORDINATOR, cohort=earlier).count() == 8
    for code in ("ROK", "THA", "USA"):
        grant = RoleGrant.objects.get(
            user__email=f"coordinator-{code.lower()}@aslp.example.org",
            role=Role.COORDINATOR,
            cohort=current,
        )
        assert grant.economy.code == code
    assert User.objects.get(email="coordinator-rok@aslp.example.org").preferred_language == "ko"
    assert RoleGrant.objects.filter(
        user__email="certificates@aslp.example.org", role=Role.CERTIFICATE_STAFF
    ).exists()
    # Every demo account can sign in: verified, primary address.
    unverified = User.objects.exclude(
        emailaddress__verified=True, emailaddress__primary=True
    ).filter(Q(email__endswith="example.org"))
    assert not unverified.exists()
    assert len(set(User.objects.values_list("time_zone", flat=True))) >= 10
    assert set(User.objects.values_list("preferred_language", flat=True)) == {"en", "ko"}


def test_demo_applicants(current):
    assert not Application.objects.filter(applicant__email="applicant@aslp.example.org").exists()
    draft = Application.objects.get(applicant__email="applicant-ko@aslp.example.org")
    assert draft.cohort == current
    assert draft.status == ApplicationStatus.DRAFT
    assert (draft.native_name, draft.preferred_language) == ("김민수", "ko")
    assert draft.motivation and not draft.phone
    assert not draft.files.exists()


def test_nominations_by_the_korean_coordinator(current):
    nominations = Nomination.objects.filter(
        cohort=current, invited_by__email="coordinator-rok@aslp.example.org"
    )
    assert nominations.count() == 2
    used = nominations.exclude(application=None).get()
    assert used.application.nominated_by == used.invited_by
    assert used.application.applicant.email == used.email
    assert nominations.filter(application=None).count() == 1


def test_past_cohort_finished_with_participants(past):
    assert past.status == CohortStatus.FINISHED
    assert past.closes_at.year == past.workshop_starts.year == 2025
    confirmed = past.applications.filter(status=ApplicationStatus.CONFIRMED)
    assert confirmed.count() == 30
    assert confirmed.values("economy").distinct().count() == 8
    assert past.applications.filter(status=ApplicationStatus.REJECTED).exists()
    assert past.applications.filter(status=ApplicationStatus.WITHDRAWN).exists()
    codes = set(confirmed.values_list("economy__code", flat=True))
    assert codes <= set(demo.PARTICIPATING_CODES)
    for economy in {app.economy for app in confirmed.select_related("economy")}:
        assert economy.has_participated


def test_earlier_cohort_finished_52_weeks_before_the_past_one(earlier, past):
    assert (earlier.status, earlier.year, earlier.title) == (
        CohortStatus.FINISHED,
        2024,
        "ASLP 2024",
    )
    assert earlier.translated("title", "ko") == "ASLP 2024 (2024년 기수)"
    for name in (
        "opens_at",
        "closes_at",
        "pre_training_starts",
        "pre_training_ends",
        "workshop_starts",
        "workshop_ends",
        "post_training_starts",
        "post_training_ends",
    ):
        assert getattr(past, name) - getattr(earlier, name) == dt.timedelta(weeks=52), name
    assert earlier.workshop_starts == dt.date(2024, 7, 8)
    assert earlier.workshop_starts.weekday() == 0
    assert (earlier.total_seats, earlier.accepted_count) == (24, 24)
    quotas = dict(earlier.quotas.values_list("economy__code", "seats"))
    assert quotas == dict.fromkeys(["ROK", "THA", "PHL", "INA", "MAS", "AUS", "SGP", "USA"], 3)


def test_earlier_cohort_in_every_stage(earlier):
    apps = earlier.applications.all()
    assert Counter(apps.values_list("status", flat=True)) == {
        ApplicationStatus.CONFIRMED: 24,
        ApplicationStatus.REJECTED: 6,
        ApplicationStatus.OFFER_DECLINED: 2,
        ApplicationStatus.WITHDRAWN: 2,
    }
    assert Counter(apps.values_list("endorsement", flat=True)) == {
        EndorsementStatus.ENDORSED: 29,
        EndorsementStatus.DECLINED: 3,
        EndorsementStatus.PENDING: 2,
    }
    reviewed = apps.exclude(status=ApplicationStatus.WITHDRAWN)
    assert set(reviewed.values_list("review_count", flat=True)) == {2}
    assert ReviewAssignment.objects.filter(application__cohort=earlier).count() == 64
    assert Score.objects.filter(review__application__cohort=earlier).count() == 64 * 4
    assert apps.exclude(decided_at=None).count() == 32
    assert apps.filter(decided_at__year=2024).count() == 32
    confirmed = apps.filter(status=ApplicationStatus.CONFIRMED)
    assert dict(Counter(confirmed.values_list("economy__code", flat=True))) == dict.fromkeys(
        ["ROK", "THA", "PHL", "INA", "MAS", "AUS", "SGP", "USA"], 3
    )
    assert not ApplicationFile.objects.filter(application__cohort=earlier).exists()
    assert all(app.reference == f"ASLP-2024-{app.pk:05d}" for app in apps)


def test_one_person_across_cohorts(earlier, past, current):
    """Four 2024 applicants who were not selected applied again with the same account."""
    again = (
        Application.objects.values("applicant__email")
        .annotate(n=Count("cohort", distinct=True))
        .filter(n__gt=1)
    )
    assert sorted(again.values_list("applicant__email", "n")) == [
        ("angela.rodriguez@usa.example.org", 2),
        ("eunkyung.kim@rok.example.org", 2),
        ("meifong.lee@mas.example.org", 2),
        ("thanawat.srisuk@tha.example.org", 2),
    ]
    history = {
        email: dict(
            Application.objects.filter(applicant__email=email).values_list("cohort__slug", "status")
        )
        for email in again.values_list("applicant__email", flat=True)
    }
    assert history == {
        "angela.rodriguez@usa.example.org": {
            "aslp-2024": ApplicationStatus.OFFER_DECLINED,
            "aslp-2026": ApplicationStatus.CONFIRMED,
        },
        "eunkyung.kim@rok.example.org": {
            "aslp-2024": ApplicationStatus.REJECTED,
            "aslp-2025": ApplicationStatus.CONFIRMED,
        },
        "meifong.lee@mas.example.org": {
            "aslp-2024": ApplicationStatus.REJECTED,
            "aslp-2026": ApplicationStatus.SUBMITTED,
        },
        "thanawat.srisuk@tha.example.org": {
            "aslp-2024": ApplicationStatus.WITHDRAWN,
            "aslp-2025": ApplicationStatus.CONFIRMED,
        },
    }
    # A 2024 participant from Korea coordinates Korea's applicants in 2026.
    alumni = RoleGrant.objects.filter(
        role=Role.COORDINATOR,
        user__applications__cohort=earlier,
        user__applications__status=ApplicationStatus.CONFIRMED,
    )
    grant = alumni.get()
    assert (grant.cohort, grant.economy.code) == (current, "ROK")
    assert grant.user.email == "jaehyun.yoon@rok.example.org"


def test_alumni_profiles_of_2024_and_2025_participants(earlier, past):
    profiles = AlumniProfile.objects.order_by("user__email")
    assert [
        (p.user.email, p.listed, p.position, bool(p.about), p.contact_email) for p in profiles
    ] == [
        ("dahye.jung@rok.example.org", True, "교장", True, ""),
        ("eunkyung.kim@rok.example.org", True, "교감", True, "eunkyung.kim@rok.example.org"),
        ("jaehyun.yoon@rok.example.org", True, "Principal", True, "jaehyun.yoon@rok.example.org"),
        (
            "sophie.anderson@aus.example.org",
            True,
            "Head of curriculum",
            True,
            "sophie.anderson@aus.example.org",
        ),
        (
            "wilaiwan.srisuk@tha.example.org",
            True,
            "Deputy director",
            True,
            "wilaiwan.srisuk@tha.example.org",
        ),
    ]
    for profile in profiles:
        latest = Application.objects.filter(
            applicant=profile.user, status=ApplicationStatus.CONFIRMED, cohort__in=[earlier, past]
        ).latest("cohort__year")
        assert profile.school == latest.school_name != ""
    years = {
        p.user.email: sorted(
            p.user.applications.filter(status=ApplicationStatus.CONFIRMED).values_list(
                "cohort__year", flat=True
            )
        )
        for p in profiles
    }
    assert years == {
        "dahye.jung@rok.example.org": [2024],
        "eunkyung.kim@rok.example.org": [2025],
        "jaehyun.yoon@rok.example.org": [2024],
        "sophie.anderson@aus.example.org": [2025],
        "wilaiwan.srisuk@tha.example.org": [2024],
    }


def test_running_it_again_changes_nothing(current):
    before = counts()
    statuses = dict(Application.objects.values_list("pk", "status"))
    seats = list(EconomyQuota.objects.order_by("pk").values_list("pk", "accepted_count"))
    output = load()
    assert counts() == before
    assert dict(Application.objects.values_list("pk", "status")) == statuses
    assert list(EconomyQuota.objects.order_by("pk").values_list("pk", "accepted_count")) == seats
    assert "0 applications and 0 people created" in output
    assert "0 newly marked" in output


def test_a_visitor_decision_survives_a_reload_and_counters_follow(current):
    app = current.applications.filter(status=ApplicationStatus.SUBMITTED).first()
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.REJECTED)
    load()
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.REJECTED
    confirmed = current.applications.filter(status=ApplicationStatus.CONFIRMED).first()
    Application.objects.filter(pk=confirmed.pk).update(status=ApplicationStatus.OFFER_DECLINED)
    load()
    quota = EconomyQuota.objects.get(cohort=current, economy=confirmed.economy)
    held = current.applications.filter(economy=confirmed.economy, status__in=SEAT_HOLDING)
    assert quota.accepted_count == held.count()
    current.refresh_from_db()
    assert current.accepted_count == current.applications.filter(status__in=SEAT_HOLDING).count()


def test_load_demo_command_twice_with_accounts(db, monkeypatch):
    """As ``manage.py load_demo`` runs it (economies and programme first, accounts last)."""
    from aslp_site.core.management.commands import load_demo as command

    monkeypatch.setattr(command, "DEMO_MODULES", ["cohorts.demo", "aslp_site.accounts.demo"])
    call_command("load_demo", stdout=io.StringIO())
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
    per_user = Application.objects.values("cohort", "applicant").annotate(n=Count("pk"))
    assert not per_user.filter(n__gt=1).exists()
    korean = User.objects.get(email="applicant-ko@aslp.example.org")
    assert check_password(demo_password(), korean.password)
    assert korean.applications.get().status == ApplicationStatus.DRAFT
