"""In a real browser: a participant signs in, submits a dissemination report with an evidence
PDF and sees it listed as submitted; the file is kept with its SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.cohorts.factories import MINIMAL_PDF, PASSWORD
from tests.trainings import factories
from trainings.models import DisseminationReport, ReportStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_participant_submits_a_report_with_evidence(page, site_url, private_dir):
    today = timezone.localdate()
    cohort = factories.cohort(
        "aslp-dissemination",
        title="ASLP Dissemination Cohort",
        workshop_starts=today - dt.timedelta(days=12),
        workshop_ends=today - dt.timedelta(days=9),
        post_training_starts=today - dt.timedelta(days=5),
        post_training_ends=today + dt.timedelta(days=60),
    )
    participant = factories.participant(cohort, "minji@example.org", family_name="Kim")
    held_on = today - dt.timedelta(days=3)

    page.goto(f"{site_url}/accounts/login/?next=/my-programme/aslp-dissemination/dissemination/")
    page.fill("#id_login", "minji@example.org")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{site_url}/my-programme/aslp-dissemination/dissemination/")
    assert page.locator("h1").inner_text() == "My dissemination reports"
    assert "You have not reported anything yet." in page.locator("main").inner_text()

    page.get_by_role("link", name="Add a report").click()
    page.wait_for_url(f"{site_url}/my-programme/aslp-dissemination/dissemination/new/")
    page.get_by_label("Kind of activity").select_option("training")
    page.get_by_label("Date").fill(held_on.isoformat())
    page.get_by_label("Audience").fill("Head teachers of Haeundae district")
    page.get_by_label("Number of educators reached").fill("37")
    page.get_by_label("Description").fill("A half-day training on distributed leadership.")
    page.get_by_label("Evidence files").set_input_files(
        [{"name": "agenda.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    page.get_by_role("button", name="Submit the report").click()

    page.wait_for_url(f"{site_url}/my-programme/aslp-dissemination/dissemination/*/")
    assert "Your report is submitted." in page.locator(".messages").inner_text()
    made = DisseminationReport.objects.get(participant=participant)
    assert page.url == f"{site_url}/my-programme/aslp-dissemination/dissemination/{made.pk}/"
    assert page.get_by_role("link", name="agenda.pdf").is_visible()

    page.get_by_role("link", name="Back to my reports").click()
    page.wait_for_url(f"{site_url}/my-programme/aslp-dissemination/dissemination/")
    row = page.locator("table.report-table tbody tr")
    assert row.count() == 1
    text = row.inner_text()
    assert "Training" in text
    assert "Head teachers of Haeundae district" in text
    assert "37" in text
    assert "Submitted" in text

    assert made.status == ReportStatus.SUBMITTED
    assert made.held_on == held_on
    assert made.educators_reached == 37
    (file,) = made.evidence.all()
    assert file.original_name == "agenda.pdf"
    assert file.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    stored = (private_dir / file.file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == file.sha256
