"""In a real browser: a participant sends a text and a PDF for an assignment, an organizer asks
for a revision with a comment, the participant reads the comment and sends a second version."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from assessments.models import Assignment, Submission, SubmissionStatus
from tests.browser import sign_in
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.cohorts.factories import MINIMAL_PDF
from tests.trainings import factories
from trainings.models import ActivityKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_submit_review_and_resubmit(page, site_url, private_dir):
    cohort = factories.cohort("aslp-assignment", title="ASLP Assignment Cohort")
    participant = factories.participant(
        cohort, "minji@example.org", given_names="Minji", family_name="Kim"
    )
    factories.organizer(cohort, "organizer@example.org")
    activity = factories.activity(
        cohort,
        ActivityKind.ASSIGNMENT,
        title="School profile",
        due_at=timezone.now() + dt.timedelta(days=5),
    )
    task = Assignment.objects.create(activity=activity, instructions="Describe your school.")
    mine = f"/my-programme/{cohort.slug}/assignments/{task.pk}/"

    sign_in(page, site_url, "minji@example.org", mine)
    assert page.locator("h1").inner_text() == "School profile"
    assert "Describe your school." in page.locator("main").inner_text()
    page.get_by_label("Your text").fill("Our school has 400 pupils.")
    page.get_by_label("Files").set_input_files(
        [{"name": "profile.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{site_url}{mine}")
    assert "Version 1 is sent." in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="profile.pdf").is_visible()
    assert hashlib.sha256(MINIMAL_PDF).hexdigest() in page.locator("main").inner_text()

    submission = Submission.objects.get(assignment=task, participant=participant)
    review = f"/manage/{cohort.slug}/submissions/{submission.pk}/"
    sign_in(page, site_url, "organizer@example.org", review)
    assert "Our school has 400 pupils." in page.locator("main").inner_text()
    page.get_by_label("Ask for a revision").check()
    page.get_by_label("Comment to the participant").fill("Add the number of teachers.")
    page.get_by_role("button", name="Save the feedback").click()
    page.wait_for_url(f"{site_url}/manage/{cohort.slug}/assignments/{task.pk}/")
    assert "A revision is requested" in page.locator(".messages").inner_text()
    assert "Revision requested" in page.locator("table").inner_text()

    sign_in(page, site_url, "minji@example.org", mine)
    main = page.locator("main").inner_text()
    assert "Add the number of teachers." in main
    assert "Revision requested" in main
    page.get_by_label("Your text").fill("Our school has 400 pupils and 31 teachers.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{site_url}{mine}")
    assert "Version 2 is sent." in page.locator(".messages").inner_text()

    submission.refresh_from_db()
    assert submission.version_count == 2
    assert submission.status == SubmissionStatus.SUBMITTED
    versions = list(submission.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].text == "Our school has 400 pupils and 31 teachers."
    assert versions[0].files.get().sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
