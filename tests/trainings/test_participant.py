"""The participant's home ("My programme"): stages, what is due next, progress, activities meant
for them, and 404 for everyone else."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cohorts.models import ApplicationStatus
from tests.cohorts import factories as cf
from trainings.models import (
    ActivityKind,
    ActivityTranslation,
    Attendance,
    AttendanceStatus,
    StageKind,
)

from . import factories as f

pytestmark = pytest.mark.django_db

KICK_OFF = dt.datetime(2030, 3, 15, 9, 0, tzinfo=dt.UTC)


def _text(response) -> str:
    """The page's text, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def world():
    """A running cohort with a participant, a past session they attended, one they missed,
    the next meeting, a past and a coming survey, and another group's session."""
    cohort = f.cohort("aslp-home", title="ASLP Home Cohort")
    group_a = f.group(cohort, "Group A")
    group_b = f.group(cohort, "Group B", sort_order=1)
    person = f.participant(cohort, "nari@example.org", time_zone="Asia/Bangkok", group=group_a)
    now = timezone.now()
    attended = f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        title="Kick-off meeting",
        starts_at=now - dt.timedelta(days=10),
    )
    missed = f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        title="Second online meeting",
        starts_at=now - dt.timedelta(days=3),
    )
    Attendance.objects.create(activity=attended, participant=person, status=AttendanceStatus.LATE)
    Attendance.objects.create(activity=missed, participant=person, status=AttendanceStatus.ABSENT)
    coming = f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        title="Third online meeting",
        starts_at=KICK_OFF,
        online_url="https://meet.example.org/aslp-3",
    )
    f.activity(
        cohort,
        ActivityKind.SURVEY,
        title="Baseline survey",
        due_at=now - dt.timedelta(days=1),
    )
    survey = f.activity(
        cohort,
        ActivityKind.SURVEY,
        title="Mid-term survey",
        due_at=dt.datetime(2030, 3, 20, 14, 59, tzinfo=dt.UTC),
    )
    other_group = f.activity(
        cohort,
        ActivityKind.GROUP_ACTIVITY,
        title="Group B field work",
        group=group_b,
        starts_at=KICK_OFF + dt.timedelta(days=365),
    )
    own_group = f.activity(
        cohort,
        ActivityKind.GROUP_ACTIVITY,
        title="Group A field work",
        group=group_a,
        starts_at=KICK_OFF + dt.timedelta(days=365),
    )
    return {
        "cohort": cohort,
        "participant": person,
        "coming": coming,
        "survey": survey,
        "other_group": other_group,
        "own_group": own_group,
        "group_a": group_a,
    }


def test_home_redirects_to_the_only_programme(client, world):
    response = _signed_in(client, world["participant"].user).get("/my-programme/")
    assert response.status_code == 302
    assert response["Location"] == "/my-programme/aslp-home/"


def test_home_without_a_place_is_a_friendly_page(client):
    cohort = f.cohort("aslp-home")
    applicant = cf.user("waiting@example.org")
    cf.application(cohort, applicant, status=ApplicationStatus.SUBMITTED)
    response = _signed_in(client, applicant).get("/my-programme/")
    assert response.status_code == 200
    text = _text(response)
    assert "You have no programme yet." in text
    assert 'href="/applications/"' in response.content.decode()
    # A submitted application is not a place: no "My programme" link in the navigation.
    assert "My programme</a>" not in response.content.decode()


