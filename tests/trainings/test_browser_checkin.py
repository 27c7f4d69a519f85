"""In a real browser on a phone-sized screen: an organizer checks in three participants of a
session with one tap each, finding them by name as they type.

(Scanning badges with the camera cannot run in headless chromium; the scan address is tested
with the Django test client in test_attendance.py.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.cohorts.factories import PASSWORD
from trainings.models import Attendance, AttendanceStatus

from . import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_organizer_checks_in_three_participants_on_a_phone(page, site_url):
    cohort = factories.cohort("aslp-checkin")
    factories.organizer(cohort, "organizer@example.org")
    names = [
        ("Lee", "Ana", ""),
        ("Kim", "Bo-ra", "김보라"),
        ("Chen", "Wei", "陈伟"),
        ("Santos", "Maria", ""),
        ("Nguyen", "Thi Lan", "Nguyễn Thị Lan"),
    ]
    people = {
        given: factories.participant(
            cohort,
            f"{given.lower()}@example.org",
            family_name=family,
            given_names=given,
            native_name=native,
        )
        for family, given, native in names
    }
    session = factories.activity(
        cohort,
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        title="Opening ceremony",
    )
    url = f"{site_url}/manage/aslp-checkin/attendance/{session.pk}/"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}/accounts/login/?next=/manage/aslp-checkin/attendance/{session.pk}/")
    page.fill("#id_login", "organizer@example.org")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(url)
    assert "Opening ceremony" in page.locator("h1").inner_text()
    counter = page.locator("#checkin-counter")
    assert counter.inner_text() == "0 of 5 checked in"
    # Made for the phone: nothing wider than the screen, big buttons.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".checkin__button").first.bounding_box()
    assert box["height"] >= 44

    page.evaluate("window.__sameDocument = true")
    search = page.get_by_label("Find a participant")
    taps = [
        ("ana", "Ana LEE", "Present"),
        ("김보", "Bo-ra KIM", "Late"),
        ("chen", "Wei CHEN", "Present"),
    ]
    for typed, name, status in taps:
        search.fill(typed)
        rows = page.locator(".checkin__row:visible")
        assert rows.count() == 1
        row = rows.first
        assert name in row.inner_text()
        row.get_by_role("button", name=f"{status} ({name})", exact=True).click()
        page.wait_for_function(
            "(args) => document.getElementById(args[0]).dataset.status === args[1]",
            arg=[f"participant-{people[name.split()[0]].pk}", status.lower()],
        )
        # The confirmation, read out by screen readers (aria-live).
        page.wait_for_function(
            "(text) => document.getElementById('checkin-live').textContent === text",
            arg=f"{name}: {status}.",
        )
        assert row.locator("[data-status-label]").inner_text() == status
    assert counter.inner_text() == "3 of 5 checked in"
    # No page load happened: the taps were sent in the background.
    assert page.evaluate("window.__sameDocument") is True

    page.reload()
    assert page.locator("#checkin-counter").inner_text() == "3 of 5 checked in"
    statuses = {
        given: page.locator(f"#participant-{person.pk}").get_attribute("data-status")
        for given, person in people.items()
    }
    assert statuses == {
        "Ana": "present",
        "Bo-ra": "late",
        "Wei": "present",
        "Maria": "",
        "Thi Lan": "",
    }

    records = {
        (row.participant_id, row.status) for row in Attendance.objects.filter(activity=session)
    }
    assert records == {
        (people["Ana"].pk, AttendanceStatus.PRESENT),
        (people["Bo-ra"].pk, AttendanceStatus.LATE),
        (people["Wei"].pk, AttendanceStatus.PRESENT),
    }
    assert Attendance.objects.count() == 3
