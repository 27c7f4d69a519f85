"""In a real browser: a participant in Bangkok and one in Lima each see the kick-off meeting at
their own time and download its calendar file, which holds the right instant."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from tests.cohorts.factories import PASSWORD
from trainings.models import ActivityKind

from . import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KICK_OFF = dt.datetime(2030, 3, 15, 9, 0, tzinfo=dt.UTC)


def _sign_in(page, site_url, email):
    page.context.clear_cookies()
    page.goto(f"{site_url}/accounts/login/?next=/my-programme/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{site_url}/my-programme/aslp-browser/")


@pytest.mark.parametrize(
    ("email", "zone", "local"),
    [
        ("somchai@example.org", "Asia/Bangkok", "March 15, 2030, 4 p.m. (Asia/Bangkok)"),
        ("lucia@example.org", "America/Lima", "March 15, 2030, 4 a.m. (America/Lima)"),
    ],
)
def test_kick_off_in_my_zone_and_calendar_file(page, site_url, email, zone, local):
    cohort = f.cohort("aslp-browser", title="ASLP Browser Cohort")
    f.participant(cohort, "somchai@example.org", economy_code="THA", time_zone="Asia/Bangkok")
    f.participant(cohort, "lucia@example.org", economy_code="PE", time_zone="America/Lima")
    kick_off = f.activity(
        cohort,
        ActivityKind.ONLINE_MEETING,
        title="Kick-off meeting",
        starts_at=KICK_OFF,
        online_url="https://meet.example.org/kick-off",
    )

    _sign_in(page, site_url, email)
    assert page.locator("h1").inner_text() == "My programme: ASLP Browser Cohort"
    next_session = page.locator('[data-next="session"]')
    assert local in next_session.inner_text()
    assert "March 15, 2030, 6 p.m. (Asia/Seoul)" in next_session.inner_text()

    next_session.get_by_role("link", name="Kick-off meeting").click()
    page.wait_for_url(f"{site_url}/my-programme/aslp-browser/activities/{kick_off.pk}/")
    starts = page.locator('[data-fact="starts"] dd').inner_text()
    assert starts.startswith(local)
    assert "/ March 15, 2030, 6 p.m. (Asia/Seoul)" in starts
    assert page.get_by_role("link", name="https://meet.example.org/kick-off").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"activity-{kick_off.pk}.ics"
    with open(download.path(), "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == KICK_OFF
    assert str(event["summary"]) == "Kick-off meeting"
    assert zone in local