def test_home_lists_several_programmes_and_only_active_ones(client, world):
    person = world["participant"]
    second = f.cohort("aslp-second", title="ASLP Second Cohort")
    application = cf.application(
        second, person.user, status=ApplicationStatus.CONFIRMED, economy_code="ROK"
    )
    third = f.cohort("aslp-third", title="ASLP Withdrawn Cohort")
    cf.application(third, person.user, status=ApplicationStatus.WITHDRAWN, economy_code="ROK")
    response = _signed_in(client, person.user).get("/my-programme/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/my-programme/aslp-home/"' in html
    assert 'href="/my-programme/aslp-second/"' in html
    assert "aslp-third" not in html
    assert application.participant.is_active


def test_home_needs_signing_in(client):
    response = client.get("/my-programme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_programme_shows_stages_next_items_progress_and_documents(client, world):
    response = _signed_in(client, world["participant"].user).get("/my-programme/aslp-home/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    text = _text(response)
    assert "My programme: ASLP Home Cohort" in text
    assert "Your group: Group A" in text
    # The three stages in order, with their state (pre-training runs now).
    states = re.findall(r'data-stage="(\w+)" data-state="(\w+)"', html)
    assert states == [
        ("pre_training", "current"),
        ("workshop", "upcoming"),
        ("post_training", "upcoming"),
    ]
    assert text.count("Online Pre-Training") >= 2 and "Onsite Training Workshop" in text
    cohort = world["cohort"]
    starts = date_format(cohort.pre_training_starts, "DATE_FORMAT")
    ends = date_format(cohort.pre_training_ends, "DATE_FORMAT")
    assert f"Online Pre-Training Now {starts} to {ends}" in text
    # What is due next: the next meeting and the next deadline, in Bangkok and Seoul time.
    session = html.split('data-next="session"')[1].split("</div>")[0]
    assert f"/my-programme/aslp-home/activities/{world['coming'].pk}/" in session
    assert "March 15, 2030, 4 p.m. (Asia/Bangkok)" in session
    assert "March 15, 2030, 6 p.m. (Asia/Seoul)" in session
    due = html.split('data-next="due"')[1].split("</div>")[0]
    assert "Mid-term survey" in due
    assert "March 20, 2030, 9:59 p.m. (Asia/Bangkok)" in due
    assert "11:59 p.m. (Asia/Seoul)" in due
    # Progress of the pre-training: 1 of 2 past meetings attended (late counts), 1 done of 5.
    pre = html.split('data-progress="pre_training"')[1].split("</div>")[0]
    assert "Attendance: 1 of 2 past sessions (50%)" in _text_of(pre)
    assert "Activities done: 1 of 5" in _text_of(pre)
    workshop = html.split('data-progress="workshop"')[1].split("</div>")[0]
    assert "Attendance: no session has taken place yet." in _text_of(workshop)
    assert "Activities done: 0 of 1" in _text_of(workshop)
    # Documents.
    assert 'href="/apply/aslp-home/invitation-letter/"' in html
    assert 'href="/my-programme/aslp-home/calendar/"' in html
    # The navigation leads here.
    assert '<a href="/my-programme/" aria-current="page">My programme</a>' in html


def _text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_programme_lists_own_group_activities_only(client, world):
    html = _signed_in(client, world["participant"].user).get("/my-programme/aslp-home/")
    html = html.content.decode()
    assert f'data-activity="{world["own_group"].pk}"' in html
    assert "Group A field work" in html
    assert f'data-activity="{world["other_group"].pk}"' not in html
    assert "Group B field work" not in html


def test_programme_in_korean_uses_the_translations(client, world):
    ActivityTranslation.objects.create(
        activity=world["survey"], language_code="ko", title="중간 설문"
    )
    response = _signed_in(client, world["participant"].user).get("/ko/my-programme/aslp-home/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "중간 설문" in html
    assert "2030년 3월 20일 9:59 오후 (Asia/Bangkok)" in html


@pytest.mark.parametrize(
    "who", ["anonymous", "stranger", "organizer", "other_cohort", "withdrawn", "other_group"]
)
def test_others_cannot_see_the_programme(client, world, who):
    cohort = world["cohort"]
    coming = world["coming"]
    paths = [
        "/my-programme/aslp-home/",
        f"/my-programme/aslp-home/activities/{coming.pk}/",
        f"/my-programme/aslp-home/activities/{coming.pk}/calendar.ics",
        "/my-programme/aslp-home/calendar/",
    ]
    if who == "anonymous":
        for path in paths:
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        return
    if who == "stranger":
        user = cf.user("stranger@example.org")
    elif who == "organizer":
        user = f.organizer(cohort, "organizer@example.org")
    elif who == "other_cohort":
        user = f.participant(f.cohort("aslp-other"), "other@example.org").user
    elif who == "withdrawn":
        gone = f.participant(cohort, "gone@example.org")
        gone.application.status = ApplicationStatus.WITHDRAWN
        gone.application.save()
        user = gone.user
    else:
        # Group B's member sees the cohort's pages but not Group A's session.
        member = f.participant(cohort, "b@example.org", group=world["other_group"].group)
        client.force_login(member.user)
        assert client.get("/my-programme/aslp-home/").status_code == 200
        own = world["own_group"].pk
        assert client.get(f"/my-programme/aslp-home/activities/{own}/").status_code == 404
        assert (
            client.get(f"/my-programme/aslp-home/activities/{own}/calendar.ics").status_code == 404
        )
        return
    client.force_login(user)
    for path in paths:
        assert client.get(path).status_code == 404, path
    assert client.post("/my-programme/aslp-home/calendar/").status_code == 404


def test_group_a_member_does_not_see_group_b_session(client, world):
    client.force_login(world["participant"].user)
    other = world["other_group"].pk
    assert client.get(f"/my-programme/aslp-home/activities/{other}/").status_code == 404
    assert client.get(f"/my-programme/aslp-home/activities/{other}/calendar.ics").status_code == 404
    own = world["own_group"].pk
    assert client.get(f"/my-programme/aslp-home/activities/{own}/").status_code == 200


def test_an_activity_of_another_cohort_answers_404(client, world):
    other = f.activity(f.cohort("aslp-other"), ActivityKind.ONLINE_MEETING)
    client.force_login(world["participant"].user)
    assert client.get(f"/my-programme/aslp-home/activities/{other.pk}/").status_code == 404


def test_activity_page_shows_times_link_and_calendar_download(client, world):
    coming = world["coming"]
    coming.description = "Bring your school's improvement plan."
    coming.room = "Zoom room 2"
    coming.save()
    coming.speakers.add(f.speaker("Dr. Hana Lee", affiliation="Seoul National University"))
    client.force_login(world["participant"].user)
    response = client.get(f"/my-programme/aslp-home/activities/{coming.pk}/")
    assert response.status_code == 200
    text = _text(response)
    html = response.content.decode()
    assert "Third online meeting" in text
    assert "Online meeting" in text
    assert "Bring your school's improvement plan." in text
    assert "Zoom room 2" in text
    assert "Dr. Hana Lee , Seoul National University" in text
    assert 'href="https://meet.example.org/aslp-3"' in html
    starts = html.split('data-fact="starts"')[1].split("</div>")[0]
    assert "March 15, 2030, 4 p.m. (Asia/Bangkok)" in starts
    assert "March 15, 2030, 6 p.m. (Asia/Seoul)" in starts
    ends = html.split('data-fact="ends"')[1].split("</div>")[0]
    assert "March 15, 2030, 5:30 p.m. (Asia/Bangkok)" in ends
    assert f'href="/my-programme/aslp-home/activities/{coming.pk}/calendar.ics"' in html


def test_workshop_session_is_shown_in_the_venue_zone(client, world):
    cohort = world["cohort"]
    f.venue(cohort, time_zone="Asia/Tokyo", name="Tokyo Hall")
    session = f.activity(
        cohort, ActivityKind.KEYNOTE, title="Keynote", starts_at=KICK_OFF, room="Hall A"
    )
    client.force_login(world["participant"].user)
    response = client.get(f"/my-programme/aslp-home/activities/{session.pk}/")
    html = response.content.decode()
    starts = html.split('data-fact="starts"')[1].split("</div>")[0]
    assert "March 15, 2030, 4 p.m. (Asia/Bangkok)" in starts
    assert "March 15, 2030, 6 p.m. (Asia/Tokyo)" in starts
    assert "Tokyo Hall" in _text(response)


def test_survey_page_has_no_calendar_download(client, world):
    survey = world["survey"]
    client.force_login(world["participant"].user)
    response = client.get(f"/my-programme/aslp-home/activities/{survey.pk}/")
    assert response.status_code == 200
    assert "calendar.ics" not in response.content.decode()
    assert (
        client.get(f"/my-programme/aslp-home/activities/{survey.pk}/calendar.ics").status_code
        == 404
    )


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_programme_query_count_does_not_grow_with_activities(client):
    cohort = f.cohort("aslp-count")
    group = f.group(cohort)
    person = f.participant(cohort, "count@example.org", group=group)
    speaker = f.speaker()
    first = f.activity(cohort, ActivityKind.LECTURE, group=group)
    first.speakers.add(speaker)
    f.venue(cohort)
    client.force_login(person.user)
    client.get("/my-programme/aslp-count/")  # warm the session and caches
    one = _queries(client, "/my-programme/aslp-count/")
    for n in range(6):
        made = f.activity(
            cohort,
            [ActivityKind.ONLINE_MEETING, ActivityKind.SURVEY, ActivityKind.PANEL][n % 3],
            title=f"Activity {n}",
        )
        made.speakers.add(speaker)
        ActivityTranslation.objects.create(activity=made, language_code="ko", title=f"활동 {n}")
        Attendance.objects.create(
            activity=made, participant=person, status=AttendanceStatus.PRESENT
        )
    several = _queries(client, "/my-programme/aslp-count/")
    assert several == one


def test_home_query_count_with_several_programmes(client):
    person = cf.user("many@example.org")
    cohort = f.cohort("aslp-many-0")
    cf.application(cohort, person, status=ApplicationStatus.CONFIRMED)
    second = f.cohort("aslp-many-1")
    cf.application(second, person, status=ApplicationStatus.CONFIRMED)
    client.force_login(person)
    client.get("/my-programme/")  # warm the session and caches
    two = _queries(client, "/my-programme/")
    for n in range(2, 5):
        cf.application(f.cohort(f"aslp-many-{n}"), person, status=ApplicationStatus.CONFIRMED)
    assert _queries(client, "/my-programme/") == two


def test_stage_states_follow_the_cohort_dates(client):
    today = timezone.localdate()
    cohort = f.cohort(
        "aslp-late",
        pre_training_starts=today - dt.timedelta(days=90),
        pre_training_ends=today - dt.timedelta(days=60),
        workshop_starts=today - dt.timedelta(days=3),
        workshop_ends=today + dt.timedelta(days=1),
    )
    person = f.participant(cohort, "late@example.org")
    f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        stage_kind=StageKind.PRE_TRAINING,
        starts_at=timezone.now() - dt.timedelta(days=70),
    )
    client.force_login(person.user)
    html = client.get("/my-programme/aslp-late/").content.decode()
    assert re.findall(r'data-stage="(\w+)" data-state="(\w+)"', html) == [
        ("pre_training", "past"),
        ("workshop", "current"),
        ("post_training", "upcoming"),
    ]
    assert "Nothing is due at the moment." in html
    pre = html.split('data-progress="pre_training"')[1].split("</div>")[0]
    assert "Attendance: 0 of 1 past sessions (0%)" in _text_of(pre)


def test_nav_shows_my_programme_to_participants_only(client, world):
    client.force_login(world["participant"].user)
    html = client.get(reverse("cohorts:my_applications")).content.decode()
    assert '<a href="/my-programme/">My programme</a>' in html


def test_activities_of_a_stage_are_in_time_order(client, world):
    client.force_login(world["participant"].user)
    html = client.get("/my-programme/aslp-home/").content.decode()
    section = html.split('id="activities-pre_training"')[1].split("</section>")[0]
    titles = re.findall(r'/activities/\d+/">([^<]+)</a>', section)
    assert titles == [
        "Kick-off meeting",
        "Second online meeting",
        "Baseline survey",
        "Third online meeting",
        "Mid-term survey",
    ]
