"""A reviewer scores an application in a real browser (Debian chromium, live server)."""

from decimal import Decimal

import pytest

from cohorts import review
from cohorts.models import RubricCriterion
from tests.cohorts import factories as f
from tests.cohorts.factories import PASSWORD, Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reviewer_scores_an_application_and_then_sees_the_other_review(page, site_url):
    cohort = f.cohort(title="ASLP 2026")
    app = f.application(
        cohort, economy_code="ROK", family_name="Park", given_names="Ji-woo", with_files=True
    )
    leadership, motivation = RubricCriterion.objects.filter(cohort=cohort).order_by("sort_order")
    other = f.user("second.reader@example.org")
    f.grant(other, Role.REVIEWER, cohort, "USA")
    review.submit_scores(
        f.assign(app, other),
        {leadership.pk: 5, motivation.pk: 5},
        "A convincing plan for teacher mentoring.",
        by=other,
    )
    me = f.user("first.reader@example.org")
    f.grant(me, Role.REVIEWER, cohort, "THA")
    mine = f.assign(app, me)

    page.goto(f"{site_url}/accounts/login/")
    page.fill("#id_login", "first.reader@example.org")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(f"{site_url}/review/")
    assert page.locator("h1").inner_text() == "Applications to review"
    assert "0 of 1 reviewed" in page.locator(".review-progress").inner_text()
    page.get_by_role("link", name="Ji-woo PARK").click()
    page.wait_for_url(f"{site_url}/review/{mine.pk}/")
    assert page.locator("h1").inner_text() == "Review of Ji-woo PARK"
    assert "A convincing plan" not in page.content()  # hidden until I have scored

    page.get_by_role("group", name="Leadership experience").get_by_label("4").check()
    page.get_by_role("group", name="Motivation").get_by_label("1").check()
    page.get_by_label("Comment").fill("Long experience; the motivation stays vague.")
    page.get_by_role("button", name="Submit my scores").click()
    page.wait_for_url(f"{site_url}/review/{mine.pk}/#main")

    assert "Your weighted score: 3.00." in page.locator(".messages").inner_text()
    others = page.locator("#others")
    assert "second.reader@example.org" in others.inner_text()
    assert "A convincing plan for teacher mentoring." in others.inner_text()
    summary = page.locator("#others .review-summary").inner_text()
    assert "3.00" in summary and "4.00" in summary and "2.00" in summary
    mine.refresh_from_db()
    assert mine.weighted_score == Decimal("3.00")
