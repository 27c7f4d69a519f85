"""Attendance pages for a cohort's organizers: the sessions and participants with their rates,
the check-in screen of one session (made for a phone), badge scans, and one participant's
attendance with its corrections.

Every page is for the cohort's organizers (``organizer_required`` plus the ``*_or_404`` helpers
of ``trainings.permissions``); another cohort's pages, sessions and participants answer 404.
The rules (who can be recorded, late after 15 minutes, rates) are in ``trainings.attendance``.
"""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import ModelLogEntry

from .. import attendance, permissions
from ..forms_attendance import SORTS, BadgeCodeForm, CheckInForm, SearchForm, SortForm
from ..models import ATTENDED, Attendance, AttendanceStatus, Participant
from ..permissions import organizer_required

LATE_AFTER_MINUTES = int(attendance.LATE_AFTER.total_seconds() // 60)


def _name(participant: Participant) -> str:
    return participant.application.display_name or str(participant.user_id)


def _search_text(participant: Participant) -> str:
    application = participant.application
    parts = (application.given_names, application.family_name, application.native_name)
    return " ".join(part for part in parts if part).casefold()


def _session_or_404(request, cohort, pk):
    session = permissions.organizer_activity_or_404(request.user, cohort, pk)
    if not attendance.is_attendance_session(session):
        raise Http404
    return session


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# -- Attendance home ---------------------------------------------------------------------------


@organizer_required
@require_safe
def attendance_home(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    zone_name = attendance.session_zone(cohort)
    zone = zoneinfo.ZoneInfo(zone_name)
    sessions = list(attendance.attendance_sessions(cohort))
    counts = attendance.session_counts(cohort, sessions)

    stages: dict[int, dict] = {}
    for session in sessions:
        stage = stages.setdefault(
            session.stage_id, {"stage": session.stage, "days": {}, "order": session.stage.order}
        )
        day = timezone.localtime(session.starts_at, zone).date()
        stage["days"].setdefault(day, []).append({"session": session, **counts[session.pk]})
    stage_list = [
        {"stage": entry["stage"], "days": list(entry["days"].items())}
        for entry in sorted(stages.values(), key=lambda entry: entry["order"])
    ]

    participants = list(attendance.active_participants(cohort))
    rates = attendance.participant_rates(cohort, participants, sessions)
    sort_form = SortForm(request.GET)
    sort = sort_form.sort_value()
    rows = [{"participant": p, "name": _name(p), "rate": rates[p.pk]} for p in participants]
    if sort == "rate":
        rows.sort(key=lambda row: (row["rate"].sort_key, row["name"].casefold()))
    elif sort == "-rate":
        rows.sort(key=lambda row: (-row["rate"].sort_key, row["name"].casefold()))
    started = attendance.started(sessions)
    return render(
        request,
        "trainings/attendance/home.html",
        {
            "cohort": cohort,
            "stages": stage_list,
            "session_count": len(sessions),
            "started_count": len(started),
            "zone_name": zone_name,
            "rows": rows,
            "sort": sort,
            "sorts": SORTS,
            "sort_form": sort_form,
            "statuses": attendance.STATUS_ORDER,
        },
    )


# -- Check-in screen ---------------------------------------------------------------------------


def _counter(session, participants=None) -> dict:
    """How many of the participants meant for the session are checked in (present or late)."""
    if participants is None:
        meant = attendance.participants_for(session)
        total = meant.count()
        checked_in = Attendance.objects.filter(
            activity=session, status__in=ATTENDED, participant__in=meant
        ).count()
    else:
        total = len(participants)
        checked_in = sum(1 for row in participants if row["status"] in ATTENDED)
    return {
        "checked_in": checked_in,
        "total": total,
        "text": _("%(checked_in)s of %(total)s checked in")
        % {
            "checked_in": checked_in,
            "total": total,
        },
    }


def _checkin_url(cohort, session, query: str = "", anchor: str = "") -> str:
    url = reverse("trainings:checkin", kwargs={"slug": cohort.slug, "pk": session.pk})
    if query:
        url += "?" + urlencode({"q": query})
    if anchor:
        url += "#" + anchor
    return url


def _result(
    request, cohort, session, *, json_mode, ok, message, status=200, participant=None, row=None
):
    """The answer to a tap or a scan: JSON for the page's script, else back to the page with
    the message."""
    if json_mode:
        data = {"ok": ok, "message": message, "name": "", "status": "", "status_label": ""}
        if participant is not None:
            data["name"] = _name(participant)
            data["participant"] = participant.pk
        if row is not None:
            data["status"] = row.status
            data["status_label"] = row.get_status_display()
        data["counter"] = _counter(session)
        return JsonResponse(data, status=status)
    (messages.success if ok else messages.error)(request, message)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    anchor = f"participant-{participant.pk}" if participant is not None else ""
    return HttpResponseRedirect(
        _checkin_url(cohort, session, request.POST.get("q", "")[:100], anchor)
    )


def _tap_message(outcome, participant) -> str:
    values = {"name": _name(participant), "status": outcome.attendance.get_status_display()}
    if outcome.created:
        return _("%(name)s: %(status)s.") % values
    if outcome.changed:
        return _("%(name)s: changed to %(status)s.") % values
    return _("%(name)s was already %(status)s.") % values


@organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    session = _session_or_404(request, cohort, pk)

    if request.method == "POST":
        form = CheckInForm(request.POST)
        if not form.is_valid():
            return _result(
                request,
                cohort,
                session,
                json_mode=_wants_json(request),
                ok=False,
                status=400,
                message=_("Choose a status."),
            )
        try:
            participant = permissions.organizer_participant_or_404(
                request.user, cohort, form.cleaned_data["participant"]
            )
            note = form.cleaned_data["note"] if "note" in request.POST else None
            outcome = attendance.record(
                session, participant, form.cleaned_data["status"], request.user, note=note
            )
        except (Http404, attendance.NotMeantForSession):
            if _wants_json(request):
                return JsonResponse(
                    {
                        "ok": False,
                        "message": _("This person is not a participant of this session."),
                    },
                    status=404,
                )
            raise Http404 from None
        return _result(
            request,
            cohort,
            session,
            json_mode=_wants_json(request),
            ok=True,
            message=_tap_message(outcome, participant),
            participant=participant,
            row=outcome.attendance,
        )

    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    participants = list(attendance.participants_for(session))
    recorded = attendance.statuses_by_participant(session)
    rows = []
    for participant in participants:
        row = recorded.get(participant.pk)
        rows.append(
            {
                "participant": participant,
                "name": _name(participant),
                "search": _search_text(participant),
                "attendance": row,
                "status": row.status if row else "",
            }
        )
    counter = _counter(session, rows)
    needle = query.casefold()
    shown = [row for row in rows if needle in row["search"]] if needle else rows
    now = timezone.now()
    return render(
        request,
        "trainings/attendance/checkin.html",
        {
            "cohort": cohort,
            "session": session,
            "zone_name": attendance.session_zone(cohort),
            "rows": shown,
            "row_count": len(rows),
            "query": query,
            "search_form": search,
            "badge_form": BadgeCodeForm(),
            "counter": counter,
            "statuses": attendance.STATUS_ORDER,
            "late_after": LATE_AFTER_MINUTES,
            "late_from": session.starts_at + attendance.LATE_AFTER,
            "scans_late": now > session.starts_at + attendance.LATE_AFTER,
        },
    )


@organizer_required
@require_POST
def checkin_scan(request, slug, pk):
    """A badge's code, scanned or typed: marks its participant present (or late)."""
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    session = _session_or_404(request, cohort, pk)
    json_mode = request.POST.get("via") != "form"
    form = BadgeCodeForm(request.POST)
    if not form.is_valid():
        return _result(
            request,
            cohort,
            session,
            json_mode=json_mode,
            ok=False,
            status=400,
            message=_("This is not a badge code."),
        )
    try:
        participant = permissions.organizer_participant_by_badge_or_404(
            request.user, cohort, form.cleaned_data["code"]
        )
    except Http404:
        return _result(
            request,
            cohort,
            session,
            json_mode=json_mode,
            ok=False,
            status=404,
            message=_("No participant of this cohort has this badge."),
        )
    try:
        outcome = attendance.record(
            session,
            participant,
            attendance.scan_status(session),
            request.user,
            never_lower=True,
        )
    except attendance.NotMeantForSession:
        return _result(
            request,
            cohort,
            session,
            json_mode=json_mode,
            ok=False,
            status=409,
            participant=participant,
            message=_("%(name)s is not in this session's group: not checked in.")
            % {"name": _name(participant)},
        )
    return _result(
        request,
        cohort,
        session,
        json_mode=json_mode,
        ok=True,
        message=_tap_message(outcome, participant),
        participant=participant,
        row=outcome.attendance,
    )


# -- One participant --------------------------------------------------------------------------


@organizer_required
@require_safe
def attendance_participant(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    participant = permissions.organizer_participant_or_404(request.user, cohort, pk)
    all_sessions = list(attendance.attendance_sessions(cohort))
    records = {
        row.activity_id: row
        for row in Attendance.objects.filter(
            participant=participant, activity__in=[s.pk for s in all_sessions]
        ).select_related("recorded_by")
    }
    meant = [s for s in all_sessions if attendance.is_meant_for(s, participant)]
    sessions = [s for s in all_sessions if s in meant or s.pk in records]
    rate = attendance.participant_rates(cohort, [participant], meant)[participant.pk]
    now = timezone.now()
    rows = [
        {
            "session": session,
            "attendance": records.get(session.pk),
            "meant": session in meant,
            "started": session.starts_at <= now,
        }
        for session in sessions
    ]
    by_pk = {str(row.pk): row for row in records.values()}
    entries = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Attendance),
            object_id__in=list(by_pk),
        )
        .select_related("user")
        .order_by("-timestamp", "-pk")
        if by_pk
        else []
    )
    labels = dict(AttendanceStatus.choices)
    sessions_by_pk = {s.pk: s for s in all_sessions}
    history = []
    for entry in entries:
        data = entry.data or {}
        before = (data.get("before") or {}).get("status", "")
        after = (data.get("after") or {}).get("status", "")
        row = by_pk.get(entry.object_id)
        history.append(
            {
                "entry": entry,
                "is_correction": entry.action == "trainings.attendance_correct",
                "session": sessions_by_pk.get(row.activity_id) if row else None,
                "before": labels.get(before, before),
                "after": labels.get(after, after),
                "note_before": (data.get("before") or {}).get("note", ""),
                "note_after": (data.get("after") or {}).get("note", ""),
            }
        )
    return render(
        request,
        "trainings/attendance/participant.html",
        {
            "cohort": cohort,
            "participant": participant,
            "name": _name(participant),
            "rows": rows,
            "rate": rate,
            "history": history,
            "zone_name": attendance.session_zone(cohort),
            "statuses": attendance.STATUS_ORDER,
            "can_record": participant.is_active,
        },
    )
