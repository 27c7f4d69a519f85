"""Review: eligibility, automatic and manual assignment, scoring figures, conflicts, the
reviewer's pages and the organizers' reviewer pages."""

from __future__ import annotations

import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cohorts import review
from cohorts.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    FileKind,
    ReviewAssignment,
    RoleGrant,
    RubricCriterion,
    Score,
)
from tests.cohorts import factories as f
from tests.cohorts.factories import Role

pytestmark = pytest.mark.django_db


def entries(action, application=None):
    found = ModelLogEntry.objects.filter(action=action)
    if application is not None:
        found = found.filter(object_id=str(application.pk))
    return list(found.order_by("timestamp", "pk"))


def reviewer(cohort, economy_code, email=None):
    person = f.user(email)
    f.grant(person, Role.REVIEWER, cohort, economy_code)
    return person


def organizer(cohort, email=None):
    person = f.user(email)
    f.grant(person, Role.ORGANIZER, cohort)
    return person


def criteria(cohort):
    """The factory rubric: "Leadership experience" (weight 2), "Motivation" (weight 1)."""
    leadership, motivation = RubricCriterion.objects.filter(cohort=cohort).order_by("sort_order")
    return leadership, motivation


def score(assignment, leadership_value, motivation_value, comment="Solid.", by=None):
    leadership, motivation = criteria(assignment.application.cohort)
    return review.submit_scores(
        assignment,
        {leadership.pk: leadership_value, motivation.pk: motivation_value},
        comment,
        by=by or assignment.reviewer,
    )


# -- Figures ----------------------------------------------------------------------------------


def test_weighted_score_is_exact_to_two_places_rounding_half_up():
    assert review.weighted_score([(2, 4), (1, 1)]) == Decimal("3.00")
    assert review.weighted_score([(1, 5), (1, 4), (1, 4)]) == Decimal("4.33")
    # 9 / 8 = 1.125: half up gives 1.13 (banker's rounding would give 1.12).
    assert review.weighted_score([(Decimal("1"), 2), (Decimal("7"), 1)]) == Decimal("1.13")
    assert review.weighted_score([(Decimal("0.5"), 3), (Decimal("1.5"), 5)]) == Decimal("4.50")


def test_submitted_scores_give_weighted_score_mean_and_spread():
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    first = f.assign(app, reviewer(cohort, "THA"))
    second = f.assign(app, reviewer(cohort, "USA"))

    saved = score(first, 4, 1)
    assert saved.weighted_score == Decimal("3.00")
    assert saved.submitted_at is not None
    assert sorted(Score.objects.filter(review=first).values_list("value", flat=True)) == [1, 4]
    app.refresh_from_db()
    assert (app.review_count, app.score_mean, app.score_spread) == (
        1,
        Decimal("3.00"),
        Decimal("0.00"),
    )

    # (2 x 3 + 1 x 4) / 3 = 3.333... -> 3.33; mean (3.00 + 3.33) / 2 = 3.165 -> 3.17.
    assert score(second, 3, 4).weighted_score == Decimal("3.33")
    app.refresh_from_db()
    assert (app.review_count, app.score_mean, app.score_spread) == (
        2,
        Decimal("3.17"),
        Decimal("0.33"),
    )


def test_a_reviewer_revises_scores_until_the_decision_then_they_are_read_only():
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    assignment = f.assign(app, reviewer(cohort, "THA"))
    score(assignment, 2, 2)
    assert score(assignment, 5, 5, comment="Revised after a second reading.").weighted_score == (
        Decimal("5.00")
    )
    assert Score.objects.filter(review=assignment).count() == 2
    app.refresh_from_db()
    assert (app.review_count, app.score_mean) == (1, Decimal("5.00"))
    revised = entries("cohorts.review_submit", app)[-1]
    assert revised.data["revised"] is True
    assert revised.data["before"]["weighted_score"] == "2.00"
    assert revised.data["after"]["weighted_score"] == "5.00"

    for status in (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, "confirmed"):
        Application.objects.filter(pk=app.pk).update(status=status)
        with pytest.raises(review.ReviewError) as refused:
            score(assignment, 1, 1)
        assert str(refused.value) == (
            "The organizers have decided on this application; scores can no longer change."
        )
    assignment.refresh_from_db()
    assert assignment.weighted_score == Decimal("5.00")


