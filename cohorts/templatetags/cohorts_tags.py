"""Template helpers shared by the cohorts pages: moments in two zones, translated fields, the
programme navigation by role."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from cohorts import permissions

register = template.Library()


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def format_moment(moment, zone_name: str) -> str:
    """``moment`` in the given zone, in the active language's format, with the zone's name."""
    zone = _zone(zone_name) or zoneinfo.ZoneInfo("UTC")
    local = timezone.localtime(moment, zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone_name})"


@register.simple_tag(takes_context=True)
def dual_time(context, moment, cohort_zone: str, countdown: bool = False):
    """A moment in the reader's zone and in the cohort's zone (R6).

    The reader's zone is their profile's when signed in; the browser's zone is added by
    ``local-time.js`` for everyone (``data-local-time``).
    """
    if not moment:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    reader_zone = getattr(user, "time_zone", "") if user and user.is_authenticated else ""
    iso = moment.isoformat()
    cohort_text = format_moment(moment, cohort_zone)
    if reader_zone and reader_zone != cohort_zone and _zone(reader_zone):
        shown = format_html(
            '<time datetime="{}">{}</time> <span class="moment__other">/ {}</span>',
            iso,
            format_moment(moment, reader_zone),
            cohort_text,
        )
    else:
        shown = format_html('<time datetime="{}">{}</time>', iso, cohort_text)
    extra = format_html(
        '<span class="local-time" data-local-time="{}" hidden> · <span class="local-time__value">'
        "</span></span>",
        iso,
    )
    if countdown:
        extra += format_html(
            ' <span class="countdown" data-countdown="{}" aria-live="off" hidden></span>', iso
        )
    return format_html('<span class="moment">{}{}</span>', shown, extra)


@register.filter
def translated(obj, field: str) -> str:
    """``{{ cohort|translated:"title" }}``: the field in the active language."""
    return obj.translated(field) if obj is not None else ""


@register.inclusion_tag("cohorts/includes/programme_nav.html", takes_context=True)
def programme_nav(context):
    """Links to the programme areas the signed-in person has a role in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    if user is None or not user.is_authenticated:
        return {"links": []}
    links = [("cohorts:my_applications", "applications", "my_applications")]
    from trainings.permissions import participations

    if participations(user).exists():
        # The url names of the participant's pages are plain words ("programme", "activity"):
        # mark the link current by the exact page rather than by a prefix.
        match = getattr(request, "resolver_match", None)
        own_pages = {"home", "programme", "activity", "calendar"}
        mine = getattr(match, "namespace", "") == "trainings" and current in own_pages
        links.insert(0, ("trainings:home", "programme", current if mine else "\x00"))
    if permissions.is_coordinator(user):
        links.append(("cohorts:coordinator_home", "coordinate", "coordinator_"))
    if permissions.is_reviewer(user):
        links.append(("cohorts:review_queue", "review", "review_"))
    if permissions.is_organizer(user):
        links.append(("cohorts:manage_home", "manage", "manage_"))
    return {"links": links, "current": current}
