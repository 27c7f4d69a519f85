"""In a real browser: an organizer prepares accepted work for the resource library, records both
reviews and asks for consent; the author agrees; the organizer publishes it, and it appears in
the public library and in the site search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Resource, ResourceStatus, ResourceTopic
from tests.assessments.test_library_public import library  # noqa: F401 (fixture)
from tests.assessments.test_library_workflow import accepted_work, make_assignment
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f

from .test_browser_assignment import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_organizer_publishes_a_best_practice_found_in_the_library_and_search(
    page,
    site_url,
    private_dir,
    library,  # noqa: F811
):
    cohort = f.cohort("aslp-library-journey", title="ASLP Library Cohort")
    author = f.participant(cohort, "minji@example.org", given_names="Minji", family_name="Kim")
    organizer = f.organizer(cohort, "organizer@example.org")
    ResourceTopic.objects.create(name="Peer observation", slug="peer-observation")
    task = make_assignment(cohort, title="Change project report")
    submission = accepted_work(author, task, organizer, text="Teachers watch each other teach.")

    # The organizer prepares the accepted work from the submission page.
    sign_in(
        page,
        site_url,
        "organizer@example.org",
        f"/manage/{cohort.slug}/submissions/{submission.pk}/",
    )
    page.get_by_role("button", name="Prepare it for the library").click()
    resource = Resource.objects.get(submission=submission)
    manage = f"/manage/{cohort.slug}/resources/{resource.pk}/"
    page.wait_for_url(f"{site_url}{manage}")

    content = page.locator("section[aria-labelledby=content-heading]")
    content.get_by_label("Title").fill("Lesson observation circles")
    content.get_by_label("Summary").fill("Three teachers plan, watch and rework one lesson.")
    content.get_by_role("button", name="Save the content").click()
    page.wait_for_url(f"{site_url}{manage}")
    page.locator("section[aria-labelledby=metadata-heading]").get_by_label(
        "Peer observation"
    ).check()
    page.get_by_role("button", name="Save the classification").click()
    page.wait_for_url(f"{site_url}{manage}")
    for which in ("content", "technical"):
        box = page.locator(f"section[aria-labelledby={which}-review-heading]")
        box.get_by_label("Passed").check()
        box.get_by_role("button", name="Record the review of this content").click()
        page.wait_for_url(f"{site_url}{manage}")
    missing = page.locator("#missing-list").inner_text()
    assert "Minji Kim has not agreed to this content yet." in missing
    assert "review" not in missing
    page.get_by_role("button", name="Ask the authors for consent").click()
    page.wait_for_url(f"{site_url}{manage}")
    assert "1" in page.locator(".messages").inner_text()

    # The author reads exactly what would be published and agrees.
    consent = reverse(
        "assessments:resource_consent", kwargs={"slug": cohort.slug, "pk": resource.pk}
    )
    sign_in(page, site_url, "minji@example.org", consent)
    main = page.locator("main").inner_text()
    assert "Lesson observation circles" in main
    assert "Teachers watch each other teach." in main
    page.get_by_label("Name to credit").fill("Minji Kim")
    page.get_by_label("I agree to publication").check()
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url(f"{site_url}{consent}")
    assert "You agreed to the publication" in page.locator("main").inner_text()

    # The organizer publishes; the resource appears in the library and the site search.
    sign_in(page, site_url, "organizer@example.org", manage)
    page.get_by_role("button", name="Publish in the library").click()
    page.wait_for_url(f"{site_url}{manage}")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    page.get_by_role("link", name="See it in the library").click()
    page.wait_for_url(f"{site_url}/resources/{resource.pk}/")
    assert page.locator("h1").inner_text() == "Lesson observation circles"
    public = page.locator("main").inner_text()
    assert "Minji Kim" in public and "Teachers watch each other teach." in public

    page.context.clear_cookies()
    page.goto(f"{site_url}/resources/")
    page.get_by_label("Topic").select_option(label="Peer observation")
    page.get_by_role("button", name="Show resources").click()
    page.wait_for_load_state()
    assert "Lesson observation circles" in page.locator("main").inner_text()
    page.goto(f"{site_url}/search/?q=observation")
    results = page.locator("main").inner_text()
    assert "Lesson observation circles" in results
    page.get_by_role("link", name="Lesson observation circles").first.click()
    page.wait_for_url(f"{site_url}/resources/{resource.pk}/")
