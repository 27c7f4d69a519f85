"""Announcements: a message from organizers to a cohort, a group or an economy's participants.

Each active participant of the audience gets one copy, rendered in their language (the
announcement's translation into that language when the organizer wrote one, else English).
Every copy is logged as an ``AnnouncementDelivery`` (unique per announcement and participant),
so sending the same announcement again reaches only those who have no copy yet.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cohorts import audit

from . import emails
from .models import Announcement, AnnouncementDelivery, Audience, Participant


def recipients(cohort, audience: str, *, group=None, economy=None) -> QuerySet[Participant]:
    """The active participants an announcement with this audience reaches."""
    found = Participant.objects.active().filter(cohort=cohort)
    if audience == Audience.GROUP:
        found = found.filter(group=group) if group is not None else found.none()
    elif audience == Audience.ECONOMY:
        found = found.filter(application__economy=economy) if economy is not None else found.none()
    elif audience != Audience.COHORT:
        found = found.none()
    return found


def announcement_recipients(announcement: Announcement) -> QuerySet[Participant]:
    return recipients(
        announcement.cohort,
        announcement.audience,
        group=announcement.group,
        economy=announcement.economy,
    )


def texts_for(announcement: Announcement, language: str) -> tuple[str, str]:
    """(subject, message) in ``language``: its translation when both are given, else English."""
    for row in announcement.translations.all():
        if row.language_code == language and row.subject.strip() and row.body.strip():
            return row.subject, row.body
    return announcement.subject, announcement.body


def send(announcement: Announcement, user) -> list[AnnouncementDelivery]:
    """Send a copy to every recipient who has none yet; returns the new copies (idempotent)."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update()
            .select_related("cohort")
            .get(pk=announcement.pk)
        )
        already = set(announcement.deliveries.values_list("participant_id", flat=True))
        people = (
            announcement_recipients(announcement)
            .exclude(pk__in=already)
            .select_related("application", "user", "cohort")
            .order_by("pk")
        )
        translations = list(announcement.translations.all())
        # texts_for reads the prefetched rows: no query per recipient.
        announcement._prefetched_objects_cache = {"translations": translations}
        now = timezone.now()
        made = []
        for person in people:
            language = emails.participant_language(person)
            subject, body = texts_for(announcement, language)
            emails.send_to_participant(
                person,
                "announcement",
                {
                    "announcement": announcement,
                    "announcement_subject": subject,
                    "announcement_body": body,
                },
            )
            made.append(
                AnnouncementDelivery(
                    announcement=announcement,
                    participant=person,
                    email=person.user.email,
                    language=language,
                    sent_at=now,
                )
            )
        AnnouncementDelivery.objects.bulk_create(made)
        first_send = announcement.sent_at is None
        if first_send:
            announcement.sent_at = now
            announcement.save(update_fields=["sent_at"])
        if not made and not first_send:
            return made
        audit.record(
            announcement,
            "trainings.announcement_send",
            user,
            before={"copies": len(already)},
            after={"copies": len(already) + len(made)},
            audience=announcement.audience,
            group=announcement.group,
            economy=announcement.economy,
        )
    return made


__all__ = ["announcement_recipients", "recipients", "send", "texts_for"]
