"""In a real browser: a participant opens their profile, follows "My data", downloads the ZIP,
and the ZIP holds data.json with their e-mail address."""

from __future__ import annotations

import json
import zipfile
import zoneinfo

import pytest
from django.utils import timezone

from tests.browser import sign_in
from tests.cohorts.factories import PASSWORD
from tests.trainings import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_participant_downloads_their_data(page, site_url, tmp_path):
    cohort = factories.cohort("aslp-my-data", title="ASLP My Data Cohort")
    mina = factories.participant(cohort, "mina@example.org", economy_code="ROK")

    sign_in(page, site_url, "mina@example.org", "/accounts/profile/")
    page.get_by_role("link", name="My data", exact=True).click()
    page.wait_for_url(f"{site_url}/accounts/my-data/")
    assert page.locator("h1").inner_text() == "My data"

    page.get_by_role("button", name="Download my data").click()
    # The password is confirmed first (R4); allauth then resumes the download.
    page.wait_for_url(f"{site_url}/accounts/reauthenticate/?next=%2Faccounts%2Fmy-data%2F")
    page.fill("#id_password", PASSWORD)
    with page.expect_download() as info:
        page.locator("main form button[type=submit]").first.click()
    download = info.value
    # Dated in the person's own zone (Asia/Seoul), which is a day ahead of UTC for nine hours.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(mina.user.time_zone))
    assert download.suggested_filename == f"my-data-{today:%Y-%m-%d}.zip"
    saved = tmp_path / "my-data.zip"
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "data.json" in archive.namelist()
        data = json.loads(archive.read("data.json"))
    assert data["person"]["email"] == "mina@example.org"
