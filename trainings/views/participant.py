"""The participant's pages ("My programme"): their cohort's stages and activities, what is due
next and their progress, one activity with its calendar file, and the personal calendar feed.

Participants reach their own cohort's pages only, and only the activities meant for them (the
whole cohort's and their own group's); anything else answers 404. The feed is reached by the
secret token in its address (calendar apps cannot sign in); renewing the token ends the old
address.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from cohorts import audit

from .. import calendar as ics
from .. import permissions, progress
from ..emails import absolute_url
from ..models import Activity, Participant, Venue


def _venue(cohort) -> Venue | None:
    return Venue.objects.filter(cohort=cohort).prefetch_related("translations").first()


def reference_zone(activity: Activity, cohort, venue: Venue | None) -> str:
    """The zone an activity is set in: the venue's for workshop sessions, else the cohort's."""
    if activity.is_workshop_session and venue is not None:
        return venue.time_zone
    return cohort.time_zone


def _calendar_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- Home and programme ------------------------------------------------------------------------


@permissions.participant_required
@require_GET
def home(request):
    """The signed-in person's programmes: straight to it when there is one."""
    found = list(permissions.participations(request.user))
    if len(found) == 1:
        return redirect("trainings:programme", slug=found[0].cohort.slug)
    return render(request, "trainings/participant/home.html", {"participations": found})


@permissions.participant_required
@require_GET
def programme(request, slug):
    # The certificate card: assessments builds on trainings, so imported here, not at the top.
    from assessments.issuing import current_certificate

    participant = permissions.participant_or_404(request.user, slug)
    cohort = participant.cohort
    venue = _venue(cohort)
    loaded = progress.load_programme(participant)
    for activity in loaded.activities:
        activity.zone = reference_zone(activity, cohort, venue)
    return render(
        request,
        "trainings/participant/programme.html",
        {
            "participant": participant,
            "cohort": cohort,
            "venue": venue,
            "programme": loaded,
            "stages": loaded.stages,
            "next_session": loaded.next_session,
            "next_due": loaded.next_due,
            "done_ids": loaded.done_ids,
            "certificate": current_certificate(participant),
        },
    )


@permissions.participant_required
@require_GET
def activity(request, slug, pk):
    participant = permissions.participant_or_404(request.user, slug)
    found = permissions.participant_activity_or_404(participant, pk)
    found = (
        Activity.objects.select_related("stage", "group")
        .prefetch_related("translations")
        .get(pk=found.pk)
    )
    cohort = participant.cohort
    found.stage.cohort = cohort
    venue = _venue(cohort)
    speakers = list(found.speakers.prefetch_related("translations").order_by("name"))
    return render(
        request,
        "trainings/participant/activity.html",
        {
            "participant": participant,
            "cohort": cohort,
            "activity": found,
            "stage": found.stage,
            "venue": venue if found.is_workshop_session else None,
            "zone": reference_zone(found, cohort, venue),
            "speakers": speakers,
            "has_ended": progress.has_ended(found, timezone.now()),
        },
    )


@permissions.participant_required
@require_GET
def activity_ics(request, slug, pk):
    participant = permissions.participant_or_404(request.user, slug)
    found = permissions.participant_activity_or_404(participant, pk)
    if not (found.is_timed and found.starts_at):
        raise Http404
    found = Activity.objects.prefetch_related("translations").get(pk=found.pk)
    content = ics.activity_ics(participant, found, _venue(participant.cohort))
    return _calendar_response(content, ics.filename(found), attachment=True)


# -- The calendar feed -------------------------------------------------------------------------


def feed_urls(participant: Participant) -> tuple[str, str]:
    """The feed's address as (https, webcal) absolute URLs."""
    https = absolute_url(
        reverse("trainings:calendar_feed", kwargs={"token": participant.calendar_token})
    )
    _scheme, rest = https.split("://", 1)
    return https, f"webcal://{rest}"


@permissions.participant_required
@require_http_methods(["GET", "POST"])
def calendar(request, slug):
    participant = permissions.participant_or_404(request.user, slug)
    if request.method == "POST":
        with transaction.atomic():
            locked = Participant.objects.select_for_update().get(pk=participant.pk)
            locked.calendar_token = secrets.token_urlsafe(24)
            locked.save(update_fields=["calendar_token"])
            # The token is a secret: the log says that it changed, never what it is.
            audit.record(locked, "trainings.calendar_renew", request.user)
        messages.success(
            request,
            _(
                "Your calendar has a new address. The old one no longer works: add the new "
                "one to your calendar app."
            ),
        )
        return redirect("trainings:calendar", slug=slug)
    https, webcal = feed_urls(participant)
    return render(
        request,
        "trainings/participant/calendar.html",
        {
            "participant": participant,
            "cohort": participant.cohort,
            "feed_https": https,
            "feed_webcal": webcal,
        },
    )


@require_safe
def calendar_feed(request, token):
    """Public by its secret address: made afresh on every request, never cached."""
    participant = permissions.participant_by_calendar_token_or_404(token)
    activities = list(progress.activities_for(participant))
    content = ics.feed_ics(participant, activities, _venue(participant.cohort))
    return _calendar_response(content, "programme.ics", attachment=False)


__all__ = ["home", "programme", "activity", "activity_ics", "calendar", "calendar_feed"]
