"""Announcements: one copy per active participant of the audience, in their language (the
organizer's translation when given), logged once per participant; sending again adds no copy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cohorts.models import ApplicationStatus
from tests.trainings import factories
from trainings import announcements
from trainings.models import Announcement, AnnouncementDelivery, Audience

pytestmark = pytest.mark.django_db


def new_url(cohort):
    return reverse("trainings:announcement_new", kwargs={"slug": cohort.slug})


def message(**extra):
    return {
        "audience": "cohort",
        "subject": "Group photo on Friday",
        "body": "Please wear your badge for the group photo.",
        "subject_ko": "",
        "body_ko": "",
        "action": "send",
        **extra,
    }


def withdraw(participant):
    participant.application.status = ApplicationStatus.WITHDRAWN
    participant.application.save(update_fields=["status"])


@pytest.fixture
def world():
    cohort = factories.cohort("ann", languages=["en", "ko"])
    group_a = factories.group(cohort, "Group A")
    group_b = factories.group(cohort, "Group B", 1)
    people = {
        "jiwoo": factories.participant(
            cohort, "jiwoo@example.org", language="ko", group=group_a, economy_code="ROK"
        ),
        "ana": factories.participant(
            cohort, "ana@example.org", language="en", group=group_a, economy_code="THA"
        ),
        "gone": factories.participant(
            cohort, "gone@example.org", language="ko", group=group_a, economy_code="ROK"
        ),
        "bo": factories.participant(
            cohort, "bo@example.org", language="en", group=group_b, economy_code="ROK"
        ),
    }
    withdraw(people["gone"])
    organizer = factories.organizer(cohort, "organizer@example.org")
    return cohort, group_a, group_b, people, organizer


def test_group_announcement_reaches_its_active_members_each_in_their_language(
    client, world, django_capture_on_commit_callbacks
):
    cohort, group_a, _group_b, people, organizer = world
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url(cohort),
            message(
                audience="group",
                group=str(group_a.pk),
                subject_ko="금요일 단체 사진",
                body_ko="단체 사진 촬영 시 명찰을 착용해 주세요.",
            ),
        )

    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "trainings:announcement", kwargs={"slug": cohort.slug, "pk": announcement.pk}
    )
    assert announcement.audience == Audience.GROUP
    assert announcement.group == group_a
    assert announcement.sent_at is not None
    assert announcement.created_by == organizer
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"jiwoo@example.org", "ana@example.org"}
    assert sent["jiwoo@example.org"].subject == "금요일 단체 사진"
    assert sent["jiwoo@example.org"].body.startswith("단체 사진 촬영 시 명찰을 착용해 주세요.\n")
    assert sent["ana@example.org"].subject == "Group photo on Friday"
    assert sent["ana@example.org"].body.startswith("Please wear your badge for the group photo.\n")
    copies = {
        (d.participant_id, d.email, d.language)
        for d in AnnouncementDelivery.objects.filter(announcement=announcement)
    }
    assert copies == {
        (people["jiwoo"].pk, "jiwoo@example.org", "ko"),
        (people["ana"].pk, "ana@example.org", "en"),
    }
    entry = ModelLogEntry.objects.get(
        action="trainings.announcement_send", object_id=str(announcement.pk)
    )
    assert entry.user_id == organizer.pk
    assert entry.data["after"] == {"copies": 2}

    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<dd id="copy-count">2</dd>' in html
    assert "jiwoo@example.org" in html and "ana@example.org" in html
    assert "gone@example.org" not in html and "bo@example.org" not in html


def test_without_a_translation_everyone_gets_english(
    client, world, django_capture_on_commit_callbacks
):
    cohort, _a, _b, _people, organizer = world
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_url(cohort), message())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "bo@example.org",
        "jiwoo@example.org",
    ]
    assert {m.subject for m in mail.outbox} == {"Group photo on Friday"}
    languages = dict(AnnouncementDelivery.objects.values_list("email", "language"))
    assert languages["jiwoo@example.org"] == "ko"


def test_sending_again_adds_no_copy(client, world, django_capture_on_commit_callbacks):
    cohort, _a, _b, people, organizer = world
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            new_url(cohort),
            message(audience="economy", economy=str(people["jiwoo"].application.economy_id)),
        )
    announcement = Announcement.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@example.org", "jiwoo@example.org"]
    mail.outbox.clear()
    url = reverse("trainings:announcement", kwargs={"slug": cohort.slug, "pk": announcement.pk})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        again = announcements.send(announcement, organizer)

    assert again == []
    assert mail.outbox == []
    assert AnnouncementDelivery.objects.filter(announcement=announcement).count() == 2
    assert ModelLogEntry.objects.filter(action="trainings.announcement_send").count() == 1

    # Someone of the economy who joins later gets the message once, on request.
    late = factories.participant(cohort, "late@example.org", economy_code="ROK")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)
    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    assert set(
        AnnouncementDelivery.objects.filter(announcement=announcement).values_list(
            "participant_id", flat=True
        )
    ) == {people["jiwoo"].pk, people["bo"].pk, late.pk}


def test_a_repeated_send_of_the_same_form_sends_nothing_more(
    client, world, django_capture_on_commit_callbacks
):
    cohort, group_a, _b, _people, organizer = world
    client.force_login(organizer)
    data = message(audience="group", group=str(group_a.pk))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(new_url(cohort), data)
        second = client.post(new_url(cohort), data)
    announcement = Announcement.objects.get()
    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 2
    assert AnnouncementDelivery.objects.filter(announcement=announcement).count() == 2
    page = client.get(second["Location"])
    assert "This announcement was already sent a moment ago" in page.content.decode()


def test_the_audience_is_validated_on_the_server(client, world):
    cohort, _a, _b, _people, organizer = world
    other_group = factories.group(factories.cohort("other-ann"), "Group A")
    client.force_login(organizer)

    missing = client.post(new_url(cohort), message(audience="group"))
    assert missing.status_code == 400
    assert missing.context["form"].errors["group"] == ["Choose the group."]
    foreign = client.post(new_url(cohort), message(audience="group", group=str(other_group.pk)))
    assert foreign.status_code == 400
    assert "group" in foreign.context["form"].errors
    no_economy = client.post(new_url(cohort), message(audience="economy"))
    assert no_economy.context["form"].errors["economy"] == ["Choose the economy."]
    half = client.post(new_url(cohort), message(subject_ko="금요일"))
    assert half.context["form"].errors["body_ko"] == [
        "Give both the subject and the message in Korean, or leave both empty."
    ]
    assert 'value="Group photo on Friday"' in half.content.decode()
    assert not Announcement.objects.exists()
    assert mail.outbox == []


def test_preview_counts_the_recipients_without_sending(client, world):
    cohort, group_a, _b, _people, organizer = world
    client.force_login(organizer)
    response = client.post(
        new_url(cohort), message(audience="group", group=str(group_a.pk), action="preview")
    )
    assert response.status_code == 200
    assert response.context["preview"] == 2
    assert "This announcement would be sent to 2 participants." in response.content.decode()
    assert not Announcement.objects.exists()
    assert mail.outbox == []


def test_another_cohorts_organizer_gets_404(client, world):
    cohort, _a, _b, _people, _organizer = world
    announcement = Announcement.objects.create(
        cohort=cohort, audience=Audience.COHORT, subject="Hello", body="Hi"
    )
    client.force_login(factories.organizer(factories.cohort("elsewhere")))
    for url in (
        reverse("trainings:announcements", kwargs={"slug": cohort.slug}),
        new_url(cohort),
        reverse("trainings:announcement", kwargs={"slug": cohort.slug, "pk": announcement.pk}),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_log_run_a_constant_number_of_queries(
    client, world, django_capture_on_commit_callbacks
):
    cohort, group_a, _b, people, organizer = world
    client.force_login(organizer)
    list_url = reverse("trainings:announcements", kwargs={"slug": cohort.slug})
    rok = str(people["jiwoo"].application.economy_id)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_url(cohort), message(audience="economy", economy=rok))
    first = Announcement.objects.get()
    log_url = reverse("trainings:announcement", kwargs={"slug": cohort.slug, "pk": first.pk})
    client.get(list_url)
    one_list, one_log = _count(client, list_url), _count(client, log_url)

    for n in range(3):
        factories.participant(cohort, f"more{n}@example.org", economy_code="ROK", language="ko")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(log_url)  # the newcomers get their copies
        client.post(new_url(cohort), message())
        client.post(new_url(cohort), message(audience="group", group=str(group_a.pk)))
        client.post(
            new_url(cohort),
            message(audience="economy", economy=str(people["ana"].application.economy_id)),
        )
    assert AnnouncementDelivery.objects.filter(announcement=first).count() == 5
    assert Announcement.objects.count() == 4
    assert _count(client, list_url) == one_list
    assert _count(client, log_url) == one_log