def test_every_criterion_needs_a_score_from_1_to_5():
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    assignment = f.assign(app, reviewer(cohort, "THA"))
    leadership, motivation = criteria(cohort)
    for scores in ({leadership.pk: 3}, {leadership.pk: 3, motivation.pk: 6}):
        with pytest.raises(review.ReviewError) as refused:
            review.submit_scores(assignment, scores, "", by=assignment.reviewer)
        assert str(refused.value) == "Give “Motivation” a score from 1 to 5."
    other_cohort_criterion = (
        RubricCriterion.objects.exclude(cohort=cohort).first() or (criteria(f.cohort())[0])
    )
    with pytest.raises(review.ReviewError):
        review.submit_scores(
            assignment,
            {leadership.pk: 3, motivation.pk: 3, other_cohort_criterion.pk: 3},
            "",
            by=assignment.reviewer,
        )
    assert not Score.objects.filter(review=assignment).exists()
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


# -- Eligibility ------------------------------------------------------------------------------


def test_eligible_reviewers_leave_out_own_economy_applicant_conflicts_and_other_cohorts():
    cohort = f.cohort()
    applicant = f.user()
    app = f.application(cohort, applicant, economy_code="ROK")
    from_thailand = reviewer(cohort, "THA")
    from_korea = reviewer(cohort, "ROK")
    without_economy = reviewer(cohort, None)
    conflicted = reviewer(cohort, "USA")
    ConflictOfInterest.objects.create(reviewer=conflicted, application=app, reason="Colleague")
    f.grant(applicant, Role.REVIEWER, cohort, "THA")  # the applicant also reviews
    reviewer(f.cohort(), "THA")  # a reviewer of another cohort
    deactivated = reviewer(cohort, "JPN")
    deactivated.is_active = False
    deactivated.save()
    # Two grants in the cohort: one of them names the applicant's economy.
    two_homes = reviewer(cohort, "USA")
    f.grant(two_homes, Role.REVIEWER, cohort, "ROK")

    assert list(review.eligible_reviewers(app)) == [from_thailand, without_economy]
    assert from_korea not in review.eligible_reviewers(app)


