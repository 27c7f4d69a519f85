"""R6: a submission one second before the deadline is accepted and one second after is refused,
in zones from UTC-12 to UTC+14 and across daylight-saving changes; the deadline is shown in the
cohort's zone and the reader's."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup

from cohorts.models import Application, ApplicationStatus, FileKind
from cohorts.templatetags.cohorts_tags import format_moment
from tests.cohorts import factories
from tests.cohorts.applying import complete_form, private_dir_fixture  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_dir")]

SECOND = dt.timedelta(seconds=1)


def local(zone: str, *args, fold: int = 0) -> dt.datetime:
    """A wall-clock time in ``zone`` as the instant it names (in UTC, as the database returns
    it: arithmetic on a ZoneInfo-aware value would count wall-clock time, not seconds)."""
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone), fold=fold).astimezone(dt.UTC)


# (case, cohort zone, deadline as the organizers set it in that zone, UTC offsets one second
# before and at the deadline)
CASES = [
    ("UTC-12", "Etc/GMT+12", local("Etc/GMT+12", 2026, 6, 30, 23, 59, 59), -12, -12),
    ("UTC+14", "Pacific/Kiritimati", local("Pacific/Kiritimati", 2026, 6, 30, 23, 59), 14, 14),
    ("UTC", "UTC", local("UTC", 2026, 4, 1, 0, 0), 0, 0),
    ("Seoul", "Asia/Seoul", local("Asia/Seoul", 2026, 4, 10, 18, 0), 9, 9),
    # New York springs forward at 02:00 on 8 March 2026: 01:59:59 EST, then 03:00 EDT.
    ("New York, spring forward", "America/New_York", local("America/New_York", 2026, 3, 8, 3, 0),
     -5, -4),
    # ...and falls back at 02:00 EDT on 1 November 2026: the deadline is the second 01:30 (EST).
    ("New York, fall back", "America/New_York",
     local("America/New_York", 2026, 11, 1, 1, 30, fold=1), -5, -5),
    # Berlin springs forward at 02:00 CET on 29 March 2026, straight to 03:00 CEST.
    ("Berlin, spring forward", "Europe/Berlin", local("Europe/Berlin", 2026, 3, 29, 3, 0), 1, 2),
    # Berlin falls back at 03:00 CEST on 25 October 2026: a deadline at the change itself.
    ("Berlin, fall back", "Europe/Berlin", local("Europe/Berlin", 2026, 10, 25, 2, 0, fold=1),
     2, 1),
]  # fmt: skip


def ready_draft(cohort, person) -> Application:
    application = factories.application(
        cohort,
        person,
        status=ApplicationStatus.DRAFT,
        time_zone="America/Bogota",
        phone="+1 212 555 0100",
        position_detail="Principal",
        family_name="Rivera",
        given_names="Ana",
    )
    factories.attach(application, FileKind.CV)
    factories.attach(application, FileKind.ENDORSEMENT_LETTER, name="letter.pdf")
    return application


def form_of(application) -> dict:
    return complete_form(
        family_name=application.family_name,
        given_names=application.given_names,
        economy=str(application.economy_id),
        action="submit",
    )


@pytest.fixture(params=CASES, ids=[case[0] for case in CASES])
def case(request):
    return request.param


def test_the_deadline_moment_is_what_the_organizers_meant(case):
    _name, zone, deadline, offset_before, offset_at = case
    before = (deadline - SECOND).astimezone(zoneinfo.ZoneInfo(zone))
    at = deadline.astimezone(zoneinfo.ZoneInfo(zone))
    assert before.utcoffset() == dt.timedelta(hours=offset_before)
    assert at.utcoffset() == dt.timedelta(hours=offset_at)


def test_one_second_before_the_deadline_a_submission_is_accepted(client, case):
    _name, zone, deadline, _before, _at = case
    cohort = factories.cohort(
        "deadline", time_zone=zone, opens_at=deadline - dt.timedelta(days=30), closes_at=deadline
    )
    assert cohort.closes_at == deadline  # stored as the same instant
    person = factories.user(time_zone="America/Bogota")
    application = ready_draft(cohort, person)
    with time_machine.travel(deadline - SECOND, tick=False):
        client.force_login(person)
        page = BeautifulSoup(client.get("/apply/deadline/").content.decode(), "html.parser")
        assert page.select_one("#application-form") is not None
        # The deadline in the reader's zone and in the cohort's.
        shown = page.select_one(".apply-facts .moment").get_text(" ")
        if zone != "America/Bogota":
            assert f"({zone})" in shown
        assert "(America/Bogota)" in shown
        response = client.post("/apply/deadline/", form_of(application))
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == deadline - SECOND


@pytest.mark.parametrize("late", [dt.timedelta(0), SECOND], ids=["at the deadline", "1s after"])
def test_at_or_after_the_deadline_everything_is_refused(client, case, late):
    _name, zone, deadline, _before, _at = case
    cohort = factories.cohort(
        "deadline", time_zone=zone, opens_at=deadline - dt.timedelta(days=30), closes_at=deadline
    )
    person = factories.user(time_zone="Asia/Seoul")
    application = ready_draft(cohort, person)
    updated = application.updated_at
    with time_machine.travel(deadline + late, tick=False):
        client.force_login(person)
        response = client.post("/apply/deadline/", form_of(application))
        assert response.status_code == 403
        text = " ".join(response.content.decode().split())
        expected_moment = format_moment(deadline, "Asia/Seoul")
        assert f"The deadline of Cohort deadline passed on {expected_moment}" in text
        autosave = client.post("/apply/deadline/autosave/", {"family_name": "Late"})
        assert (autosave.status_code, autosave.json()["editable"]) == (403, False)
        upload = client.post("/apply/deadline/upload/", {"slot": "cv"})
        assert upload.status_code == 403
    application.refresh_from_db()
    assert (application.status, application.submitted_at) == (ApplicationStatus.DRAFT, None)
    assert (application.family_name, application.updated_at) == ("Rivera", updated)
    assert application.files.count() == 2


def test_a_new_applicant_cannot_start_after_the_deadline(client):
    deadline = local("Pacific/Kiritimati", 2026, 6, 30, 23, 59)
    factories.cohort(
        "deadline",
        time_zone="Pacific/Kiritimati",
        opens_at=deadline - dt.timedelta(days=30),
        closes_at=deadline,
    )
    person = factories.user()
    with time_machine.travel(deadline + SECOND, tick=False):
        client.force_login(person)
        assert client.post("/apply/deadline/autosave/", {"family_name": "X"}).status_code == 403
        assert client.post("/apply/deadline/", complete_form(action="save")).status_code == 403
    assert Application.objects.count() == 0
