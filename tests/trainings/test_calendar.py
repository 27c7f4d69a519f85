"""Calendar files: one activity's .ics download and the participant's secret feed, parsed back
with icalendar; renewing the feed's address ends the old one."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from wagtail.models import ModelLogEntry

from trainings.models import ActivityKind, ActivityTranslation, Participant

from . import factories as f

pytestmark = pytest.mark.django_db

KICK_OFF = dt.datetime(2030, 3, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    cohort = f.cohort("aslp-cal", title="ASLP Calendar Cohort")
    group_a = f.group(cohort, "Group A")
    group_b = f.group(cohort, "Group B")
    person = f.participant(cohort, "lima@example.org", time_zone="America/Lima", group=group_a)
    kick_off = f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        title="Kick-off meeting",
        description="Meet your cohort; bring questions.",
        starts_at=KICK_OFF,
        hours=2,
        online_url="https://meet.example.org/kick-off",
    )
    survey = f.activity(
        cohort,
        ActivityKind.SURVEY,
        title="Baseline survey",
        due_at=dt.datetime(2030, 3, 10, 14, 59, tzinfo=dt.UTC),
    )
    f.venue(cohort)
    keynote = f.activity(
        cohort, ActivityKind.KEYNOTE, title="Opening keynote", starts_at=KICK_OFF, room="Hall A"
    )
    hidden = f.activity(cohort, ActivityKind.GROUP_ACTIVITY, title="Group B work", group=group_b)
    return {
        "cohort": cohort,
        "participant": person,
        "kick_off": kick_off,
        "survey": survey,
        "keynote": keynote,
        "hidden": hidden,
    }


def _events(content: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def test_activity_ics_is_one_event_at_the_exact_instant(client, world):
    kick_off = world["kick_off"]
    client.force_login(world["participant"].user)
    response = client.get(f"/my-programme/aslp-cal/activities/{kick_off.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (f'attachment; filename="activity-{kick_off.pk}.ics"')
    assert "no-store" in response["Cache-Control"]
    content = response.content
    assert b"DTSTART:20300315T090000Z" in content
    assert b"DTEND:20300315T110000Z" in content
    (event,) = _events(content)
    assert event.decoded("dtstart") == KICK_OFF
    assert event.decoded("dtend") == KICK_OFF + dt.timedelta(hours=2)
    assert str(event["uid"]) == f"activity-{kick_off.pk}@testserver"
    assert str(event["summary"]) == "Kick-off meeting"
    assert "Meet your cohort; bring questions." in str(event["description"])
    assert "Online meeting link: https://meet.example.org/kick-off" in str(event["description"])
    assert str(event["url"]) == f"http://testserver/my-programme/aslp-cal/activities/{kick_off.pk}/"
    assert str(event["location"]) == "https://meet.example.org/kick-off"
    assert "dtstamp" in event
    # The same UID every time (calendars update the event instead of adding a copy).
    again = client.get(f"/my-programme/aslp-cal/activities/{kick_off.pk}/calendar.ics")
    assert str(_events(again.content)[0]["uid"]) == str(event["uid"])


def test_activity_ics_is_in_the_participants_language(client, world):
    kick_off = world["kick_off"]
    ActivityTranslation.objects.create(activity=kick_off, language_code="ko", title="발대식")
    person = world["participant"]
    person.application.preferred_language = "ko"
    person.application.save()
    client.force_login(person.user)
    response = client.get(f"/my-programme/aslp-cal/activities/{kick_off.pk}/calendar.ics")
    (event,) = _events(response.content)
    assert str(event["summary"]) == "발대식"
    assert str(event["url"]).startswith("http://testserver/ko/my-programme/aslp-cal/")


def test_workshop_session_ics_gives_the_venue(client, world):
    keynote = world["keynote"]
    client.force_login(world["participant"].user)
    response = client.get(f"/my-programme/aslp-cal/activities/{keynote.pk}/calendar.ics")
    (event,) = _events(response.content)
    assert event.decoded("dtstart") == KICK_OFF
    assert str(event["location"]) == (
        "Hall A, BEXCO Convention Hall, 55 APEC-ro, Haeundae-gu, Busan"
    )


def test_calendar_page_shows_the_feed_addresses(client, world):
    person = world["participant"]
    client.force_login(person.user)
    response = client.get("/my-programme/aslp-cal/calendar/")
    assert response.status_code == 200
    html = response.content.decode()
    token = person.calendar_token
    assert f'value="http://testserver/calendar/{token}.ics"' in html
    assert f'href="webcal://testserver/calendar/{token}.ics"' in html


def test_feed_has_every_activity_meant_for_the_participant(client, world):
    person = world["participant"]
    response = client.get(f"/calendar/{person.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "ASLP Calendar Cohort"
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    kick_off, survey, keynote = world["kick_off"], world["survey"], world["keynote"]
    assert set(events) == {
        f"activity-{kick_off.pk}@testserver",
        f"activity-{keynote.pk}@testserver",
        f"due-{survey.pk}@testserver",
    }
    assert events[f"activity-{kick_off.pk}@testserver"].decoded("dtstart") == KICK_OFF
    due = events[f"due-{survey.pk}@testserver"]
    assert str(due["summary"]) == "Due: Baseline survey"
    assert due.decoded("dtstart") == dt.datetime(2030, 3, 10, 14, 59, tzinfo=dt.UTC)
    # Made afresh on each request: a new activity appears at once.
    later = f.activity(world["cohort"], ActivityKind.ONLINE_MEETING, title="Extra meeting")
    again = client.get(f"/calendar/{person.calendar_token}.ics")
    assert f"activity-{later.pk}@testserver".encode() in again.content


def test_renewing_the_address_ends_the_old_one(client, world):
    person = world["participant"]
    old = person.calendar_token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    client.force_login(person.user)
    response = client.post("/my-programme/aslp-cal/calendar/")
    assert response.status_code == 302
    assert response["Location"] == "/my-programme/aslp-cal/calendar/"
    new = Participant.objects.get(pk=person.pk).calendar_token
    assert new != old and len(new) >= 32
    client.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    entry = ModelLogEntry.objects.get(action="trainings.calendar_renew")
    assert entry.object_id == str(person.pk)
    assert old not in str(entry.data) and new not in str(entry.data)


def test_feed_of_a_withdrawn_participant_or_unknown_token_answers_404(client, world):
    person = world["participant"]
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    person.application.status = "withdrawn"
    person.application.save()
    assert client.get(f"/calendar/{person.calendar_token}.ics").status_code == 404


def test_feed_query_count_does_not_grow_and_head_works(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = world["participant"]
    path = f"/calendar/{person.calendar_token}.ics"
    world["keynote"].speakers.add(f.speaker("Dr. Hana Lee"))
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for n in range(5):
        made = f.activity(world["cohort"], ActivityKind.LECTURE, title=f"Lecture {n}")
        made.speakers.add(f.speaker(f"Speaker {n}"))
        ActivityTranslation.objects.create(activity=made, language_code="ko", title=f"강의 {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert len(_events(response.content)) == 3 + 5
    assert len(many) == len(few)
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405