# -- Automatic assignment -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_auto_assign_over_a_generated_population(seed):
    """60 applications from 6 economies, 8 reviewers from 4 economies, 2 reviewers each."""
    rng = random.Random(seed)
    cohort = f.cohort(reviewers_per_application=2)
    applicant_economies = ["ROK", "THA", "USA", "JPN", "INA", "PHL"]
    codes = [code for code in applicant_economies for _ in range(10)]
    rng.shuffle(codes)
    apps = [f.application(cohort, economy_code=code) for code in codes]
    reviewer_economies = ["ROK", "ROK", "THA", "THA", "USA", "USA", "SGP", "SGP"]
    rng.shuffle(reviewer_economies)
    reviewers = [reviewer(cohort, code) for code in reviewer_economies]
    home = {r.pk: code for r, code in zip(reviewers, reviewer_economies, strict=True)}
    for app in rng.sample(apps, 6):
        ConflictOfInterest.objects.create(
            reviewer=rng.choice(reviewers), application=app, reason="Knows them"
        )
    # Applications that are not open for review get nobody.
    draft = f.application(cohort, economy_code="ROK", status=ApplicationStatus.DRAFT)
    withdrawn = f.application(cohort, economy_code="ROK", status=ApplicationStatus.WITHDRAWN)
    rejected = f.application(cohort, economy_code="ROK", status=ApplicationStatus.REJECTED)

    report = review.auto_assign(cohort, by=organizer(cohort))

    assert report.assigned == 120
    assert report.considered == 60
    assert report.shortfalls == []
    conflicts = set(ConflictOfInterest.objects.values_list("application_id", "reviewer_id"))
    per_app = Counter()
    for assignment in ReviewAssignment.objects.select_related("application__economy"):
        per_app[assignment.application_id] += 1
        assert home[assignment.reviewer_id] != assignment.application.economy.code
        assert (assignment.application_id, assignment.reviewer_id) not in conflicts
    assert set(per_app.values()) == {2}
    assert set(per_app) == {app.pk for app in apps}
    assert not ReviewAssignment.objects.filter(application__in=[draft, withdrawn, rejected])
    loads = Counter(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sum(loads.values()) == 120 and len(loads) == 8
    assert report.loads == dict(loads)
    assert len(entries("cohorts.review_assign")) == 60


def test_auto_assign_is_idempotent_and_keeps_existing_assignments():
    cohort = f.cohort(reviewers_per_application=2)
    apps = [f.application(cohort, economy_code="ROK") for _ in range(5)]
    waitlisted = f.application(cohort, economy_code="THA", status=ApplicationStatus.WAITLISTED)
    a, b, c = (reviewer(cohort, code) for code in ("THA", "USA", "JPN"))
    kept = f.assign(apps[0], c)
    boss = organizer(cohort)

    first = review.auto_assign(cohort, by=boss)
    assert first.assigned == 11  # 6 applications x 2, minus the one kept
    assert ReviewAssignment.objects.filter(pk=kept.pk).exists()
    assert ReviewAssignment.objects.filter(application=waitlisted).count() == 2
    assert not ReviewAssignment.objects.filter(application=waitlisted, reviewer=a).exists()
    rows = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    logged = len(entries("cohorts.review_assign"))
    assert sorted(Counter(r for _a, r in rows).values()) == [4, 4, 4]

    second = review.auto_assign(cohort, by=boss)
    assert (second.assigned, second.applications_served, second.shortfalls) == (0, 0, [])
    assert set(ReviewAssignment.objects.values_list("application_id", "reviewer_id")) == rows
    assert len(entries("cohorts.review_assign")) == logged
    assert b.pk in second.loads


def test_auto_assign_reports_applications_without_enough_eligible_reviewers():
    cohort = f.cohort(reviewers_per_application=2)
    korean = f.application(cohort, economy_code="ROK")
    thai = f.application(cohort, economy_code="THA")
    only = reviewer(cohort, "ROK")

    report = review.auto_assign(cohort, by=organizer(cohort))

    assert report.assigned == 1
    assert list(ReviewAssignment.objects.values_list("application_id", "reviewer_id")) == [
        (thai.pk, only.pk)
    ]
    shortfalls = {s.application.pk: (s.assigned, s.missing, s.eligible) for s in report.shortfalls}
    assert shortfalls == {korean.pk: (0, 2, 0), thai.pk: (1, 1, 1)}
    assert review.applications_lacking_reviewers(cohort) == 2


def test_auto_assign_audit_names_the_reviewers_added():
    cohort = f.cohort(reviewers_per_application=1)
    app = f.application(cohort, economy_code="ROK")
    person = reviewer(cohort, "THA", "thai.reviewer@example.org")
    boss = organizer(cohort)
    review.auto_assign(cohort, by=boss)
    (entry,) = entries("cohorts.review_assign", app)
    assert entry.user_id == boss.pk
    assert entry.content_type == ContentType.objects.get_for_model(Application)
    assert entry.data["automatic"] is True
    assert entry.data["added"] == [{"id": person.pk, "text": "thai.reviewer@example.org"}]
    assert entry.data["before"] == {"reviewers": []}


def test_auto_assign_takes_a_fixed_number_of_queries():
    ContentType.objects.get_for_model(Application)  # the content-type cache is process-wide

    def run(n):
        cohort = f.cohort(reviewers_per_application=2)
        for i in range(n):
            f.application(cohort, economy_code=("ROK", "THA", "USA")[i % 3])
        for code in ("ROK", "THA", "USA", "JPN"):
            reviewer(cohort, code)
        boss = organizer(cohort)
        with CaptureQueriesContext(connection) as queries:
            report = review.auto_assign(cohort, by=boss)
        assert report.assigned == 2 * n
        return len(queries)

    assert run(2) == run(40)


# -- Manual assignment --------------------------------------------------------------------------


def test_manual_assign_refuses_ineligible_reviewers_with_the_reason():
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    boss = organizer(cohort)
    korean = reviewer(cohort, "ROK", "kim@example.org")
    conflicted = reviewer(cohort, "THA", "somchai@example.org")
    ConflictOfInterest.objects.create(reviewer=conflicted, application=app)
    outsider = f.user("outsider@example.org")
    fine = reviewer(cohort, "USA", "smith@example.org")

    cases = [
        (
            korean,
            "kim@example.org belongs to Republic of Korea, the applicant's economy, and cannot "
            "review this application.",
        ),
        (
            conflicted,
            "somchai@example.org has declared a conflict of interest with this application.",
        ),
        (outsider, "outsider@example.org is not a reviewer in this cohort."),
        (app.applicant, f"{app.applicant.email} is not a reviewer in this cohort."),
    ]
    for person, message in cases:
        with pytest.raises(review.ReviewError) as refused:
            review.assign(app, person, by=boss)
        assert str(refused.value) == message

    made = review.assign(app, fine, by=boss)
    assert made.assigned_by == boss
    with pytest.raises(review.ReviewError) as refused:
        review.assign(app, fine, by=boss)
    assert str(refused.value) == "smith@example.org already reviews this application."
    assert ReviewAssignment.objects.filter(application=app).count() == 1
    (entry,) = entries("cohorts.review_assign", app)
    assert entry.data["added"] == [{"id": fine.pk, "text": "smith@example.org"}]


def test_unassign_removes_the_review_and_its_scores_and_recomputes():
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    boss = organizer(cohort)
    first = f.assign(app, reviewer(cohort, "THA"))
    second = f.assign(app, reviewer(cohort, "USA"))
    score(first, 4, 1)
    score(second, 5, 5)
    app.refresh_from_db()
    assert app.score_mean == Decimal("4.00")

    review.unassign(second, by=boss)
    app.refresh_from_db()
    assert (app.review_count, app.score_mean, app.score_spread) == (
        1,
        Decimal("3.00"),
        Decimal("0.00"),
    )
    assert not Score.objects.filter(review_id=second.pk).exists()
    (entry,) = entries("cohorts.review_unassign", app)
    assert entry.data["before"]["weighted_score"] == "5.00"

    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.ACCEPTED)
    with pytest.raises(review.ReviewError):
        review.unassign(first, by=boss)


