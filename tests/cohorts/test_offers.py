"""After an offer: the applicant's answer, the travel details form, the invitation letter
download and the public verification page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cohorts import letters, selection
from cohorts.models import Application, ApplicationStatus, CohortStatus, InvitationLetter, Logistics

from . import factories
from .pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 on 2 March in Seoul
OFFER_DEADLINE = dt.datetime(2026, 3, 16, 23, 59, 59, tzinfo=SEOUL)  # 14 days, end of day


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def cohort():
    return factories.cohort(
        "aslp-2026",
        title="ASLP 2026",
        quotas={"ROK": (1, 2), "THA": 2},
        workshop_starts=dt.date(2026, 7, 14),
        workshop_ends=dt.date(2026, 7, 18),
        venue_city="Busan",
        post_training_starts=dt.date(2026, 8, 3),
        post_training_ends=dt.date(2026, 9, 25),
    )


@pytest.fixture
def organizer(cohort):
    person = factories.user("organizer@example.org")
    factories.grant(person, factories.Role.ORGANIZER, cohort)
    return person


def offered(cohort, organizer, **extra) -> Application:
    """A submitted application accepted through the selection service (a seat is taken)."""
    application = factories.application(cohort, family_name="Kim", given_names="Min-ji", **extra)
    return selection.decide(application, "accepted", by=organizer)


def confirmed(cohort, organizer, **extra) -> Application:
    application = offered(cohort, organizer, **extra)
    return selection.answer_offer(application, accept=True, by=application.applicant)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, cohort):
    return reverse(f"cohorts:{name}", kwargs={"slug": cohort.slug})


# -- The answer to an offer --------------------------------------------------------------------


def test_offer_page_shows_the_offer_with_its_deadline(client, cohort, organizer):
    application = offered(cohort, organizer)
    assert application.offer_deadline == OFFER_DEADLINE
    client.force_login(application.applicant)

    response = client.get(url("offer_answer", cohort))

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    html = response.content.decode()
    assert "Your place in ASLP 2026" in html
    assert "Offered a place" in html
    assert 'datetime="2026-03-16T14:59:59+00:00"' in html
    assert "data-countdown=" in html
    assert "Busan" in html and "Onsite training workshop" in html
    assert "Online post-training" in html
    assert 'name="answer" value="confirm"' in html
    assert 'name="answer" value="decline"' in html


def test_confirming_makes_the_place_confirmed_and_leads_to_travel_details(
    client, cohort, organizer
):
    application = offered(cohort, organizer)
    client.force_login(application.applicant)

    response = client.post(url("offer_answer", cohort), {"answer": "confirm"})

    assert response.status_code == 302
    assert response["Location"] == url("logistics", cohort)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMED
    assert application.offer_answered_at is not None
    assert messages_of(response) == [
        "Your place in ASLP 2026 is confirmed. Welcome! Please tell us your travel details now."
    ]
    cohort.refresh_from_db()
    assert cohort.accepted_count == 1  # the seat stays taken


def test_declining_needs_the_explicit_tick_and_keeps_the_reason(client, cohort, organizer):
    application = offered(cohort, organizer)
    client.force_login(application.applicant)

    response = client.post(
        url("offer_answer", cohort), {"answer": "decline", "decline_reason": "My school needs me"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick the box to confirm that you give up your place." in html
    assert "My school needs me</textarea>" in html
    assert 'aria-invalid="true"' in html
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_declining_gives_the_seat_to_the_next_on_the_wait_list(client, cohort, organizer):
    application = offered(cohort, organizer)
    waiting = factories.application(cohort, economy_code="ROK")
    selection.decide(waiting, "waitlisted", by=organizer)
    client.force_login(application.applicant)

    response = client.post(
        url("offer_answer", cohort),
        {"answer": "decline", "decline_reason": "Family reasons", "decline_confirmed": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("status", cohort)
    application.refresh_from_db()
    waiting.refresh_from_db()
    assert application.status == ApplicationStatus.OFFER_DECLINED
    assert waiting.status == ApplicationStatus.ACCEPTED
    assert messages_of(response) == [
        "You have declined your place in ASLP 2026. Thank you for letting us know."
    ]
    entry = ModelLogEntry.objects.get(action="cohorts.offer_decline_reason")
    assert entry.object_id == str(application.pk)
    assert entry.data == {"reason": "Family reasons"}
    assert entry.user_id == application.applicant_id


def test_an_answer_after_the_deadline_is_refused(client, cohort, organizer):
    application = offered(cohort, organizer)
    client.force_login(application.applicant)

    with time_machine.travel(OFFER_DEADLINE + dt.timedelta(seconds=1), tick=False):
        client.force_login(application.applicant)  # a fresh session two weeks later
        page = client.get(url("offer_answer", cohort))
        response = client.post(url("offer_answer", cohort), {"answer": "confirm"})

    assert "The deadline to answer this offer has passed" in page.content.decode()
    assert 'value="confirm"' not in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == url("offer_answer", cohort)
    assert messages_of(response) == [
        "The deadline to answer this offer has passed; it can no longer be answered."
    ]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_one_second_before_the_deadline_the_answer_counts(client, cohort, organizer):
    application = offered(cohort, organizer)
    client.force_login(application.applicant)

    with time_machine.travel(OFFER_DEADLINE - dt.timedelta(seconds=1), tick=False):
        client.force_login(application.applicant)
        response = client.post(url("offer_answer", cohort), {"answer": "confirm"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMED


def test_without_an_open_offer_the_page_shows_the_status_and_no_form(client, cohort):
    application = factories.application(cohort)
    client.force_login(application.applicant)

    response = client.get(url("offer_answer", cohort))
    posted = client.post(url("offer_answer", cohort), {"answer": "confirm"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Submitted" in html
    assert "There is no open offer to answer for this application." in html
    assert 'value="confirm"' not in html
    assert messages_of(posted) == ["There is no open offer to answer."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_each_person_reaches_only_their_own_application(client, cohort, organizer):
    application = offered(cohort, organizer)
    other = factories.application(cohort, economy_code="THA")
    stranger = factories.user()

    client.force_login(stranger)  # no application in the cohort
    for name in ("offer_answer", "logistics", "invitation_letter"):
        assert client.get(url(name, cohort)).status_code == 404
        assert client.post(url(name, cohort), {"answer": "confirm"}).status_code == 404

    client.force_login(other.applicant)  # their own (submitted) application, never the other
    response = client.post(url("offer_answer", cohort), {"answer": "confirm"})
    assert messages_of(response) == ["There is no open offer to answer."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert client.get(url("invitation_letter", cohort)).status_code == 404


def test_a_draft_cohort_is_not_reachable(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    cohort.status = CohortStatus.DRAFT
    cohort.save()
    client.force_login(application.applicant)
    for name in ("offer_answer", "logistics", "invitation_letter"):
        assert client.get(url(name, cohort)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, cohort):
    response = client.get(url("offer_answer", cohort))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# -- Travel details ----------------------------------------------------------------------------

VALID_TRAVEL = {
    "passport_name_confirmed": "on",
    "passport_name_correction": "",
    "arrival_at": "2026-07-13T15:30",
    "arrival_details": "KE 1402",
    "departure_at": "2026-07-19T11:00",
    "departure_details": "KE 1401",
    "dietary_needs": "Vegetarian",
    "accessibility_needs": "",
    "needs_visa_letter": "on",
}


def test_travel_details_only_for_confirmed_participants(client, cohort, organizer):
    application = offered(cohort, organizer)
    client.force_login(application.applicant)

    response = client.get(url("logistics", cohort))

    assert response.status_code == 302
    assert response["Location"] == url("status", cohort)
    assert messages_of(response) == [
        "Travel details are asked of confirmed participants once they confirm."
    ]


def test_travel_details_are_saved_in_the_cohorts_time_zone(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)

    page = client.get(url("logistics", cohort))
    assert "KIM" in page.content.decode() and "MIN-JI" in page.content.decode()
    assert "Not saved yet." in page.content.decode()

    response = client.post(url("logistics", cohort), VALID_TRAVEL)

    assert response.status_code == 302
    assert messages_of(response) == ["Your travel details are saved."]
    saved = Logistics.objects.get(application=application)
    assert saved.arrival_at == dt.datetime(2026, 7, 13, 15, 30, tzinfo=SEOUL)
    assert saved.departure_at == dt.datetime(2026, 7, 19, 11, 0, tzinfo=SEOUL)
    assert (saved.arrival_details, saved.dietary_needs) == ("KE 1402", "Vegetarian")
    assert saved.passport_name_confirmed is True
    assert saved.needs_visa_letter is True

    again = client.get(url("logistics", cohort)).content.decode()
    assert 'value="2026-07-13T15:30"' in again
    assert "Last saved:" in again


def test_departure_before_arrival_is_refused_and_the_input_kept(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)

    response = client.post(
        url("logistics", cohort),
        {**VALID_TRAVEL, "arrival_at": "2026-07-15T10:00", "departure_at": "2026-07-14T09:00"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your departure must be after your arrival." in html
    assert 'value="2026-07-15T10:00"' in html
    assert 'value="2026-07-14T09:00"' in html
    assert 'value="KE 1402"' in html
    assert "Vegetarian</textarea>" in html
    assert 'href="#id_departure_at"' in html  # the error summary links to the field
    assert not Logistics.objects.filter(application=application).exists()


def test_the_passport_name_check_is_required(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)
    without = {**VALID_TRAVEL, "passport_name_confirmed": ""}

    response = client.post(url("logistics", cohort), without)
    assert response.status_code == 200
    assert (
        "Tick the box if your name above is exactly as in your passport, or type your name as "
        "it appears in your passport." in response.content.decode()
    )

    both = {**VALID_TRAVEL, "passport_name_correction": "KIM MINJI"}
    response = client.post(url("logistics", cohort), both)
    assert "leave this field empty, or untick the box" in response.content.decode()

    hangul = {**without, "passport_name_correction": "김민지"}
    response = client.post(url("logistics", cohort), hangul)
    assert "Use Latin letters as printed in your passport" in response.content.decode()
    assert not Logistics.objects.filter(application=application).exists()

    corrected = {**without, "passport_name_correction": "  Kim   Minji "}
    assert client.post(url("logistics", cohort), corrected).status_code == 302
    saved = Logistics.objects.get(application=application)
    assert saved.passport_name_correction == "Kim Minji"
    application.refresh_from_db()
    assert letters.passport_name(application) == "KIM MINJI"


def test_travel_far_from_the_workshop_is_refused_and_late_arrival_warned(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)

    typo = {**VALID_TRAVEL, "arrival_at": "2025-07-13T15:30"}
    response = client.post(url("logistics", cohort), typo)
    assert response.status_code == 200
    assert "This arrival is more than 14 days before the workshop starts" in (
        response.content.decode()
    )

    after_end = {**VALID_TRAVEL, "arrival_at": "2026-07-19T08:00", "departure_at": ""}
    response = client.post(url("logistics", cohort), after_end)
    assert "This arrival is after the workshop ends" in response.content.decode()

    late = {**VALID_TRAVEL, "arrival_at": "2026-07-15T08:00", "departure_at": "2026-07-17T20:00"}
    response = client.post(url("logistics", cohort), late)
    assert response.status_code == 302
    assert messages_of(response) == [
        "Your travel details are saved.",
        "You arrive after the workshop starts (July 14, 2026) and will miss its first sessions. "
        "Tell the organizers if this cannot be changed.",
        "You leave before the workshop ends (July 18, 2026) and will miss its last sessions. "
        "Tell the organizers if this cannot be changed.",
    ]


def test_hostile_travel_input_is_refused_cleanly(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)

    response = client.post(
        url("logistics", cohort),
        {
            **VALID_TRAVEL,
            "arrival_at": "2026-07-13T15:30\x00",
            "dietary_needs": "nuts\x00",
            "arrival_details": "x" * 500,
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a date and time, for example 2026-07-13 15:30." in html
    assert "Null characters are not allowed." in html
    assert "Ensure this value has at most 120 characters (it has 500)." in html
    assert not Logistics.objects.filter(application=application).exists()


def test_travel_details_are_frozen_once_the_workshop_starts(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)
    client.post(url("logistics", cohort), VALID_TRAVEL)

    with time_machine.travel(dt.datetime(2026, 7, 14, 0, 0, tzinfo=SEOUL), tick=False):
        client.force_login(application.applicant)
        page = client.get(url("logistics", cohort))
        response = client.post(url("logistics", cohort), {**VALID_TRAVEL, "dietary_needs": "x"})

    assert "travel details can no longer be changed here" in page.content.decode()
    assert 'name="dietary_needs"' not in page.content.decode()
    assert response.status_code == 302
    assert Logistics.objects.get(application=application).dietary_needs == "Vegetarian"


# -- The invitation letter ---------------------------------------------------------------------


def test_the_letter_is_only_for_confirmed_participants(client, cohort, organizer):
    application = offered(cohort, organizer)
    client.force_login(application.applicant)
    assert client.get(url("invitation_letter", cohort)).status_code == 404
    assert client.get(url("invitation_letter", cohort) + "?download=1").status_code == 404
    assert client.post(url("invitation_letter", cohort)).status_code == 404
    assert not InvitationLetter.objects.exists()


def test_the_letter_waits_for_the_passport_name_check(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)

    page = client.get(url("invitation_letter", cohort))
    response = client.post(url("invitation_letter", cohort))

    assert "The letter cannot be issued yet:" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == url("invitation_letter", cohort)
    assert messages_of(response) == [
        "Check your name as it appears in your passport in the travel details form first: the "
        "letter must show it exactly."
    ]
    assert not InvitationLetter.objects.exists()


def test_downloading_the_letter(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)
    client.post(url("logistics", cohort), VALID_TRAVEL)

    page = client.get(url("invitation_letter", cohort))
    assert "KIM MIN-JI" in page.content.decode()
    response = client.post(url("invitation_letter", cohort))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="invitation-letter-{application.reference}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    letter = InvitationLetter.objects.get(application=application)
    text = pdf_text(response.content)
    for expected in (
        "KIM MIN-JI",
        "Republic of Korea",
        "Onsite Training Workshop of ASLP 2026",
        "from 14 July 2026 to 18 July 2026",
        "Busan",
        letter.code,
        "online post-training from 3 August 2026 to 25 September 2026",
    ):
        assert expected in text
    entry = ModelLogEntry.objects.get(action="cohorts.letter")
    assert entry.object_id == str(application.pk)
    assert entry.data["after"]["code"] == letter.code
    assert entry.user_id == application.applicant_id

    # The same letter (same code) again by GET, without a new audit entry.
    again = client.get(url("invitation_letter", cohort) + "?download=1")
    assert again.status_code == 200
    assert again.content == response.content
    assert InvitationLetter.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="cohorts.letter").count() == 1
    listing = client.get(url("invitation_letter", cohort)).content.decode()
    assert letter.code in listing and "Current" in listing


def test_a_corrected_name_gives_a_new_letter_and_a_hint(client, cohort, organizer):
    application = confirmed(cohort, organizer)
    client.force_login(application.applicant)
    client.post(url("logistics", cohort), VALID_TRAVEL)
    client.post(url("invitation_letter", cohort))

    response = client.post(
        url("logistics", cohort),
        {**VALID_TRAVEL, "passport_name_confirmed": "", "passport_name_correction": "KIM MINJI"},
    )
    assert messages_of(response)[-1] == (
        "Your name as in your passport changed: download your invitation letter again to get "
        "one with the new name."
    )
    pdf = client.post(url("invitation_letter", cohort)).content

    assert InvitationLetter.objects.filter(application=application).count() == 2
    assert "KIM MINJI" in pdf_text(pdf)


# -- Public verification -----------------------------------------------------------------------


def issued_letter(cohort, organizer) -> InvitationLetter:
    application = confirmed(cohort, organizer)
    Logistics.objects.create(application=application, passport_name_confirmed=True)
    return letters.issue_letter(application, by=application.applicant)[0]


def test_verification_shows_the_holder_for_a_valid_code(client, cohort, organizer):
    letter = issued_letter(cohort, organizer)
    verify = reverse("cohorts:verify_letter")

    response = client.get(verify, {"code": letter.code.lower().replace("-", " ")})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Genuine and valid letter" in html
    for expected in (
        "KIM MIN-JI",
        "Republic of Korea",
        "APEC School Leadership Program",
        "ASLP 2026",
        "July 14, 2026 to July 18, 2026",
        "Busan",
        "March 2, 2026",
        letter.code,
    ):
        assert expected in html


def test_verification_answers_the_same_for_any_unknown_code(client, cohort, organizer):
    issued_letter(cohort, organizer)
    verify = reverse("cohorts:verify_letter")

    unknown = client.get(verify, {"code": "00000-00000-00000-00000-00000"})
    malformed = client.get(verify, {"code": "hello"})

    for response in (unknown, malformed):
        assert response.status_code == 200
        html = response.content.decode()
        assert "No letter with this code" in html
        assert "KIM" not in html
    strip = lambda html: html.replace("00000-00000-00000-00000-00000", "").replace("hello", "")  # noqa: E731
    assert strip(unknown.content.decode()) == strip(malformed.content.decode())


def test_verification_page_in_korean_and_without_a_code(client):
    response = client.get("/ko/letters/verify/")
    assert response.status_code == 200
    assert 'lang="ko"' in response.content.decode()
    assert "No letter with this code" not in response.content.decode()


def test_verification_is_rate_limited_per_address(client):
    verify = reverse("cohorts:verify_letter")
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 0, 5, tzinfo=dt.UTC), tick=False):
        statuses = [client.get(verify, {"code": f"guess-{n}"}).status_code for n in range(31)]
        other_address = client.get(verify, {"code": "guess"}, REMOTE_ADDR="192.0.2.7")
        form_only = client.get(verify)
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert other_address.status_code == 200
    assert form_only.status_code == 200  # showing the empty form costs nothing
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 1, 5, tzinfo=dt.UTC), tick=False):
        assert client.get(verify, {"code": "guess"}).status_code == 200


def test_too_many_verifications_get_the_sites_429_page(client):
    verify = reverse("cohorts:verify_letter")
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 0, 5, tzinfo=dt.UTC), tick=False):
        for n in range(30):
            client.get(verify, {"code": f"guess-{n}"})
        response = client.get(verify, {"code": "one more"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many attempts" in response.content.decode()
