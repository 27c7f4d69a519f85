"""An organizer, in a real browser: filters the list, accepts within the quota, and is told
clearly why the next applicant of a full economy is not accepted."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cohorts.models import Application, ApplicationStatus, EconomyQuota, Role

from . import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_organizer_accepts_within_quota_and_the_next_one_is_refused(page, site_url):
    cohort = f.cohort("aslp-2026", quotas={"ROK": 2, "THA": (1, 2)}, title="ASLP 2026")
    organizer = f.user("olga@example.org", first_name="Olga", last_name="Organizer")
    f.grant(organizer, Role.ORGANIZER, cohort)
    anan = f.application(cohort, economy_code="THA", family_name="Boonma", given_names="Anan")
    somchai = f.application(cohort, economy_code="THA", family_name="Jaidee", given_names="Somchai")
    f.application(cohort, economy_code="ROK", family_name="Kim", given_names="Min-ji")
    Application.objects.filter(pk=anan.pk).update(score_mean=Decimal("4.50"))
    Application.objects.filter(pk=somchai.pk).update(score_mean=Decimal("4.00"))

    # Sign in through the real form, straight to the applications list.
    page.goto(f"{site_url}/accounts/login/?next=/manage/aslp-2026/applications/")
    page.fill("input[name=login]", "olga@example.org")
    page.fill("input[name=password]", f.PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page.locator("h1")).to_have_text("Applications to ASLP 2026")
    rows = page.locator(".applications-table tbody tr")
    expect(rows).to_have_count(3)

    # Only Thailand's applicants, best score first.
    page.get_by_label("Economy").select_option(label="Thailand")
    page.get_by_label("Sort by").select_option("score")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Anan BOONMA")
    expect(rows.nth(1)).to_contain_text("Somchai JAIDEE")

    # Accept the first: within the quota of one seat.
    page.get_by_label("Tick Anan BOONMA").check()
    page.get_by_role("button", name="Accept", exact=True).click()
    messages = page.locator(".programme-layout .messages")
    expect(messages).to_contain_text("1 applicant accepted; the offer e-mail is on its way.")
    # Still filtered on Thailand.
    expect(page.get_by_label("Economy")).to_have_value("THA")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Offered a place")

    # The next one is refused, with the reason.
    page.get_by_label("Tick Somchai JAIDEE").check()
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(messages).to_contain_text(
        "Not accepted: Somchai JAIDEE — Thailand's quota of 1 seat is full; wait-list the "
        "applicant or free a seat first."
    )
    expect(messages.locator(".message--error")).to_have_count(1)
    expect(rows.nth(1)).to_contain_text("Submitted")
    expect(rows.nth(1)).not_to_contain_text("Offered a place")

    assert Application.objects.get(pk=anan.pk).status == ApplicationStatus.ACCEPTED
    assert Application.objects.get(pk=somchai.pk).status == ApplicationStatus.SUBMITTED
    assert EconomyQuota.objects.get(cohort=cohort, economy__code="THA").accepted_count == 1
