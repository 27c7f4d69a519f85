"""E-mail participants before their meetings and sessions (for cron, every 10-15 minutes).

Two reminders per activity: one when it starts within 24 hours (window ``24h``: more than one
hour and at most 24 hours ahead) and one when it starts within the hour (window ``1h``). Each
participant meant for the activity (the whole cohort or its group; confirmed places only) gets
each reminder once, ever: the ``ReminderDelivery`` row (unique per activity, participant and
window) is written first and the e-mail is queued when that row commits. Running the command
twice, or again after it was stopped half-way, sends nothing twice. Activities that have
started get no reminder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from cohorts.templatetags.cohorts_tags import format_moment
from trainings.emails import absolute_url, participant_language, send_to_participant
from trainings.models import (
    TIMED_KINDS,
    Activity,
    Participant,
    ReminderDelivery,
    Venue,
)


@dataclass(frozen=True)
class Window:
    name: str
    # Sent when the activity starts after ``after`` and at most ``until`` from now.
    after: dt.timedelta
    until: dt.timedelta


WINDOWS = (
    Window("24h", dt.timedelta(hours=1), dt.timedelta(hours=24)),
    Window("1h", dt.timedelta(0), dt.timedelta(hours=1)),
)


def _reference_zone(activity: Activity, venues: dict[int, Venue]) -> str:
    cohort = activity.stage.cohort
    venue = venues.get(cohort.pk)
    if activity.is_workshop_session and venue is not None:
        return venue.time_zone
    return cohort.time_zone


def reminder_context(
    participant: Participant, activity: Activity, window: str, reference_zone: str
) -> dict:
    """What the reminder e-mail says, with texts and times in the participant's language."""
    with translation.override(participant_language(participant)):
        cohort = participant.cohort
        path = reverse("trainings:activity", kwargs={"slug": cohort.slug, "pk": activity.pk})
        return {
            "window": window,
            "activity": activity,
            "name": participant.application.display_name or str(participant.user),
            "title": activity.translated("title"),
            "cohort_title": cohort.translated("title") or cohort.title,
            "starts": format_moment(activity.starts_at, participant.time_zone),
            "starts_reference": format_moment(activity.starts_at, reference_zone),
            "room": activity.room,
            "online_url": activity.online_url,
            "link": absolute_url(path),
        }


def due_activities(now: dt.datetime, window: Window) -> list[Activity]:
    return list(
        Activity.objects.filter(
            kind__in=TIMED_KINDS,
            starts_at__gt=now + window.after,
            starts_at__lte=now + window.until,
        )
        .select_related("stage", "stage__cohort", "group")
        .prefetch_related("translations", "stage__cohort__translations")
        .order_by("starts_at", "pk")
    )


def recipients(activity: Activity) -> list[Participant]:
    # A whole-cohort activity is meant for everyone; a group's for its members only.
    meant_for = Q() if activity.group_id is None else Q(group_id=activity.group_id)
    return list(
        Participant.objects.active()
        .filter(meant_for, cohort_id=activity.stage.cohort_id)
        .select_related("application", "user", "cohort")
        .order_by("pk")
    )


class Command(BaseCommand):
    help = (
        "E-mail each participant before their online meetings and workshop sessions: once "
        "within 24 hours of the start and once within the hour. Never sends a reminder twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Act as if it were this moment (ISO 8601 with a zone, e.g. 2026-12-01T08:00Z).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get which reminder; record and send nothing.",
        )

    def handle(self, *args, **options):
        now = self._now(options.get("now"))
        dry_run = options["dry_run"]
        sent = 0
        would = 0
        for window in WINDOWS:
            activities = due_activities(now, window)
            if not activities:
                continue
            venues = {
                venue.cohort_id: venue
                for venue in Venue.objects.filter(
                    cohort_id__in={a.stage.cohort_id for a in activities}
                )
            }
            already = set(
                ReminderDelivery.objects.filter(
                    activity__in=activities, window=window.name
                ).values_list("activity_id", "participant_id")
            )
            for activity in activities:
                zone = _reference_zone(activity, venues)
                for participant in recipients(activity):
                    if (activity.pk, participant.pk) in already:
                        continue
                    participant.cohort = activity.stage.cohort
                    if dry_run:
                        would += 1
                        self.stdout.write(
                            f"Would remind {participant.user.email} ({window.name}): "
                            f"{activity.title} at {activity.starts_at.isoformat()}"
                        )
                        continue
                    if self._send(participant, activity, window.name, zone):
                        sent += 1
        if dry_run:
            self.stdout.write(f"{would} reminder(s) would be sent (dry run).")
        else:
            self.stdout.write(f"{sent} reminder(s) sent.")

    @staticmethod
    def _send(participant: Participant, activity: Activity, window: str, zone: str) -> bool:
        """Record the reminder and queue its e-mail in one transaction; False if it was
        already recorded (by an earlier or a simultaneous run)."""
        with transaction.atomic():
            _delivery, created = ReminderDelivery.objects.get_or_create(
                activity=activity, participant=participant, window=window
            )
            if created:
                send_to_participant(
                    participant, "reminder", reminder_context(participant, activity, window, zone)
                )
        return created

    @staticmethod
    def _now(value: str | None) -> dt.datetime:
        if not value:
            return timezone.now()
        parsed = parse_datetime(value.replace("Z", "+00:00") if value.endswith("Z") else value)
        if parsed is None:
            raise CommandError(f"--now: not an ISO 8601 date and time: {value!r}")
        if timezone.is_naive(parsed):
            raise CommandError("--now: give a time zone (e.g. Z or +09:00).")
        return parsed
