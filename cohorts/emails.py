"""E-mails of the cohorts app, written in the recipient's language.

:func:`send_message` picks the organizers' template for the kind and language (a cohort's own
first, then the one for every cohort), else the built-in text in
``templates/cohorts/email/<kind>_subject.txt`` and ``<kind>_body.txt``. Sending is queued as a
background task once the surrounding transaction commits, so a rolled-back decision sends nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Application, Cohort, MessageKind, MessageTemplate
from .tasks import deliver_email
from .templatetags.cohorts_tags import format_moment

PLACEHOLDERS = (
    "name",
    "cohort",
    "programme",
    "reference",
    "economy",
    "deadline",
    "deadline_cohort_zone",
    "link",
)


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def language_for(application: Application | None = None, user=None) -> str:
    """The recipient's language: the application's preferred one, else their account's."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (
        getattr(application, "preferred_language", ""),
        getattr(getattr(application, "applicant", None), "preferred_language", ""),
        getattr(user, "preferred_language", ""),
    ):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def zone_for(application: Application | None = None, user=None) -> str:
    return (
        getattr(application, "time_zone", "")
        or getattr(getattr(application, "applicant", None), "time_zone", "")
        or getattr(user, "time_zone", "")
        or "UTC"
    )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, Any]) -> str:
    """Replace ``{placeholder}`` by its value; unknown names and stray braces stay as typed."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def application_values(application: Application, language: str, link_path: str = "") -> dict:
    cohort = application.cohort
    reader_zone = zone_for(application)
    deadline = application.offer_deadline or cohort.closes_at
    with translation.override(language):
        return {
            "name": application.display_name or application.applicant.email,
            "cohort": cohort.translated("title", language),
            "programme": cohort.programme.translated("title", language),
            "reference": application.reference or "",
            "economy": application.economy.localized_name(language) if application.economy else "",
            "deadline": format_moment(deadline, reader_zone),
            "deadline_cohort_zone": format_moment(deadline, cohort.time_zone),
            "link": absolute_url(link_path) if link_path else "",
        }


def find_template(kind: str, language: str, cohort: Cohort | None) -> MessageTemplate | None:
    candidates = MessageTemplate.objects.filter(kind=kind, language_code=language).filter(
        Q(cohort=cohort) | Q(cohort__isnull=True)
    )
    # A cohort's own template first.
    return sorted(candidates, key=lambda t: t.cohort_id is None)[0] if candidates else None


def render_message(
    kind: str, language: str, cohort: Cohort | None, values: dict[str, Any], context=None
) -> tuple[str, str]:
    """(subject, body) in ``language``."""
    with translation.override(language):
        template = find_template(kind, language, cohort)
        if template is not None:
            subject, body = fill(template.subject, values), fill(template.body, values)
        else:
            ctx = {**values, **(context or {}), "language": language}
            subject = render_to_string(f"cohorts/email/{kind}_subject.txt", ctx)
            body = render_to_string(f"cohorts/email/{kind}_body.txt", ctx)
    return " ".join(subject.split()), body.strip() + "\n"


def send_message(
    kind: str,
    *,
    to: str,
    language: str,
    cohort: Cohort | None,
    values: dict[str, Any],
    context: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """Render now, send after the transaction commits (as a background task)."""
    subject, body = render_message(kind, language, cohort, values, context)
    transaction.on_commit(lambda: deliver_email.enqueue(subject=subject, body=body, to=[to]))
    return subject, body


def send_application_message(
    kind: str, application: Application, *, link_path: str | None = None, context=None
):
    """A message about an application to its applicant, in their language."""
    language = language_for(application)
    if link_path is None:
        with translation.override(language):
            link_path = reverse("cohorts:status", kwargs={"slug": application.cohort.slug})
    values = application_values(application, language, link_path)
    return send_message(
        kind,
        to=application.applicant.email,
        language=language,
        cohort=application.cohort,
        values=values,
        context={"application": application, **(context or {})},
    )


__all__ = [
    "MessageKind",
    "PLACEHOLDERS",
    "absolute_url",
    "application_values",
    "fill",
    "language_for",
    "render_message",
    "send_application_message",
    "send_message",
]
