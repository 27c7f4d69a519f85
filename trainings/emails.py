"""E-mails to participants, each rendered in the participant's language with times in their
zone and in the cohort's (or the venue's), sent as a background task once the surrounding
transaction commits.

Templates live in ``templates/trainings/email/<name>_subject.txt`` and ``<name>_body.txt``;
their context has ``participant``, ``cohort``, ``language``, ``zone`` (the participant's zone)
plus what the caller adds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from cohorts.emails import absolute_url
from cohorts.tasks import deliver_email

from .models import Participant


def participant_language(participant: Participant) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = participant.language
    return language if language in codes else settings.LANGUAGE_CODE


def render_for(
    participant: Participant, name: str, context: dict[str, Any] | None = None
) -> tuple[str, str]:
    """(subject, body) of template ``name`` for ``participant``, in their language."""
    language = participant_language(participant)
    with translation.override(language):
        ctx = {
            "participant": participant,
            "cohort": participant.cohort,
            "language": language,
            "zone": participant.time_zone,
            "site_url": absolute_url(""),
            **(context or {}),
        }
        subject = render_to_string(f"trainings/email/{name}_subject.txt", ctx)
        body = render_to_string(f"trainings/email/{name}_body.txt", ctx)
    return " ".join(subject.split()), body.strip() + "\n"


def send_text(to: str, subject: str, body: str) -> None:
    """Queue one rendered e-mail for after the commit."""
    transaction.on_commit(lambda: deliver_email.enqueue(subject=subject, body=body, to=[to]))


def send_to_participant(
    participant: Participant, name: str, context: dict[str, Any] | None = None
) -> tuple[str, str]:
    subject, body = render_for(participant, name, context)
    send_text(participant.user.email, subject, body)
    return subject, body


__all__ = ["absolute_url", "participant_language", "render_for", "send_text", "send_to_participant"]
