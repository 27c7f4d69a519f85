"""In a real browser: certificate staff open Certificates in the admin, watch a bulk issue under
way reach "finished" (the page polls its progress), issue the cohort's certificates, see the
list fill, open one certificate and revoke it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments.models import BatchStatus, Certificate, CertificateBatch, CertificateStatus
from cohorts.models import Role
from tests.assessments.certificate_world import certificate_world
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f

from .test_browser_assignment import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_certificate_staff_issue_watch_progress_and_revoke(page, site_url, private_dir):
    world = certificate_world("aslp-certificates-journey")
    cohort = world["cohort"]
    staff = f.user("certificates@example.org")
    f.grant(staff, Role.CERTIFICATE_STAFF, cohort)
    # A bulk issue under way (by the worker) when the page opens.
    running = CertificateBatch.objects.create(
        cohort=cohort, status=BatchStatus.RUNNING, total=4, processed=1, issued=1
    )

    sign_in(page, site_url, "certificates@example.org", "/admin/certificates/")
    page.get_by_role("link", name=cohort.title).click()
    page.wait_for_url(f"{site_url}/admin/certificates/{cohort.slug}/")
    assert page.locator("#batch-text").inner_text() == "1 of 4"
    assert page.locator("#batch-status").inner_text() == "Running"

    # The worker finishes: the bar follows without reloading by hand.
    CertificateBatch.objects.filter(pk=running.pk).update(
        status=BatchStatus.FINISHED, processed=4, issued=4, finished_at=timezone.now()
    )
    page.locator("#batch-status", has_text="Finished").wait_for(timeout=10_000)
    assert page.locator("#batch-text").inner_text() == "4 of 4"
    assert page.locator("#batch-bar").get_attribute("value") == "4"

    # Now the real bulk issue of the cohort's certificates.
    assert page.locator("#no-certificates").is_visible()
    page.get_by_label("Include speakers’ certificates of appreciation").check()
    page.get_by_role("button", name="Issue certificates").click()
    page.wait_for_url(f"{site_url}/admin/certificates/{cohort.slug}/#batch-heading")
    page.locator("#batch-status", has_text="Finished").wait_for(timeout=10_000)
    assert page.locator("#batch-text").inner_text() == "4 of 4"
    rows = page.locator("#certificate-list tbody tr")
    assert rows.count() == 4
    kim = Certificate.objects.get(participant=world["kim"])
    assert kim.serial in page.locator("#certificate-list").inner_text()

    # One certificate, revoked with a reason.
    page.get_by_role("link", name=kim.serial).click()
    page.wait_for_url(f"{site_url}/admin/certificates/{cohort.slug}/{kim.pk}/")
    assert page.locator("#certificate-holder").inner_text() == "김민준"
    page.get_by_label("Reason for the revocation").fill("Issued to the wrong person")
    page.get_by_label("I understand that a revoked certificate cannot be made valid again").check()
    page.get_by_role("button", name="Revoke the certificate").click()
    page.wait_for_url(f"{site_url}/admin/certificates/{cohort.slug}/{kim.pk}/")
    assert page.locator("#certificate-status").inner_text() == "Revoked"
    assert page.locator("#certificate-reason").inner_text() == "Issued to the wrong person"
    kim.refresh_from_db()
    assert kim.status == CertificateStatus.REVOKED