# -- Conflicts of interest ------------------------------------------------------------------------


def test_declaring_a_conflict_hands_the_application_to_the_least_loaded_eligible_reviewer():
    cohort = f.cohort(reviewers_per_application=2)
    app = f.application(cohort, economy_code="ROK")
    declaring = reviewer(cohort, "THA")
    staying = reviewer(cohort, "USA")
    busy = reviewer(cohort, "JPN")
    idle = reviewer(cohort, "INA")
    reviewer(cohort, "ROK")  # lowest load, but from the applicant's economy
    for _ in range(2):
        f.assign(f.application(cohort, economy_code="THA"), busy)
    f.assign(f.application(cohort, economy_code="THA"), idle)
    mine = f.assign(app, declaring)
    f.assign(app, staying)

    outcome = review.declare_conflict(mine, "  She was my deputy head.  ", by=declaring)

    assert outcome.replacement == idle
    assert outcome.removed_scores is False
    assert set(app.reviews.values_list("reviewer_id", flat=True)) == {staying.pk, idle.pk}
    conflict = ConflictOfInterest.objects.get(application=app, reviewer=declaring)
    assert conflict.reason == "She was my deputy head."
    (entry,) = entries("cohorts.conflict", app)
    assert entry.user_id == declaring.pk
    assert entry.data["reason"] == "She was my deputy head."
    assert entry.data["replacement"]["id"] == idle.pk
    # The automatic run never gives it back to them.
    review.auto_assign(cohort, by=organizer(cohort))
    assert not app.reviews.filter(reviewer=declaring).exists()


def test_a_conflict_after_scoring_withdraws_the_scores():
    cohort = f.cohort(reviewers_per_application=1)
    app = f.application(cohort, economy_code="ROK")
    declaring = reviewer(cohort, "THA")
    mine = f.assign(app, declaring)
    score(mine, 5, 5)
    outcome = review.declare_conflict(mine, "Related by marriage", by=declaring)
    assert outcome.removed_scores is True
    assert outcome.replacement is None  # nobody else is eligible
    app.refresh_from_db()
    assert (app.review_count, app.score_mean, app.score_spread) == (0, None, None)
    assert review.applications_lacking_reviewers(cohort) == 1


# -- Reviewer pages -------------------------------------------------------------------------------


