"""Attendance: recording and corrections with their audit entries, badge scans, rates per
participant and per session, the organizers' pages per role, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cohorts.models import ApplicationStatus
from trainings import attendance
from trainings.models import ActivityKind, Attendance, AttendanceStatus

from . import factories

pytestmark = pytest.mark.django_db

PRESENT = AttendanceStatus.PRESENT
LATE = AttendanceStatus.LATE
EXCUSED = AttendanceStatus.EXCUSED
ABSENT = AttendanceStatus.ABSENT


def _ago(**delta) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


@pytest.fixture
def world():
    cohort = factories.cohort("aslp-att")
    organizer = factories.organizer(cohort, "org@example.org")
    group_a = factories.group(cohort, "Group A")
    group_b = factories.group(cohort, "Group B", 1)
    ana = factories.participant(
        cohort, "ana@example.org", family_name="Lee", given_names="Ana", group=group_a
    )
    bo = factories.participant(
        cohort,
        "bo@example.org",
        family_name="Kim",
        given_names="Bo",
        native_name="김보",
        group=group_b,
    )
    session = factories.activity(cohort, ActivityKind.LECTURE, title="Leading learning")
    return {
        "cohort": cohort,
        "organizer": organizer,
        "group_a": group_a,
        "group_b": group_b,
        "ana": ana,
        "bo": bo,
        "session": session,
    }


def _withdraw(participant):
    participant.application.status = ApplicationStatus.WITHDRAWN
    participant.application.save(update_fields=["status"])
    participant.refresh_from_db()
    return participant


def _url(name, world, **kwargs):
    return reverse(f"trainings:{name}", kwargs={"slug": world["cohort"].slug, **kwargs})


def _entries(row):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Attendance), object_id=str(row.pk)
    ).order_by("timestamp", "pk")


# -- Rates ------------------------------------------------------------------------------------


def test_rate_format_rounds_half_up():
    assert str(attendance.Rate(2, 3)) == "67%"
    assert str(attendance.Rate(1, 3)) == "33%"
    assert str(attendance.Rate(1, 8)) == "13%"  # 12.5 rounds up
    assert str(attendance.Rate(0, 4)) == "0%"
    assert str(attendance.Rate(0, 0)) == "—"
    assert attendance.Rate(0, 0).percent is None


def test_participant_rate_counts_attended_over_started_sessions_meant_for_them(world):
    cohort, organizer, ana = world["cohort"], world["organizer"], world["ana"]
    s1 = factories.activity(cohort, starts_at=_ago(days=3), title="One")
    s2 = factories.activity(cohort, starts_at=_ago(days=2), title="Two")
    s3 = factories.activity(cohort, starts_at=_ago(days=1), title="Three")
    attendance.record(s1, ana, PRESENT, organizer)
    attendance.record(s2, ana, LATE, organizer)
    attendance.record(s3, ana, ABSENT, organizer)
    # Not counted: a future session (world["session"]), a session without attendance, another
    # group's session, a survey.
    factories.activity(cohort, starts_at=_ago(days=1), title="No roll", takes_attendance=False)
    other = factories.activity(cohort, starts_at=_ago(days=1), group=world["group_b"])
    factories.activity(cohort, ActivityKind.SURVEY, due_at=_ago(days=1))
    sessions = list(attendance.attendance_sessions(cohort))
    rates = attendance.participant_rates(cohort, [ana, world["bo"]], sessions)
    assert rates[ana.pk] == attendance.Rate(2, 3)
    assert str(rates[ana.pk]) == "67%"
    # Bo: three whole-cohort sessions and his group's one, none attended.
    assert rates[world["bo"].pk] == attendance.Rate(0, 4)

    # Excused counts as not attended.
    attendance.record(s3, ana, EXCUSED, organizer)
    assert attendance.participant_rates(cohort, [ana], sessions)[ana.pk] == attendance.Rate(2, 3)
    attendance.record(other, world["bo"], PRESENT, organizer)
    assert attendance.participant_rates(cohort, [world["bo"]], sessions)[
        world["bo"].pk
    ] == attendance.Rate(1, 4)


def test_session_rate_counts_only_participants_meant_for_it(world):
    cohort, organizer = world["cohort"], world["organizer"]
    cara = factories.participant(cohort, "cara@example.org", group=world["group_a"])
    _withdraw(factories.participant(cohort, "gone@example.org"))
    group_session = factories.activity(
        cohort, starts_at=_ago(hours=1), group=world["group_a"], title="Group A work"
    )
    everyone = factories.activity(cohort, starts_at=_ago(hours=3), title="Keynote")
    attendance.record(group_session, world["ana"], PRESENT, organizer)
    attendance.record(group_session, cara, EXCUSED, organizer)
    attendance.record(everyone, world["ana"], LATE, organizer)
    attendance.record(everyone, world["bo"], ABSENT, organizer)
    counts = attendance.session_counts(cohort, [group_session, everyone])
    assert counts[group_session.pk]["meant"] == 2
    assert counts[group_session.pk]["rate"] == attendance.Rate(1, 2)
    assert counts[group_session.pk]["not_recorded"] == 0
    assert {s["value"]: s["count"] for s in counts[group_session.pk]["statuses"]} == {
        PRESENT: 1,
        LATE: 0,
        EXCUSED: 1,
        ABSENT: 0,
    }
    assert counts[everyone.pk]["meant"] == 3
    assert counts[everyone.pk]["rate"] == attendance.Rate(1, 3)
    assert str(counts[everyone.pk]["rate"]) == "33%"
    assert counts[everyone.pk]["not_recorded"] == 1
    # Moving Ana to group B after the fact takes her out of the group session's count.
    world["ana"].group = world["group_b"]
    world["ana"].save(update_fields=["group"])
    counts = attendance.session_counts(cohort, [group_session])
    assert counts[group_session.pk]["meant"] == 1
    assert counts[group_session.pk]["rate"] == attendance.Rate(0, 1)


# -- Recording and corrections ----------------------------------------------------------------


def test_first_record_and_each_correction_write_one_audit_entry(world):
    session, ana, organizer = world["session"], world["ana"], world["organizer"]
    outcome = attendance.record(session, ana, PRESENT, organizer)
    assert outcome.created
    row = outcome.attendance
    entries = list(_entries(row))
    assert [e.action for e in entries] == ["trainings.attendance"]
    assert entries[0].data["after"] == {"status": "present", "note": ""}
    assert entries[0].user == organizer

    # The same status again changes nothing and writes nothing.
    assert not attendance.record(session, ana, PRESENT, organizer).changed
    assert _entries(row).count() == 1

    attendance.record(session, ana, LATE, organizer, note="Bus delayed")
    attendance.record(session, ana, EXCUSED, organizer)
    entries = list(_entries(row))
    assert [e.action for e in entries] == [
        "trainings.attendance",
        "trainings.attendance_correct",
        "trainings.attendance_correct",
    ]
    assert entries[1].data["before"] == {"status": "present", "note": ""}
    assert entries[1].data["after"] == {"status": "late", "note": "Bus delayed"}
    assert entries[2].data["before"] == {"status": "late", "note": "Bus delayed"}
    assert entries[2].data["after"] == {"status": "excused", "note": "Bus delayed"}
    assert Attendance.objects.get().status == EXCUSED


def test_participants_not_meant_for_the_session_are_never_recorded(world):
    cohort, organizer = world["cohort"], world["organizer"]
    group_session = factories.activity(cohort, group=world["group_a"])
    other_cohort = factories.cohort("aslp-other")
    stranger = factories.participant(other_cohort, "stranger@example.org")
    withdrawn = _withdraw(factories.participant(cohort, "gone@example.org"))
    for who, session in [
        (world["bo"], group_session),
        (stranger, world["session"]),
        (withdrawn, world["session"]),
    ]:
        with pytest.raises(attendance.NotMeantForSession):
            attendance.record(session, who, PRESENT, organizer)
    assert not Attendance.objects.exists()
    assert not ModelLogEntry.objects.filter(action__startswith="trainings.attendance").exists()


def test_check_in_tap_without_js_records_and_redirects(client, world):
    client.force_login(world["organizer"])
    url = _url("checkin", world, pk=world["session"].pk)
    response = client.post(url, {"participant": world["ana"].pk, "status": "late", "q": "an"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=an#participant-{world['ana'].pk}"
    row = Attendance.objects.get()
    assert (row.participant, row.status, row.recorded_by) == (
        world["ana"],
        LATE,
        world["organizer"],
    )
    page = client.get(response["Location"])
    assert "Ana LEE: Late." in page.content.decode()
    assert "1 of 2 checked in" in page.content.decode()


def test_check_in_tap_with_js_answers_json_and_corrections_are_audited(client, world):
    client.force_login(world["organizer"])
    url = _url("checkin", world, pk=world["session"].pk)
    headers = {"HTTP_ACCEPT": "application/json"}
    first = client.post(url, {"participant": world["bo"].pk, "status": "present"}, **headers)
    assert first.status_code == 200
    assert first.json() == {
        "ok": True,
        "message": "Bo KIM: Present.",
        "name": "Bo KIM",
        "participant": world["bo"].pk,
        "status": "present",
        "status_label": "Present",
        "counter": {"checked_in": 1, "total": 2, "text": "1 of 2 checked in"},
    }
    second = client.post(url, {"participant": world["bo"].pk, "status": "absent"}, **headers)
    assert second.json()["message"] == "Bo KIM: changed to Absent."
    assert second.json()["counter"]["checked_in"] == 0
    row = Attendance.objects.get()
    assert [e.action for e in _entries(row)] == [
        "trainings.attendance",
        "trainings.attendance_correct",
    ]
    assert list(_entries(row))[1].data["before"]["status"] == "present"


def test_check_in_refuses_people_not_meant_for_the_session(client, world):
    cohort = world["cohort"]
    group_session = factories.activity(cohort, group=world["group_a"])
    stranger = factories.participant(factories.cohort("aslp-other"), "s@example.org")
    client.force_login(world["organizer"])
    url = _url("checkin", world, pk=group_session.pk)
    for who in (world["bo"], stranger):
        assert client.post(url, {"participant": who.pk, "status": "present"}).status_code == 404
        answer = client.post(
            url, {"participant": who.pk, "status": "present"}, HTTP_ACCEPT="application/json"
        )
        assert answer.status_code == 404
        assert answer.json()["ok"] is False
    bad = client.post(url, {"participant": world["ana"].pk, "status": "asleep"})
    assert bad.status_code == 302
    assert not Attendance.objects.exists()
    # The group session's list shows only its group.
    page = client.get(url).content.decode()
    assert "Ana LEE" in page
    assert "Bo KIM" not in page


def test_check_in_search_works_without_js(client, world):
    client.force_login(world["organizer"])
    url = _url("checkin", world, pk=world["session"].pk)
    page = client.get(url, {"q": "김"}).content.decode()
    assert "Bo KIM" in page
    assert "Ana LEE" not in page
    page = client.get(url, {"q": "ANA"}).content.decode()
    assert "Ana LEE" in page
    assert "Bo KIM" not in page
    assert "0 of 2 checked in" in page


def test_activities_without_attendance_have_no_check_in(client, world):
    client.force_login(world["organizer"])
    survey = factories.activity(world["cohort"], ActivityKind.SURVEY)
    no_roll = factories.activity(world["cohort"], takes_attendance=False)
    for activity in (survey, no_roll):
        assert client.get(_url("checkin", world, pk=activity.pk)).status_code == 404


# -- Badge scans ------------------------------------------------------------------------------


def _scan(client, world, code, session=None, **extra):
    session = session or world["session"]
    return client.post(_url("checkin_scan", world, pk=session.pk), {"code": code, **extra})


def test_scan_marks_present_then_late_after_fifteen_minutes(client, world):
    cohort = world["cohort"]
    client.force_login(world["organizer"])
    on_time = factories.activity(cohort, starts_at=_ago(minutes=14), title="On time")
    late = factories.activity(cohort, starts_at=_ago(minutes=16), title="Late")
    ana, bo = world["ana"], world["bo"]

    response = _scan(client, world, f"ASLP-BADGE:{ana.badge_token}", on_time)
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "Ana LEE: Present.",
        "name": "Ana LEE",
        "participant": ana.pk,
        "status": "present",
        "status_label": "Present",
        "counter": {"checked_in": 1, "total": 2, "text": "1 of 2 checked in"},
    }
    response = _scan(client, world, f"ASLP-BADGE:{bo.badge_token}", late)
    assert response.json()["status"] == "late"
    assert response.json()["message"] == "Bo KIM: Late."

    # Scanning again never lowers an attended status, nor writes a correction.
    again = _scan(client, world, f"ASLP-BADGE:{ana.badge_token}", on_time)
    assert again.json()["message"] == "Ana LEE was already Present."
    assert Attendance.objects.count() == 2
    assert ModelLogEntry.objects.filter(action="trainings.attendance_correct").count() == 0

    # An absent participant who turns up is corrected to late.
    attendance.record(late, ana, ABSENT, world["organizer"])
    assert _scan(client, world, f"ASLP-BADGE:{ana.badge_token}", late).json()["status"] == "late"
    assert ModelLogEntry.objects.filter(action="trainings.attendance_correct").count() == 1


def test_scan_rule_is_exact():
    session = type("S", (), {"starts_at": dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)})()
    at = dt.datetime(2026, 5, 1, 9, 15, tzinfo=dt.UTC)
    assert attendance.scan_status(session, at) == PRESENT
    assert attendance.scan_status(session, at + dt.timedelta(seconds=1)) == LATE
    assert attendance.scan_status(session, at - dt.timedelta(hours=1)) == PRESENT


def test_scan_of_another_cohorts_badge_answers_404_json_and_records_nothing(client, world):
    stranger = factories.participant(factories.cohort("aslp-other"), "s@example.org")
    client.force_login(world["organizer"])
    for code in (f"ASLP-BADGE:{stranger.badge_token}", "ASLP-BADGE:unknown-token"):
        response = _scan(client, world, code)
        assert response.status_code == 404
        assert response.json()["ok"] is False
        assert response.json()["message"] == "No participant of this cohort has this badge."
    response = _scan(client, world, "https://example.org/not-a-badge")
    assert response.status_code == 400
    assert response.json()["message"] == "This is not a badge code."
    assert not Attendance.objects.exists()


def test_scan_of_a_participant_outside_the_sessions_group_is_refused(client, world):
    group_session = factories.activity(world["cohort"], group=world["group_a"])
    client.force_login(world["organizer"])
    response = _scan(client, world, f"ASLP-BADGE:{world['bo'].badge_token}", group_session)
    assert response.status_code == 409
    assert response.json()["ok"] is False
    assert response.json()["message"] == "Bo KIM is not in this session's group: not checked in."
    assert not Attendance.objects.exists()


def test_scan_of_a_withdrawn_participant_is_refused(client, world):
    _withdraw(world["ana"])
    client.force_login(world["organizer"])
    assert _scan(client, world, f"ASLP-BADGE:{world['ana'].badge_token}").status_code == 404
    assert not Attendance.objects.exists()


def test_typed_badge_code_without_js_redirects_with_a_message(client, world):
    client.force_login(world["organizer"])
    response = _scan(client, world, f"  {world['ana'].badge_token} ", via="form")
    assert response.status_code == 302
    assert Attendance.objects.get().participant == world["ana"]
    page = client.get(response["Location"]).content.decode()
    assert "Ana LEE: Present." in page
    response = _scan(client, world, "ASLP-BADGE:nobody", via="form")
    assert response.status_code == 302
    assert (
        "No participant of this cohort has this badge."
        in client.get(response["Location"]).content.decode()
    )


def test_scan_answers_405_to_get(client, world):
    client.force_login(world["organizer"])
    assert client.get(_url("checkin_scan", world, pk=world["session"].pk)).status_code == 405


# -- Pages and permissions ---------------------------------------------------------------------


def _all_pages(world):
    session, ana = world["session"], world["ana"]
    return [
        ("get", _url("attendance", world)),
        ("get", _url("checkin", world, pk=session.pk)),
        ("post", _url("checkin", world, pk=session.pk)),
        ("post", _url("checkin_scan", world, pk=session.pk)),
        ("get", _url("attendance_participant", world, pk=ana.pk)),
    ]


def test_organizer_of_another_cohort_gets_404_everywhere(client, world):
    other = factories.cohort("aslp-else")
    client.force_login(factories.organizer(other, "else@example.org"))
    for method, url in _all_pages(world):
        data = {"participant": world["ana"].pk, "status": "present"}
        if url.endswith("/scan/"):
            data = {"code": f"ASLP-BADGE:{world['ana'].badge_token}"}
        assert getattr(client, method)(url, data).status_code == 404, url
    assert not Attendance.objects.exists()


def test_participants_and_anonymous_people_are_kept_out(client, world):
    for method, url in _all_pages(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    client.force_login(world["ana"].user)
    for method, url in _all_pages(world):
        assert getattr(client, method)(url).status_code in (403, 404), url


def test_another_cohorts_session_and_participant_answer_404(client, world):
    other = factories.cohort("aslp-else")
    their_session = factories.activity(other)
    their_participant = factories.participant(other, "p@example.org")
    client.force_login(world["organizer"])
    assert client.get(_url("checkin", world, pk=their_session.pk)).status_code == 404
    assert (
        client.get(_url("attendance_participant", world, pk=their_participant.pk)).status_code
        == 404
    )


def test_attendance_home_shows_sessions_counts_and_rates(client, world):
    cohort, organizer = world["cohort"], world["organizer"]
    past = factories.activity(cohort, starts_at=_ago(days=1), title="Opening keynote")
    attendance.record(past, world["ana"], PRESENT, organizer)
    attendance.record(past, world["bo"], ABSENT, organizer)
    client.force_login(organizer)
    response = client.get(_url("attendance", world))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    rows = {row["name"]: str(row["rate"]) for row in response.context["rows"]}
    assert rows == {"Bo KIM": "0%", "Ana LEE": "100%"}
    assert [row["name"] for row in response.context["rows"]] == ["Bo KIM", "Ana LEE"]
    by_rate = client.get(_url("attendance", world), {"sort": "-rate"}).context["rows"]
    assert [row["name"] for row in by_rate] == ["Ana LEE", "Bo KIM"]
    by_rate = client.get(_url("attendance", world), {"sort": "rate"}).context["rows"]
    assert [row["name"] for row in by_rate] == ["Bo KIM", "Ana LEE"]
    html = response.content.decode()
    assert "Opening keynote" in html
    assert _url("checkin", world, pk=past.pk) in html
    assert _url("attendance_participant", world, pk=world["ana"].pk) in html
    assert "50%" in html  # the keynote: 1 of 2


def test_participant_page_lists_records_and_corrections(client, world):
    cohort, organizer, ana = world["cohort"], world["organizer"], world["ana"]
    past = factories.activity(cohort, starts_at=_ago(days=1), title="Opening keynote")
    attendance.record(past, ana, ABSENT, organizer)
    attendance.record(past, ana, LATE, organizer, note="Flight delayed")
    client.force_login(organizer)
    response = client.get(_url("attendance_participant", world, pk=ana.pk))
    assert response.status_code == 200
    assert str(response.context["rate"]) == "100%"
    history = response.context["history"]
    assert [(h["is_correction"], h["before"], h["after"]) for h in history] == [
        (True, "Absent", "Late"),
        (False, "", "Absent"),
    ]
    html = response.content.decode()
    assert "Flight delayed" in html
    assert "Absent → Late" in html
    assert "Leading learning" in html  # the future session, not started
    # Each session meant for her has a small form to record or correct, returning here.
    back = _url("attendance_participant", world, pk=ana.pk)
    assert html.count(f'name="next" value="{back}"') == 2


# -- Query counts ------------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _populate(world, n):
    cohort, organizer = world["cohort"], world["organizer"]
    sessions = [
        factories.activity(cohort, starts_at=_ago(days=i + 1), title=f"S{i}") for i in range(n)
    ]
    sessions.append(factories.activity(cohort, starts_at=_ago(hours=2), group=world["group_a"]))
    people = [world["ana"], world["bo"]] + [
        factories.participant(cohort, group=world["group_a"]) for _ in range(n)
    ]
    for session in sessions:
        for person in people:
            if attendance.is_meant_for(session, person):
                attendance.record(session, person, PRESENT, organizer)
    return sessions, people


def test_attendance_pages_use_a_constant_number_of_queries(client, world):
    client.force_login(world["organizer"])
    home = _url("attendance", world)
    checkin = _url("checkin", world, pk=world["session"].pk)
    participant = _url("attendance_participant", world, pk=world["ana"].pk)
    _populate(world, 1)
    small = [_count_queries(client, url) for url in (home, checkin, participant)]
    _populate(world, 10)
    large = [_count_queries(client, url) for url in (home, checkin, participant)]
    assert small == large


def test_correction_from_the_participant_page_keeps_a_note_and_returns_there(client, world):
    cohort, organizer, ana = world["cohort"], world["organizer"], world["ana"]
    past = factories.activity(cohort, starts_at=_ago(days=1), title="Opening keynote")
    attendance.record(past, ana, ABSENT, organizer)
    client.force_login(organizer)
    back = _url("attendance_participant", world, pk=ana.pk)
    response = client.post(
        _url("checkin", world, pk=past.pk),
        {"participant": ana.pk, "status": "excused", "note": "Sick note sent", "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    row = Attendance.objects.get()
    assert (row.status, row.note) == (EXCUSED, "Sick note sent")
    last = _entries(row).last()
    assert last.action == "trainings.attendance_correct"
    assert last.data["before"] == {"status": "absent", "note": ""}
    assert last.data["after"] == {"status": "excused", "note": "Sick note sent"}
    page = client.get(back).content.decode()
    assert "Ana LEE: changed to Excused." in page
    assert "Sick note sent" in page

    # Only addresses of this site are followed back.
    response = client.post(
        _url("checkin", world, pk=past.pk),
        {"participant": ana.pk, "status": "present", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(_url("checkin", world, pk=past.pk))


# -- Two phones at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_organizers_recording_the_same_participant_at_once_make_one_row():
    import threading

    from django.db import connections

    cohort = factories.cohort("aslp-race")
    organizer = factories.organizer(cohort, "race@example.org")
    ana = factories.participant(cohort, "ana@example.org")
    session = factories.activity(cohort)
    barrier = threading.Barrier(4)
    errors = []

    def tap(status):
        try:
            barrier.wait(timeout=30)
            attendance.record(session, ana, status, organizer)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=tap, args=(status,)) for status in (PRESENT, LATE, PRESENT, ABSENT)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    row = Attendance.objects.get()
    entries = list(_entries(row))
    assert [e.action for e in entries][0] == "trainings.attendance"
    assert all(e.action == "trainings.attendance_correct" for e in entries[1:])
    # The history ends on the status the row holds.
    assert entries[-1].data["after"]["status"] == row.status
