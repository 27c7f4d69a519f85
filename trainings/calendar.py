"""Calendar files (RFC 5545, built with ``icalendar``): one activity's ``.ics`` download and a
participant's feed of every activity meant for them.

Times are written in UTC (``DTSTART:20261215T090000Z``): the instant is exact whatever the
reader's calendar zone. Each activity keeps the same UID in every file (``activity-<pk>@<host>``)
so calendars update an event instead of adding a copy; deadlines get ``due-<pk>@<host>``.
Texts are in the participant's language; the meeting link is included (the files are the
participant's own).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .emails import absolute_url, participant_language
from .models import Activity, Participant, Venue

PRODID = "-//APEC School Leadership Program//Programme calendar//EN"


def _host() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def activity_uid(activity: Activity) -> str:
    return f"activity-{activity.pk}@{_host()}"


def due_uid(activity: Activity) -> str:
    return f"due-{activity.pk}@{_host()}"


def activity_url(activity: Activity, slug: str) -> str:
    return absolute_url(reverse("trainings:activity", kwargs={"slug": slug, "pk": activity.pk}))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _location(activity: Activity, venue: Venue | None) -> str:
    parts = []
    if activity.room:
        parts.append(activity.room)
    if activity.is_workshop_session and venue is not None:
        parts.append(venue.translated("name") or venue.name)
        parts.append(" ".join((venue.translated("address") or venue.address).split()))
    if not parts and activity.online_url:
        parts.append(activity.online_url)
    return ", ".join(part for part in parts if part)


def _description(activity: Activity, page: str) -> str:
    lines = []
    text = activity.display_description
    if text:
        lines.append(text.strip())
    if activity.online_url:
        lines.append(_("Online meeting link: %(url)s") % {"url": activity.online_url})
    lines.append(_("Details: %(url)s") % {"url": page})
    return "\n\n".join(lines)


def _calendar(name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def activity_event(
    activity: Activity, slug: str, venue: Venue | None, stamp: dt.datetime
) -> icalendar.Event:
    """The VEVENT of a meeting or session (translated in the active language)."""
    page = activity_url(activity, slug)
    event = icalendar.Event()
    event.add("uid", activity_uid(activity))
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(activity.starts_at))
    event.add("dtend", _utc(activity.ends_at or activity.starts_at))
    event.add("summary", activity.display_title)
    event.add("description", _description(activity, page))
    location = _location(activity, venue)
    if location:
        event.add("location", location)
    event.add("url", page)
    event.add("last-modified", _utc(activity.updated_at))
    return event


def due_event(activity: Activity, slug: str, stamp: dt.datetime) -> icalendar.Event:
    """A deadline as an event at its exact moment (no duration)."""
    page = activity_url(activity, slug)
    event = icalendar.Event()
    event.add("uid", due_uid(activity))
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(activity.due_at))
    event.add("summary", _("Due: %(title)s") % {"title": activity.display_title})
    event.add("description", _description(activity, page))
    event.add("url", page)
    event.add("transp", "TRANSPARENT")
    event.add("last-modified", _utc(activity.updated_at))
    return event


def activity_ics(participant: Participant, activity: Activity, venue: Venue | None) -> bytes:
    """The ``.ics`` file of one meeting or session, in the participant's language."""
    with translation.override(participant_language(participant)):
        calendar = _calendar()
        calendar.add_component(
            activity_event(activity, participant.cohort.slug, venue, timezone.now())
        )
        return calendar.to_ical()


def feed_ics(participant: Participant, activities: list[Activity], venue: Venue | None) -> bytes:
    """The participant's feed: every meeting and session meant for them and every deadline."""
    stamp = timezone.now()
    slug = participant.cohort.slug
    with translation.override(participant_language(participant)):
        calendar = _calendar(participant.cohort.translated("title") or participant.cohort.title)
        calendar.add("x-wr-timezone", participant.time_zone)
        calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
        for activity in activities:
            if activity.is_timed and activity.starts_at:
                calendar.add_component(activity_event(activity, slug, venue, stamp))
            elif activity.due_at:
                calendar.add_component(due_event(activity, slug, stamp))
        return calendar.to_ical()


def filename(activity: Activity) -> str:
    return f"activity-{activity.pk}.ics"