def test_queue_lists_to_do_first_then_done_with_progress(client):
    cohort = f.cohort(title="ASLP 2026")
    me = reviewer(cohort, "THA")
    scored_app = f.application(cohort, economy_code="ROK", family_name="Kim", given_names="Min")
    todo_app = f.application(cohort, economy_code="USA", family_name="Lee", given_names="Ann")
    decided = f.application(cohort, economy_code="USA", status=ApplicationStatus.REJECTED)
    f.assign(decided, me)
    done = f.assign(scored_app, me)
    f.assign(todo_app, me)
    score(done, 4, 1)
    f.assign(
        f.application(cohort, economy_code="ROK", family_name="Hidden"), reviewer(cohort, "USA")
    )

    client.force_login(me)
    response = client.get(reverse("cohorts:review_queue"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert "1 of 3 reviewed" in html
    assert html.index("Ann LEE") < html.index("Min KIM")
    assert "3.00" in html
    assert "Decided before you scored" in html
    assert "HIDDEN" not in html
    assert "United States" in html and "Primary / elementary" in html
    korean = client.get("/ko/review/")
    assert korean.status_code == 200
    assert '<html lang="ko"' in korean.content.decode()


def _queue_queries(client, rows):
    cohort = f.cohort()
    me = reviewer(cohort, "THA")
    for i in range(rows):
        assignment = f.assign(f.application(cohort, economy_code="ROK"), me)
        if i % 2:
            score(assignment, 3, 3)
    client.force_login(me)
    client.get(reverse("cohorts:review_queue"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cohorts:review_queue"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/review/\d+/"', response.content.decode())) == rows
    return len(queries)


def test_queue_takes_the_same_number_of_queries_for_1_and_20_rows(client):
    assert _queue_queries(client, 1) == _queue_queries(client, 20)


def test_queue_is_for_reviewers_only(client):
    client.force_login(f.user())
    assert client.get(reverse("cohorts:review_queue")).status_code == 403
    assert client.get(reverse("cohorts:review_queue")).status_code == 403
    client.logout()
    response = client.get(reverse("cohorts:review_queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_reviewers_assignment_answers_404(client):
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    theirs = f.assign(app, reviewer(cohort, "THA"))
    me = reviewer(cohort, "USA")
    client.force_login(me)
    for name in ("cohorts:review_detail", "cohorts:review_conflict"):
        url = reverse(name, kwargs={"pk": theirs.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert ReviewAssignment.objects.filter(pk=theirs.pk).exists()


def test_detail_shows_the_application_files_and_the_rubric(client):
    cohort = f.cohort()
    app = f.application(
        cohort,
        economy_code="ROK",
        family_name="Park",
        given_names="Ji-woo",
        native_name="박지우",
        motivation="Schools should be places of trust.",
        endorsement="endorsed",
        endorsement_comment="Our strongest candidate this year.",
        with_files=True,
    )
    question = cohort.questions.create(kind="single_choice", label="Main focus", choices="A\nB")
    app.answers = {str(question.pk): "B"}
    app.save()
    me = reviewer(cohort, "THA")
    mine = f.assign(app, me)
    client.force_login(me)
    response = client.get(reverse("cohorts:review_detail", kwargs={"pk": mine.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Review of Ji-woo PARK",
        "박지우",
        "Schools should be places of trust.",
        "Our strongest candidate this year.",
        "Endorsed",
        "Main focus",
        "Leadership experience",
        "weight 2",
        "Extensive",
        "Other reviewers' scores and comments appear here once you have submitted your own",
    ):
        assert text in html, text
    cv = app.files.get(kind=FileKind.CV)
    assert f'href="/application-files/{cv.pk}/?inline=1"' in html
    assert f'<iframe src="/application-files/{cv.pk}/?inline=1" title="cv.pdf"' in html
    assert html.count('type="radio"') == 10
    assert '<fieldset class="form-field criterion"' in html


def test_other_scores_are_hidden_until_the_reviewer_submits(client):
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    other = reviewer(cohort, "USA", "other.reviewer@example.org")
    score(f.assign(app, other), 5, 5, comment="Outstanding school turnaround story.")
    me = reviewer(cohort, "THA")
    mine = f.assign(app, me)
    leadership, motivation = criteria(cohort)
    url = reverse("cohorts:review_detail", kwargs={"pk": mine.pk})
    client.force_login(me)

    before = client.get(url).content.decode()
    assert "Outstanding school turnaround story." not in before
    assert "other.reviewer@example.org" not in before
    assert "5.00" not in before

    response = client.post(
        url,
        {
            f"criterion_{leadership.pk}": "4",
            f"criterion_{motivation.pk}": "1",
            "comment": "Good experience, vague motivation.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}#main"
    after = client.get(url).content.decode()
    assert "Your scores are saved. Your weighted score: 3.00." in after
    assert "Outstanding school turnaround story." in after
    assert "other.reviewer@example.org" in after
    assert "5.00" in after
    assert "4.00" in after  # the weighted mean of 3.00 and 5.00
    assert "2.00" in after  # the spread
    mine.refresh_from_db()
    assert mine.comment == "Good experience, vague motivation."
    (entry,) = entries("cohorts.review_submit", app)[-1:]
    assert entry.user_id == me.pk


def test_an_incomplete_form_keeps_what_was_chosen_and_typed(client):
    cohort = f.cohort()
    me = reviewer(cohort, "THA")
    mine = f.assign(f.application(cohort, economy_code="ROK"), me)
    leadership, motivation = criteria(cohort)
    client.force_login(me)
    response = client.post(
        reverse("cohorts:review_detail", kwargs={"pk": mine.pk}),
        {f"criterion_{leadership.pk}": "4", "comment": "Half way\x00 there"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a score from 1 to 5 for “Motivation”." in html
    assert "Null characters are not allowed." in html
    assert f'id="id_criterion_{leadership.pk}_4" value="4" checked' in html
    assert "Half way" in html
    assert 'role="alert"' in html
    mine.refresh_from_db()
    assert mine.submitted_at is None

    response = client.post(
        reverse("cohorts:review_detail", kwargs={"pk": mine.pk}),
        {f"criterion_{leadership.pk}": "4", f"criterion_{motivation.pk}": "9", "comment": "ok"},
    )
    assert "Choose a score from 1 to 5 for “Motivation”." in response.content.decode()


def test_a_decided_application_shows_the_scores_read_only(client):
    cohort = f.cohort()
    me = reviewer(cohort, "THA")
    app = f.application(cohort, economy_code="ROK")
    mine = f.assign(app, me)
    score(mine, 4, 1)
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.ACCEPTED)
    leadership, motivation = criteria(cohort)
    client.force_login(me)
    url = reverse("cohorts:review_detail", kwargs={"pk": mine.pk})
    html = client.get(url).content.decode()
    assert 'type="radio"' not in html
    assert "scores can no longer change" in html
    response = client.post(
        url, {f"criterion_{leadership.pk}": "5", f"criterion_{motivation.pk}": "5", "comment": "x"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.weighted_score == Decimal("3.00")


def test_conflict_page_declares_and_reassigns(client):
    cohort = f.cohort(reviewers_per_application=1)
    app = f.application(cohort, economy_code="ROK", family_name="Choi", given_names="Yuna")
    me = reviewer(cohort, "THA")
    spare = reviewer(cohort, "USA")
    mine = f.assign(app, me)
    client.force_login(me)
    url = reverse("cohorts:review_conflict", kwargs={"pk": mine.pk})
    page = client.get(url).content.decode()
    assert "Declare a conflict of interest" in page and "Yuna CHOI" in page

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Give the reason for the conflict of interest." in refused.content.decode()
    assert ReviewAssignment.objects.filter(pk=mine.pk).exists()

    response = client.post(url, {"reason": "I mentored her."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cohorts:review_queue")
    assert "given to another reviewer" in response.content.decode()
    assert list(app.reviews.values_list("reviewer_id", flat=True)) == [spare.pk]
    assert client.get(reverse("cohorts:review_detail", kwargs={"pk": mine.pk})).status_code == 404


def test_revoking_the_reviewer_role_closes_queue_and_detail_on_the_next_request(client):
    cohort = f.cohort()
    me = f.user()
    grant = f.grant(me, Role.REVIEWER, cohort, "THA")
    mine = f.assign(f.application(cohort, economy_code="ROK"), me)
    client.force_login(me)
    detail = reverse("cohorts:review_detail", kwargs={"pk": mine.pk})
    assert client.get(reverse("cohorts:review_queue")).status_code == 200
    assert client.get(detail).status_code == 200
    RoleGrant.objects.filter(pk=grant.pk).delete()
    assert client.get(reverse("cohorts:review_queue")).status_code == 403
    assert client.get(detail).status_code == 404


# -- Organizers' pages ----------------------------------------------------------------------------


def test_assign_page_shows_loads_and_runs_the_assignment(client):
    cohort = f.cohort(slug="aslp-2026", reviewers_per_application=2)
    for code in ("ROK", "ROK", "THA"):
        f.application(cohort, economy_code=code)
    thai = reviewer(cohort, "THA", "thai@example.org")
    reviewer(cohort, "USA", "usa@example.org")
    boss = organizer(cohort)
    client.force_login(boss)
    url = reverse("cohorts:manage_assign_reviewers", kwargs={"slug": cohort.slug})

    html = client.get(url).content.decode()
    assert "thai@example.org" in html and "Thailand" in html
    assert "Of them, lacking reviewers" in html

    response = client.post(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 assignments made." in html
    assert "1 application still lacks reviewers." in html
    assert "Each reviewer now has between 2 and 3 applications." in html
    assert ReviewAssignment.objects.filter(reviewer=thai).count() == 2
    assert len(entries("cohorts.review_assign")) == 3


def _assign_page_queries(client, reviewers):
    cohort = f.cohort()
    codes = ["THA", "USA", "JPN", "INA", "PHL"]
    for i in range(reviewers):
        person = reviewer(cohort, codes[i % 5])
        f.assign(f.application(cohort, economy_code="ROK"), person)
    boss = organizer(cohort)
    client.force_login(boss)
    url = reverse("cohorts:manage_assign_reviewers", kwargs={"slug": cohort.slug})
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_assign_page_queries_do_not_grow_with_reviewers(client):
    assert _assign_page_queries(client, 1) == _assign_page_queries(client, 20)


def test_organizer_of_another_cohort_gets_404(client):
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    client.force_login(organizer(f.cohort()))
    urls = [
        reverse("cohorts:manage_assign_reviewers", kwargs={"slug": cohort.slug}),
        reverse("cohorts:manage_application_reviewers", kwargs={"slug": cohort.slug, "pk": app.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not ReviewAssignment.objects.exists()


def test_application_reviewers_page_adds_and_removes(client):
    cohort = f.cohort()
    app = f.application(cohort, economy_code="ROK")
    boss = organizer(cohort)
    thai = reviewer(cohort, "THA", "thai@example.org")
    korean = reviewer(cohort, "ROK", "korean@example.org")
    client.force_login(boss)
    url = reverse(
        "cohorts:manage_application_reviewers", kwargs={"slug": cohort.slug, "pk": app.pk}
    )
    html = client.get(url).content.decode()
    assert f'<option value="{thai.pk}">thai@example.org (Thailand), 0 applications</option>' in html
    assert f'<option value="{korean.pk}"' not in html
    assert "From the applicant&#x27;s economy" in html

    response = client.post(url, {"action": "add", "reviewer": thai.pk}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "thai@example.org now reviews this application." in response.content.decode()
    assignment = ReviewAssignment.objects.get(application=app, reviewer=thai)
    assert assignment.assigned_by == boss

    response = client.post(url, {"action": "add", "reviewer": korean.pk}, follow=True)
    assert "the applicant&#x27;s economy" in response.content.decode()
    assert not ReviewAssignment.objects.filter(reviewer=korean).exists()

    for bad in ({}, {"action": "add", "reviewer": "\x00"}, {"action": "fly"}):
        assert client.post(url, bad).status_code == 302

    response = client.post(url, {"action": "remove", "assignment": assignment.pk}, follow=True)
    assert "thai@example.org no longer reviews this application." in response.content.decode()
    assert not ReviewAssignment.objects.filter(application=app).exists()
    assert len(entries("cohorts.review_unassign", app)) == 1


def test_application_reviewers_page_queries_do_not_grow(client):
    def count(n):
        cohort = f.cohort(reviewers_per_application=n)
        app = f.application(cohort, economy_code="ROK")
        codes = ["THA", "USA", "ROK", "JPN"]
        for i in range(n):
            person = reviewer(cohort, codes[i % 4])
            if i % 4 in (1, 3):  # some assigned, the Korean ones ineligible, others to add
                f.assign(app, person)
        client.force_login(organizer(cohort))
        url = reverse(
            "cohorts:manage_application_reviewers", kwargs={"slug": cohort.slug, "pk": app.pk}
        )
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    assert count(3) == count(16)
