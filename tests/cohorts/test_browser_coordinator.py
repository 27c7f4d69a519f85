"""In a real browser: an economy coordinator endorses an applicant and ranks their candidates."""

from __future__ import annotations

import pytest

from cohorts.models import Application, EndorsementStatus

from . import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_endorses_an_applicant_and_ranks_candidates(page, site_url):
    cohort = factories.cohort("aslp-coord", title="ASLP Coordinators' Cohort")
    coordinator = factories.user("coordinator@example.org")
    factories.grant(coordinator, factories.Role.COORDINATOR, cohort, "ROK")
    minseo = factories.application(
        cohort, family_name="Lee", given_names="Min-seo", economy_code="ROK"
    )
    junho = factories.application(
        cohort, family_name="Park", given_names="Jun-ho", economy_code="ROK"
    )
    factories.application(cohort, family_name="Srisuk", economy_code="THA")

    page.goto(f"{site_url}/accounts/login/?next=/coordinate/")
    page.fill("#id_login", "coordinator@example.org")
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{site_url}/coordinate/")

    page.get_by_role("link", name="ASLP Coordinators' Cohort").click()
    page.wait_for_url(f"{site_url}/coordinate/aslp-coord/")
    table = page.locator("table.coordinate-table")
    assert "SRISUK" not in table.inner_text()

    page.get_by_role("link", name="Min-seo LEE").click()
    page.get_by_label("Endorse this applicant", exact=True).check()
    page.get_by_label("Comment for the organizers").fill("An inspiring principal.")
    page.get_by_role("button", name="Save my endorsement").click()
    page.wait_for_url(f"{site_url}/coordinate/aslp-coord/")
    assert page.locator(".programme-layout .messages").inner_text() == "You endorsed Min-seo LEE."
    row = page.locator("tr", has=page.get_by_role("link", name="Min-seo LEE"))
    assert row.locator(".endorsement").inner_text() == "Endorsed"

    # The up/down buttons renumber the ranks (rows start in name order: Lee, Park).
    page.get_by_role("group", name="Move Min-seo LEE").get_by_role(
        "button", name="Move down"
    ).click()
    assert page.get_by_label("Rank of Jun-ho PARK").input_value() == "1"
    assert page.get_by_label("Rank of Min-seo LEE").input_value() == "2"
    page.get_by_role("button", name="Save my ranking").click()
    assert (
        "Your ranking is saved (2 candidates changed)."
        in page.locator(".programme-layout .messages").inner_text()
    )

    minseo.refresh_from_db()
    junho = Application.objects.get(pk=junho.pk)
    assert minseo.endorsement == EndorsementStatus.ENDORSED
    assert minseo.endorsement_comment == "An inspiring principal."
    assert (junho.coordinator_rank, minseo.coordinator_rank) == (1, 2)
