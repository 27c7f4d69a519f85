"""``manage.py send_reminders``: one e-mail per participant and window (24 hours, 1 hour), in
their language and zone, never twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from cohorts.models import ApplicationStatus
from trainings.models import ActivityKind, ActivityTranslation, ReminderDelivery

from . import factories as f

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 3, 15, 9, 0, tzinfo=dt.UTC)


def _run(capture, now: dt.datetime, *extra) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_reminders", "--now", now.isoformat(), *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def world():
    cohort = f.cohort("aslp-rem", title="ASLP Reminder Cohort")
    group_a = f.group(cohort, "Group A")
    group_b = f.group(cohort, "Group B")
    korean = f.participant(
        cohort, "minji@example.org", time_zone="Asia/Seoul", language="ko", group=group_a
    )
    lima = f.participant(cohort, "lucia@example.org", time_zone="America/Lima", group=group_b)
    meeting = f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        title="Kick-off meeting",
        starts_at=START,
        online_url="https://meet.example.org/kick-off",
    )
    ActivityTranslation.objects.create(activity=meeting, language_code="ko", title="발대식")
    return {"cohort": cohort, "korean": korean, "lima": lima, "meeting": meeting, "b": group_b}


def test_running_twice_sends_one_email_per_participant_per_window(
    world, django_capture_on_commit_callbacks
):
    first = _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=23))
    assert first.strip() == "2 reminder(s) sent."
    assert sorted(m.to[0] for m in mail.outbox) == ["lucia@example.org", "minji@example.org"]
    again = _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=20))
    assert again.strip() == "0 reminder(s) sent."
    assert len(mail.outbox) == 2

    # Within the hour: the second reminder, once.
    _run(django_capture_on_commit_callbacks, START - dt.timedelta(minutes=50))
    _run(django_capture_on_commit_callbacks, START - dt.timedelta(minutes=20))
    assert len(mail.outbox) == 4
    assert sorted(ReminderDelivery.objects.values_list("participant__user__email", "window")) == [
        ("lucia@example.org", "1h"),
        ("lucia@example.org", "24h"),
        ("minji@example.org", "1h"),
        ("minji@example.org", "24h"),
    ]


def test_reminder_is_in_the_participants_language_and_zone(
    world, django_capture_on_commit_callbacks
):
    _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=5))
    by_address = {m.to[0]: m for m in mail.outbox}
    korean = by_address["minji@example.org"]
    assert "발대식" in korean.subject
    assert "2030년 3월 15일 6:00 오후 (Asia/Seoul)" in korean.body
    assert "https://meet.example.org/kick-off" in korean.body
    meeting = world["meeting"]
    assert f"http://testserver/ko/my-programme/aslp-rem/activities/{meeting.pk}/" in korean.body

    lima = by_address["lucia@example.org"]
    assert lima.subject == "Tomorrow: Kick-off meeting"
    assert (
        "Starts: March 15, 2030, 4 a.m. (America/Lima), that is March 15, 2030, 6 p.m. (Asia/Seoul)"
    ) in lima.body
    assert f"http://testserver/my-programme/aslp-rem/activities/{meeting.pk}/" in lima.body


def test_within_the_hour_subject(world, django_capture_on_commit_callbacks):
    _run(django_capture_on_commit_callbacks, START - dt.timedelta(minutes=30))
    lima = next(m for m in mail.outbox if m.to == ["lucia@example.org"])
    assert lima.subject == "Starting within the hour: Kick-off meeting"
    # Only the 1-hour reminder: the 24-hour one is not sent late as well.
    assert list(ReminderDelivery.objects.values_list("window", flat=True).distinct()) == ["1h"]


def test_nothing_for_activities_far_ahead_or_started(world, django_capture_on_commit_callbacks):
    far = _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=24, minutes=1))
    assert far.strip() == "0 reminder(s) sent."
    started = _run(django_capture_on_commit_callbacks, START + dt.timedelta(minutes=1))
    assert started.strip() == "0 reminder(s) sent."
    at_start = _run(django_capture_on_commit_callbacks, START)
    assert at_start.strip() == "0 reminder(s) sent."
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_group_sessions_and_withdrawn_participants(world, django_capture_on_commit_callbacks):
    world["meeting"].delete()
    f.activity(
        world["cohort"],
        ActivityKind.GROUP_ACTIVITY,
        title="Group B visit",
        starts_at=START,
        group=world["b"],
    )
    gone = f.participant(world["cohort"], "gone@example.org")
    gone.application.status = ApplicationStatus.WITHDRAWN
    gone.application.save()
    _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=2))
    assert [m.to for m in mail.outbox] == [["lucia@example.org"]]


def test_dry_run_records_and_sends_nothing(world, django_capture_on_commit_callbacks):
    out = _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=2), "--dry-run")
    assert "Would remind minji@example.org (24h): Kick-off meeting" in out
    assert out.strip().endswith("2 reminder(s) would be sent (dry run).")
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_a_run_stopped_half_way_completes_without_repeats(
    world, django_capture_on_commit_callbacks
):
    # The first run recorded (and sent) Minji's reminder, then stopped.
    ReminderDelivery.objects.create(
        activity=world["meeting"], participant=world["korean"], window="24h"
    )
    _run(django_capture_on_commit_callbacks, START - dt.timedelta(hours=3))
    assert [m.to for m in mail.outbox] == [["lucia@example.org"]]


def test_now_must_be_a_moment_with_a_zone(world):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--now", "tomorrow")
    with pytest.raises(CommandError):
        call_command("send_reminders", "--now", "2030-03-15T08:00")
