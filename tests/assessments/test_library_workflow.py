"""The resource library's working pages: an organizer prepares a resource from accepted work,
edits and reviews it, the authors agree (or not) on their consent page, and it is published or
withdrawn; every step audited, refusals explained, other people kept out with 404, the list in
a constant number of queries."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from assessments import library, submissions
from assessments.models import (
    Assignment,
    ConsentState,
    Resource,
    ResourceAuthor,
    ResourceStatus,
    ResourceTopic,
    ResourceTranslation,
    ReviewOutcome,
    SubmissionStatus,
)
from tests.cohorts.applying import private_dir_fixture  # noqa: F401 (fixture)
from tests.trainings import factories as f
from trainings.models import ActivityKind

pytestmark = pytest.mark.django_db


def make_assignment(cohort, *, title="A best practice", **extra):
    activity = f.activity(cohort, ActivityKind.ASSIGNMENT, title=title)
    extra.setdefault("can_be_published", True)
    return Assignment.objects.create(activity=activity, **extra)


def pdf(name="lesson.pdf"):
    return SimpleUploadedFile(name, f.MINIMAL_PDF, content_type="application/pdf")


def accepted_work(person, task, organizer, *, text="We observe each other's lessons."):
    version = submissions.submit(person, task, text=text, uploads=[pdf()])
    submissions.give_feedback(version.submission, "accepted", "", organizer)
    return version.submission


@pytest.fixture
def cohort():
    return f.cohort("aslp-library")


@pytest.fixture
def organizer(cohort):
    return f.organizer(cohort, "organizer@example.org")


@pytest.fixture
def topic():
    return ResourceTopic.objects.create(name="Peer observation", slug="peer-observation")


def manage(name, cohort, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"slug": cohort.slug, **kwargs})


def consent_page(resource):
    return reverse(
        "assessments:resource_consent", kwargs={"slug": resource.cohort.slug, "pk": resource.pk}
    )


def content_data(resource, **changes):
    data = {
        "action": "content",
        "kind": resource.kind,
        "language_code": resource.language_code,
        "title": resource.title,
        "summary": resource.summary,
        "body": resource.body,
        "licence": resource.licence,
        "files": [item.pk for item in resource.files.all()],
    }
    data.update(changes)
    return data


def actions():
    return list(ModelLogEntry.objects.order_by("pk").values_list("action", flat=True))


# -- Preparing -------------------------------------------------------------------------------


def test_organizer_prepares_a_resource_from_accepted_work(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org", given_names="Amina", family_name="Diallo")
    task = make_assignment(cohort)
    submission = accepted_work(person, task, organizer)
    client.force_login(organizer)

    page = client.get(manage("manage_submission", cohort, pk=submission.pk)).content.decode()
    assert manage("prepare_resource", cohort, pk=submission.pk) in page
    listing = client.get(manage("manage_resources", cohort)).content.decode()
    assert "Accepted work that may go to the library" in listing
    assert manage("prepare_resource", cohort, pk=submission.pk) in listing

    response = client.post(manage("prepare_resource", cohort, pk=submission.pk))
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == manage("manage_resource", cohort, pk=resource.pk)
    assert (resource.title, resource.body, resource.status) == (
        "A best practice",
        "We observe each other's lessons.",
        ResourceStatus.PREPARING,
    )
    assert [a.credit_name for a in resource.authors.all()] == ["Amina Diallo"]
    assert [item.original_name for item in resource.files.all()] == ["lesson.pdf"]
    entry = ModelLogEntry.objects.get(action="assessments.resource_prepare")
    assert entry.user_id == organizer.pk and entry.object_id == str(resource.pk)

    # Not twice: the submission page now links to the resource, a second POST is refused.
    page = client.get(manage("manage_submission", cohort, pk=submission.pk)).content.decode()
    assert manage("manage_resource", cohort, pk=resource.pk) in page
    assert manage("prepare_resource", cohort, pk=submission.pk) not in page
    response = client.post(manage("prepare_resource", cohort, pk=submission.pk), follow=True)
    assert response.redirect_chain == [(manage("manage_submission", cohort, pk=submission.pk), 302)]
    assert "This work is already in the library&#x27;s preparation." in response.content.decode()
    assert Resource.objects.count() == 1
    # GET is not a way to prepare.
    assert client.get(manage("prepare_resource", cohort, pk=submission.pk)).status_code == 405


def test_prepare_is_refused_for_work_not_accepted_or_not_publishable(
    client, cohort, organizer, private_dir
):
    person = f.participant(cohort, "amina@example.org")
    sent = submissions.submit(person, make_assignment(cohort, title="Draft work"), text="Draft.")
    closed = accepted_work(person, make_assignment(cohort, can_be_published=False), organizer)
    client.force_login(organizer)
    for submission, reason in (
        (sent.submission, "Only accepted work can go to the library."),
        (closed, "Work of this assignment is not meant for the library."),
    ):
        assert not library.can_prepare(submission)
        page = manage("manage_submission", cohort, pk=submission.pk)
        assert (
            manage("prepare_resource", cohort, pk=submission.pk)
            not in client.get(page).content.decode()
        )
        response = client.post(manage("prepare_resource", cohort, pk=submission.pk), follow=True)
        assert response.redirect_chain == [(page, 302)]
        assert reason in response.content.decode()
    assert not Resource.objects.exists()
    listing = client.get(manage("manage_resources", cohort)).content.decode()
    assert "No accepted work is waiting." in listing


# -- The whole journey -------------------------------------------------------------------------


def test_edit_review_consent_publish_and_withdraw_are_audited(
    client, cohort, organizer, topic, private_dir, django_capture_on_commit_callbacks
):
    person = f.participant(cohort, "amina@example.org", given_names="Amina", family_name="Diallo")
    submission = accepted_work(person, make_assignment(cohort), organizer)
    resource = library.prepare(submission, organizer)
    page = manage("manage_resource", cohort, pk=resource.pk)
    client.force_login(organizer)

    # A content review passes, then an edit of the content makes it stale.
    response = client.post(
        page, {"action": "review_content", "content-outcome": "passed", "content-note": ""}
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert library.review_is_current(resource, "content")
    response = client.post(page, content_data(resource, title="Peer observation in practice"))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Peer observation in practice"
    assert not library.review_is_current(resource, "content")
    html = client.get(page).content.decode()
    assert "The content review was for an earlier content; review it again." in html
    assert "For an earlier content" in html
    edit = ModelLogEntry.objects.get(action="assessments.resource_edit")
    assert edit.data["before"] == {"title": "A best practice"}
    assert edit.data["after"] == {"title": "Peer observation in practice"}
    assert edit.data["part"] == "content"

    # Publishing now is refused with every reason listed.
    response = client.post(page, {"action": "publish"})
    assert response.status_code == 409
    html = response.content.decode()
    for reason in (
        "No topic is chosen.",
        "The content review was for an earlier content; review it again.",
        "The technical review is not done.",
        "Amina Diallo has not agreed to this content yet.",
    ):
        assert reason in html
    assert Resource.objects.get().status == ResourceStatus.PREPARING

    # Classification, both reviews, consent asked.
    response = client.post(
        page, {"action": "metadata", "topics": [topic.pk], "school_level": "primary"}
    )
    assert response.status_code == 302
    for which in ("content", "technical"):
        response = client.post(
            page, {"action": f"review_{which}", f"{which}-outcome": "passed", f"{which}-note": ""}
        )
        assert response.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "ask_consent"}, follow=True)
    assert "1 author was asked for consent by e-mail." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == "May we publish your work? Peer observation in practice"
    assert consent_page(resource) in message.body
    assert "- Amina Diallo" in message.body

    # The author reads exactly what is published and agrees under another name.
    client.force_login(person.user)
    html = client.get(consent_page(resource)).content.decode()
    assert "Peer observation in practice" in html and "lesson.pdf" in html
    assert "Creative Commons Attribution 4.0 (CC BY 4.0)" in html
    assert "Primary / elementary" in html
    assert 'value="Amina Diallo"' in html
    response = client.post(consent_page(resource), {"answer": "agree", "credit_name": "A. Diallo"})
    assert response.status_code == 302
    author = ResourceAuthor.objects.get()
    assert (author.consent, author.credit_name) == (ConsentState.GIVEN, "A. Diallo")

    # Published; the author hears of it; the content is read-only.
    client.force_login(organizer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "publish"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED and resource.published_by == organizer
    (message,) = mail.outbox
    assert message.subject == "Your work is in the resource library: Peer observation in practice"
    html = client.get(page).content.decode()
    assert "The resource is published: withdraw it to edit its content." in html
    assert 'name="action" value="content"' not in html
    response = client.post(page, content_data(resource, title="Changed after publication"))
    assert response.status_code == 409
    assert Resource.objects.get().title == "Peer observation in practice"

    # A withdrawal needs a reason.
    response = client.post(page, {"action": "withdraw", "reason": "  "})
    assert response.status_code == 400
    assert Resource.objects.get().status == ResourceStatus.PUBLISHED
    response = client.post(page, {"action": "withdraw", "reason": "An outdated statistic."})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.status, resource.withdrawal_reason) == (
        ResourceStatus.WITHDRAWN,
        "An outdated statistic.",
    )
    assert actions()[-9:] == [
        "assessments.resource_review",
        "assessments.resource_edit",
        "assessments.resource_edit",
        "assessments.resource_review",
        "assessments.resource_review",
        "assessments.resource_consent_ask",
        "assessments.resource_consent",
        "assessments.publish",
        "assessments.unpublish",
    ]
    publish = ModelLogEntry.objects.get(action="assessments.publish")
    assert publish.data["before"] == {"status": "preparing"}
    assert publish.data["after"] == {"status": "published"}
    consent = ModelLogEntry.objects.get(action="assessments.resource_consent")
    assert consent.data["after"] == {"consent": "given", "credit_name": "A. Diallo"}
    assert consent.user_id == person.user.pk


def test_translations_and_a_review_asking_for_changes(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org")
    resource = library.prepare(accepted_work(person, make_assignment(cohort), organizer), organizer)
    page = manage("manage_resource", cohort, pk=resource.pk)
    client.force_login(organizer)

    response = client.post(
        page, {"action": "translations", "title_ko": "동료 관찰", "summary_ko": "요약"}
    )
    assert response.status_code == 302
    row = ResourceTranslation.objects.get()
    assert (row.language_code, row.title, row.summary) == ("ko", "동료 관찰", "요약")
    assert resource.translated("title", "ko") == "동료 관찰"
    response = client.post(page, {"action": "translations", "title_ko": "", "summary_ko": ""})
    assert response.status_code == 302
    assert not ResourceTranslation.objects.exists()

    response = client.post(
        page, {"action": "review_technical", "technical-outcome": "changes", "technical-note": ""}
    )
    assert response.status_code == 400
    assert "Say what needs to change." in response.content.decode()
    response = client.post(
        page,
        {
            "action": "review_technical",
            "technical-outcome": "changes",
            "technical-note": "The PDF has a student's name.",
        },
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.technical_review == ReviewOutcome.CHANGES
    html = client.get(page).content.decode()
    assert "The technical review asks for changes." in html
    assert "The PDF has a student&#x27;s name." in html


def test_form_errors_keep_what_was_typed(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org")
    resource = library.prepare(accepted_work(person, make_assignment(cohort), organizer), organizer)
    page = manage("manage_resource", cohort, pk=resource.pk)
    client.force_login(organizer)
    response = client.post(
        page, content_data(resource, title="", body="My carefully typed new text.")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "My carefully typed new text." in html
    assert 'id="content-errors"' in html
    assert Resource.objects.get().body == "We observe each other's lessons."

    response = client.post(page, {"action": "translations", "title_ko": "제목만", "summary_ko": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="제목만"' in html
    assert "Write the summary too, or empty the title." in html

    response = client.post(page, {"action": "no-such-thing"})
    assert response.status_code == 400
    assert ModelLogEntry.objects.filter(action="assessments.resource_edit").count() == 0

    client.force_login(person.user)
    response = client.post(consent_page(resource), {"answer": "agree", "credit_name": " "})
    assert response.status_code == 400
    assert "Write the name the library should show." in response.content.decode()
    assert ResourceAuthor.objects.get().consent == ConsentState.ASKED


# -- Authors ------------------------------------------------------------------------------------


def test_consent_email_is_in_the_participants_language(
    client, cohort, organizer, private_dir, django_capture_on_commit_callbacks
):
    person = f.participant(cohort, "minji@example.org", language="ko")
    resource = library.prepare(accepted_work(person, make_assignment(cohort), organizer), organizer)
    mail.outbox.clear()
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage("manage_resource", cohort, pk=resource.pk), {"action": "ask_consent"})
    (message,) = mail.outbox
    assert message.subject == "결과물을 게시해도 되겠습니까? A best practice"
    assert message.to == ["minji@example.org"]
    # The link opens the consent page in the author's language.
    assert f"/ko/my-programme/{cohort.slug}/resources/{resource.pk}/consent/" in message.body
    assert ResourceAuthor.objects.get().consent == ConsentState.ASKED


def test_group_work_needs_every_member(
    client, cohort, organizer, topic, private_dir, django_capture_on_commit_callbacks
):
    group = f.group(cohort, "Busan team")
    first = f.participant(cohort, "first@example.org", given_names="Ha", family_name="Eun")
    second = f.participant(cohort, "second@example.org", given_names="Ji", family_name="Woo")
    for member in (first, second):
        member.group = group
        member.save(update_fields=["group"])
    task = make_assignment(cohort, per_group=True)
    resource = library.prepare(accepted_work(first, task, organizer), organizer)
    assert {a.participant_id for a in resource.authors.all()} == {first.pk, second.pk}
    resource.topics.add(topic)
    library.review(resource, "content", "passed", "", organizer)
    library.review(resource, "technical", "passed", "", organizer)
    assignment_page = reverse("assessments:assignment", kwargs={"slug": cohort.slug, "pk": task.pk})
    # While the organizers prepare it, the authors' pages say nothing about it yet.
    client.force_login(second.user)
    assert consent_page(resource) not in client.get(assignment_page).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert library.ask_consent(resource, organizer) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["first@example.org", "second@example.org"]

    client.force_login(first.user)
    client.post(consent_page(resource), {"answer": "agree", "credit_name": "Ha Eun"})
    # The second member's assignment page tells them they are asked.
    client.force_login(second.user)
    html = client.get(
        reverse("assessments:assignment", kwargs={"slug": cohort.slug, "pk": task.pk})
    ).content.decode()
    assert "The organizers ask whether your work may be published" in html
    assert consent_page(resource) in html

    client.force_login(organizer)
    page = manage("manage_resource", cohort, pk=resource.pk)
    response = client.post(page, {"action": "publish"})
    assert response.status_code == 409
    assert "Ji Woo has not agreed to this content yet." in response.content.decode()

    client.force_login(second.user)
    client.post(consent_page(resource), {"answer": "agree", "credit_name": "Ji Woo"})
    client.force_login(organizer)
    assert client.post(page, {"action": "publish"}).status_code == 302
    assert Resource.objects.get().status == ResourceStatus.PUBLISHED
    client.force_login(second.user)
    html = client.get(
        reverse("assessments:assignment", kwargs={"slug": cohort.slug, "pk": task.pk})
    ).content.decode()
    assert "Your work is published in the resource library." in html


def test_taking_consent_back_withdraws_a_published_resource(
    client, cohort, organizer, topic, private_dir
):
    person = f.participant(cohort, "amina@example.org")
    resource = library.prepare(accepted_work(person, make_assignment(cohort), organizer), organizer)
    resource.topics.add(topic)
    library.review(resource, "content", "passed", "", organizer)
    library.review(resource, "technical", "passed", "", organizer)
    author = resource.authors.get()
    library.answer_consent(author, True, "Amina", person.user)
    library.publish(resource, organizer)

    client.force_login(person.user)
    html = client.get(consent_page(resource)).content.decode()
    assert "This work is published in the resource library since" in html
    assert "the resource is withdrawn from the library at once" in html
    response = client.post(consent_page(resource), {"answer": "refuse", "credit_name": "Amina"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.WITHDRAWN
    assert resource.withdrawal_reason == "An author took back their consent."
    assert ResourceAuthor.objects.get().consent == ConsentState.REFUSED
    unpublish = ModelLogEntry.objects.get(action="assessments.unpublish")
    assert unpublish.user_id == person.user.pk


def test_changed_content_asks_the_author_again(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org")
    resource = library.prepare(accepted_work(person, make_assignment(cohort), organizer), organizer)
    library.answer_consent(resource.authors.get(), True, "Amina", person.user)
    client.force_login(organizer)
    client.post(
        manage("manage_resource", cohort, pk=resource.pk),
        content_data(resource, summary="A new summary."),
    )
    client.force_login(person.user)
    html = client.get(consent_page(resource)).content.decode()
    assert "The content changed since you agreed" in html
    assert "A new summary." in html


# -- Who may see what --------------------------------------------------------------------------


def test_strangers_get_404_on_every_screen(client, cohort, organizer, private_dir):
    person = f.participant(cohort, "amina@example.org")
    other = f.participant(cohort, "other@example.org")
    submission = accepted_work(person, make_assignment(cohort), organizer)
    resource = library.prepare(submission, organizer)
    cohort_y = f.cohort("aslp-other")
    organizer_y = f.organizer(cohort_y, "organizer-y@example.org")
    organizer_pages = [
        manage("manage_resources", cohort),
        manage("prepare_resource", cohort, pk=submission.pk),
        manage("manage_resource", cohort, pk=resource.pk),
    ]
    # Another cohort's organizer: 404 everywhere (the object's existence is not revealed).
    client.force_login(organizer_y)
    for path in [*organizer_pages, consent_page(resource)]:
        for method in ("get", "post"):
            response = getattr(client, method)(path, {"action": "publish"})
            assert response.status_code == 404, (path, method)
    # Another participant of the cohort: 404 on the consent page; the organizer pages refuse
    # anyone without an organizer role (403, as every organizer page of the project).
    client.force_login(other.user)
    for method in ("get", "post"):
        response = getattr(client, method)(consent_page(resource), {"answer": "refuse"})
        assert response.status_code == 404, method
        for path in organizer_pages:
            assert getattr(client, method)(path, {"action": "publish"}).status_code == 403, path
    # Organizer Y on their own cohort's URL with cohort X's resource: 404 as well.
    client.force_login(organizer_y)
    path = reverse("assessments:manage_resource", kwargs={"slug": cohort_y.slug, "pk": resource.pk})
    assert client.get(path).status_code == 404
    # The organizer of X is not an author: the consent page is not theirs.
    client.force_login(organizer)
    assert client.get(consent_page(resource)).status_code == 404
    assert Resource.objects.get().status == ResourceStatus.PREPARING


# -- The list ----------------------------------------------------------------------------------


def _resources(cohort, organizer, topic, count, start=0):
    for index in range(start, start + count):
        person = f.participant(cohort, f"author{index}@example.org")
        task = make_assignment(cohort, title=f"Practice {index}")
        resource = library.prepare(accepted_work(person, task, organizer), organizer)
        if index % 2:
            resource.topics.add(topic)
            library.review(resource, "content", "passed", "", organizer)
        # and one accepted work without a resource
        accepted_work(person, make_assignment(cohort, title=f"Other {index}"), organizer)


def test_the_list_needs_the_same_queries_for_2_and_6_rows(
    client, cohort, organizer, topic, private_dir
):
    client.force_login(organizer)
    url = manage("manage_resources", cohort)
    _resources(cohort, organizer, topic, 2)
    client.get(url)  # warm caches (session, site)
    with CaptureQueriesContext(connection) as two:
        response = client.get(url)
    assert response.status_code == 200
    _resources(cohort, organizer, topic, 4, start=2)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Prepare the work of") == 6
    assert len(six.captured_queries) == len(two.captured_queries)
    # The fingerprint and the missing list from prefetched rows equal those read row by row.
    prefetched = Resource.objects.select_related("submission").prefetch_related(
        "files", "topics", "authors"
    )
    for resource in prefetched:
        plain = Resource.objects.get(pk=resource.pk)
        assert library.fingerprint(resource) == library.fingerprint(plain)
        assert library.missing(resource) == library.missing(plain)
    assert Resource.objects.filter(submission__status=SubmissionStatus.ACCEPTED).count() == 6
