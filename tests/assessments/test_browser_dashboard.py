"""In a real browser: an organizer opens the cohort dashboard from the cohort page, sees the
funnel drawn as a chart and downloads its CSV; a coordinator sees who is behind in their own
economy only."""

from __future__ import annotations

import csv
import io

import pytest

from cohorts.models import Role
from tests.assessments.certificate_world import certificate_world
from tests.browser import sign_in
from tests.cohorts import factories as cf
from tests.trainings import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_organizer_reads_the_funnel_and_a_coordinator_their_economy(page, site_url, tmp_path):
    world = certificate_world("cohort-dash")
    cohort = world["cohort"]
    f.organizer(cohort, "org-dash@example.org")
    coordinator = cf.user("coord-tha@example.org")
    cf.grant(coordinator, Role.COORDINATOR, cohort, "THA")

    sign_in(page, site_url, "org-dash@example.org", f"/manage/{cohort.slug}/")
    page.get_by_role("link", name="Dashboard: funnel, who is behind, attendance, surveys").click()
    page.wait_for_url(f"{site_url}/manage/{cohort.slug}/dashboard/")
    funnel = page.locator("#funnel")
    assert "Confirmed participants" in funnel.inner_text()
    # The chart is drawn next to its table.
    page.wait_for_selector("canvas")
    assert page.locator("canvas").count() >= 1
    behind = page.locator("#behind-count").inner_text()
    assert behind == "2 participants are behind in at least one stage."

    with page.expect_download() as info:
        page.locator(f'a[href="/manage/{cohort.slug}/dashboard/export/funnel/?format=csv"]').click()
    saved = tmp_path / "funnel.csv"
    info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Stage", "Count"]
    assert ["Confirmed participants", "4"] in rows

    sign_in(page, site_url, "coord-tha@example.org", f"/coordinate/{cohort.slug}/")
    page.get_by_role("link", name="Dashboard of your economies").click()
    page.wait_for_url(f"{site_url}/coordinate/{cohort.slug}/dashboard/")
    main = page.locator("main").inner_text()
    assert "Thailand" in main
    # Lee and Park (Korea) are behind, but this coordinator sees Thailand only.
    assert "LEE" not in main and "PARK" not in main
    assert "Confirmed participants" in main
