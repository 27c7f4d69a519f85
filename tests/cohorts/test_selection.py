"""Selection services: decisions, seats and quotas, wait-list, offers, promotion and expiry."""

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cohorts.models import (
    Application,
    ApplicationStatus,
    Cohort,
    EconomyQuota,
    MessageKind,
    MessageTemplate,
)
from cohorts.selection import (
    QuotaFull,
    SelectionError,
    answer_offer,
    decide,
    decide_many,
    expire_offers,
    offer_deadline_for,
    promote_next,
)

from . import factories as f

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def organizer():
    return f.user("organizer@example.org", first_name="Olga", last_name="Organizer")


@pytest.fixture
def cohort():
    # ROK: 2 seats, 2 reserve places; THA: 1 seat, 2 reserve places; 30 seats in the cohort.
    return f.cohort("aslp-2026", quotas={"ROK": 2, "THA": (1, 2)}, offer_response_days=14)


def quota(cohort, code):
    return EconomyQuota.objects.get(cohort=cohort, economy__code=code)


def seats(cohort):
    return Cohort.objects.get(pk=cohort.pk).accepted_count


def reload(application):
    return Application.objects.get(pk=application.pk)


# -- Accepting ----------------------------------------------------------------------------------


def test_accept_takes_a_seat_sets_the_deadline_audits_and_emails(
    cohort, organizer, django_capture_on_commit_callbacks
):
    app = f.application(
        cohort,
        f.user("somchai@example.org"),
        economy_code="THA",
        given_names="Somchai",
        family_name="Jaidee",
    )
    moment = dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC)  # 01:30 on 11 March in Seoul
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(moment, tick=False):
            decided = decide(app, "accepted", by=organizer)

    app = reload(app)
    assert decided.status == app.status == S.ACCEPTED
    assert app.decided_by == organizer
    assert app.decided_at == moment
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    assert app.offer_deadline == dt.datetime(2026, 3, 25, 23, 59, 59, tzinfo=seoul)
    assert quota(cohort, "THA").accepted_count == 1
    assert seats(cohort) == 1

    entry = ModelLogEntry.objects.for_instance(app).get(action="cohorts.decision")
    assert entry.user == organizer
    assert entry.data["before"]["status"] == "submitted"
    assert entry.data["after"]["status"] == "accepted"
    assert entry.data["seats"]["quota_accepted"] == 1
    assert entry.data["seats"]["quota_seats"] == 1
    assert entry.data["seats"]["cohort_accepted"] == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["somchai@example.org"]
    assert message.subject == "You are offered a place in Cohort aslp-2026"
    assert "Dear Somchai JAIDEE," in message.body
    assert "http://testserver/apply/aslp-2026/offer/" in message.body
    assert "as a participant from Thailand" in message.body


def test_the_organizers_template_in_the_applicants_language_is_used(
    cohort, organizer, django_capture_on_commit_callbacks
):
    MessageTemplate.objects.create(
        kind=MessageKind.ACCEPTED,
        language_code="ko",
        subject="{cohort} 선발 안내",
        body="{name}님, {deadline_cohort_zone}까지 답해 주세요: {link}",
    )
    korean = f.application(
        cohort,
        f.user("minji@example.org"),
        preferred_language="ko",
        given_names="Min-ji",
        family_name="Kim",
    )
    english = f.application(cohort, f.user("tom@example.org"), preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        decide(korean, "accepted", by=organizer)
        decide(english, "accepted", by=organizer)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient["minji@example.org"].subject == "Cohort aslp-2026 선발 안내"
    assert by_recipient["minji@example.org"].body.startswith("Min-ji KIM님, ")
    assert "http://testserver/ko/apply/aslp-2026/offer/" in by_recipient["minji@example.org"].body
    assert by_recipient["tom@example.org"].subject == "You are offered a place in Cohort aslp-2026"


def test_quota_full_refuses_with_a_clear_message_and_changes_nothing(
    cohort, organizer, django_capture_on_commit_callbacks
):
    first = f.application(cohort, economy_code="THA")
    second = f.application(cohort, economy_code="THA", given_names="Somchai", family_name="Jaidee")
    decide(first, "accepted", by=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(QuotaFull) as refused:
            decide(second, "accepted", by=organizer)
    assert str(refused.value) == (
        "Thailand's quota of 1 seat is full; wait-list the applicant or free a seat first."
    )
    assert reload(second).status == S.SUBMITTED
    assert reload(second).decided_at is None
    assert quota(cohort, "THA").accepted_count == 1
    assert seats(cohort) == 1
    assert mail.outbox == []
    assert not ModelLogEntry.objects.for_instance(second).exists()


def test_quota_message_in_plural(cohort, organizer):
    apps = [f.application(cohort, economy_code="ROK") for _ in range(3)]
    decide(apps[0], "accepted", by=organizer)
    decide(apps[1], "accepted", by=organizer)
    with pytest.raises(QuotaFull, match="^Republic of Korea's quota of 2 seats is full; "):
        decide(apps[2], "accepted", by=organizer)


def test_cohort_seats_full_refuses_and_rolls_back_the_quota(organizer):
    cohort = f.cohort(quotas={"ROK": 2, "THA": 2}, total_seats=2)
    korean = f.application(cohort, economy_code="ROK")
    thai = [f.application(cohort, economy_code="THA") for _ in range(2)]
    decide(korean, "accepted", by=organizer)
    decide(thai[0], "accepted", by=organizer)
    with pytest.raises(QuotaFull) as refused:
        decide(thai[1], "accepted", by=organizer)
    assert str(refused.value) == (
        "All 2 seats of the cohort are taken; wait-list the applicant or free a seat first."
    )
    assert quota(cohort, "THA").accepted_count == 1  # the quota's increment was undone
    assert seats(cohort) == 2
    assert reload(thai[1]).status == S.SUBMITTED


def test_economy_without_quota_cannot_be_accepted(cohort, organizer):
    app = f.application(cohort, economy_code="USA")
    with pytest.raises(SelectionError) as refused:
        decide(app, "accepted", by=organizer)
    assert not isinstance(refused.value, QuotaFull)
    assert str(refused.value) == "No quota is set for United States in this cohort."
    assert reload(app).status == S.SUBMITTED
    assert seats(cohort) == 0


# -- Transitions --------------------------------------------------------------------------------


def test_changing_an_acceptance_releases_the_seat(cohort, organizer):
    app = f.application(cohort, economy_code="ROK")
    decide(app, "accepted", by=organizer)
    assert quota(cohort, "ROK").accepted_count == 1

    decide(app, "waitlisted", by=organizer)
    app = reload(app)
    assert app.status == S.WAITLISTED
    assert app.waitlist_position == 1
    assert app.offer_deadline is None
    assert quota(cohort, "ROK").accepted_count == 0
    assert seats(cohort) == 0

    decide(app, "accepted", by=organizer)
    app = reload(app)
    assert app.status == S.ACCEPTED
    assert app.waitlist_position is None
    assert quota(cohort, "ROK").accepted_count == 1

    decide(app, "rejected", by=organizer)
    app = reload(app)
    assert app.status == S.REJECTED
    assert app.offer_deadline is None
    assert quota(cohort, "ROK").accepted_count == 0
    assert seats(cohort) == 0

    decide(app, "accepted", by=organizer)
    assert reload(app).status == S.ACCEPTED
    assert seats(cohort) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            S.CONFIRMED,
            "Given1 FAMILY1 has confirmed their place; the decision can no longer be changed here.",
        ),
        (S.WITHDRAWN, "No decision can be made on an application with the status “Withdrawn”."),
        (S.DRAFT, "No decision can be made on an application with the status “Draft”."),
        (
            S.OFFER_DECLINED,
            "No decision can be made on an application with the status “Declined the offer”.",
        ),
        (
            S.OFFER_EXPIRED,
            "No decision can be made on an application with the status “Offer expired”.",
        ),
    ],
)
def test_final_statuses_cannot_be_decided(cohort, organizer, status, message):
    app = f.application(
        cohort, economy_code="ROK", status=status, given_names="Given1", family_name="Family1"
    )
    for decision in ("accepted", "waitlisted", "rejected"):
        with pytest.raises(SelectionError) as refused:
            decide(app, decision, by=organizer)
        assert str(refused.value) == message
    assert reload(app).status == status
    assert seats(cohort) == 0


def test_the_same_decision_twice_is_refused(cohort, organizer):
    app = f.application(cohort, economy_code="ROK", given_names="Min-ji", family_name="Kim")
    decide(app, "accepted", by=organizer)
    with pytest.raises(SelectionError, match="^Min-ji KIM has already been offered a place.$"):
        decide(app, "accepted", by=organizer)
    assert quota(cohort, "ROK").accepted_count == 1
    decide(app, "rejected", by=organizer)
    with pytest.raises(SelectionError, match="already been marked as not selected"):
        decide(app, "rejected", by=organizer)


def test_unknown_decision_is_refused(cohort, organizer):
    app = f.application(cohort)
    with pytest.raises(SelectionError, match="Choose accept, wait-list or reject."):
        decide(app, "confirmed", by=organizer)


def test_passed_instance_shows_the_new_state(cohort, organizer):
    app = f.application(cohort)
    decide(app, "waitlisted", by=organizer)
    assert app.status == S.WAITLISTED
    assert app.waitlist_position == 1


# -- Wait-list ----------------------------------------------------------------------------------


def test_reserve_places_limit_the_wait_list_and_positions_follow_on(cohort, organizer):
    apps = [f.application(cohort, economy_code="THA") for _ in range(4)]
    decide(apps[0], "waitlisted", by=organizer)
    decide(apps[1], "waitlisted", by=organizer)
    assert [reload(a).waitlist_position for a in apps[:2]] == [1, 2]
    with pytest.raises(QuotaFull) as refused:
        decide(apps[2], "waitlisted", by=organizer)
    assert str(refused.value) == (
        "Thailand's wait-list of 2 reserve places is full; reject the applicant or raise the "
        "reserve places first."
    )
    assert reload(apps[2]).status == S.SUBMITTED

    decide(apps[0], "rejected", by=organizer)
    assert reload(apps[0]).waitlist_position is None
    decide(apps[2], "waitlisted", by=organizer)
    assert reload(apps[2]).waitlist_position == 3
    # Positions are counted per economy.
    korean = f.application(cohort, economy_code="ROK")
    decide(korean, "waitlisted", by=organizer)
    assert reload(korean).waitlist_position == 1


# -- Several at once ----------------------------------------------------------------------------


def test_decide_many_keeps_going_after_a_refusal(
    cohort, organizer, django_capture_on_commit_callbacks
):
    apps = [
        f.application(cohort, economy_code="ROK", given_names=name, family_name="Lee")
        for name in ("Ara", "Bora", "Chan")
    ]
    thai = f.application(cohort, economy_code="THA")
    with django_capture_on_commit_callbacks(execute=True):
        done, refused = decide_many([*apps, thai], "accepted", by=organizer)
    assert [a.pk for a in done] == [apps[0].pk, apps[1].pk, thai.pk]
    assert [(a.pk, reason) for a, reason in refused] == [
        (
            apps[2].pk,
            "Republic of Korea's quota of 2 seats is full; wait-list the applicant or free a "
            "seat first.",
        )
    ]
    assert [reload(a).status for a in apps] == [S.ACCEPTED, S.ACCEPTED, S.SUBMITTED]
    assert quota(cohort, "ROK").accepted_count == 2
    assert seats(cohort) == 3
    assert len(mail.outbox) == 3


# -- Offers -------------------------------------------------------------------------------------


def test_confirming_an_offer(cohort, organizer):
    applicant = f.user()
    app = f.application(cohort, applicant, economy_code="ROK")
    decide(app, "accepted", by=organizer)
    answered = answer_offer(app, accept=True, by=applicant)
    assert answered.status == S.CONFIRMED
    app = reload(app)
    assert app.status == S.CONFIRMED
    assert app.offer_answered_at is not None
    assert quota(cohort, "ROK").accepted_count == 1
    assert seats(cohort) == 1
    entry = ModelLogEntry.objects.for_instance(app).get(action="cohorts.offer_answer")
    assert entry.user == applicant
    assert entry.data["after"]["status"] == "confirmed"
    # Confirmed is final for the organizers' decisions.
    with pytest.raises(SelectionError):
        decide(app, "rejected", by=organizer)
    assert seats(cohort) == 1


def test_only_the_applicant_answers_before_the_deadline(cohort, organizer):
    applicant = f.user()
    app = f.application(cohort, applicant, economy_code="ROK")
    with pytest.raises(SelectionError, match="There is no open offer to answer."):
        answer_offer(app, accept=True, by=applicant)
    decide(app, "accepted", by=organizer)
    with pytest.raises(SelectionError, match="Only the applicant can answer this offer."):
        answer_offer(app, accept=True, by=organizer)
    Application.objects.filter(pk=app.pk).update(
        offer_deadline=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(SelectionError, match="deadline to answer this offer has passed"):
        answer_offer(reload(app), accept=True, by=applicant)
    assert reload(app).status == S.ACCEPTED


def test_declining_promotes_the_next_on_the_wait_list_in_their_language(
    cohort, organizer, django_capture_on_commit_callbacks
):
    holder = f.user("holder@example.org")
    offered = f.application(cohort, holder, economy_code="THA")
    first_waiting = f.application(
        cohort, f.user("jisoo@example.org"), economy_code="THA", preferred_language="ko"
    )
    second_waiting = f.application(cohort, f.user("later@example.org"), economy_code="THA")
    decide(offered, "accepted", by=organizer)
    decide(first_waiting, "waitlisted", by=organizer)
    decide(second_waiting, "waitlisted", by=organizer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        declined = answer_offer(offered, accept=False, by=holder)

    assert declined.status == S.OFFER_DECLINED
    promoted = reload(first_waiting)
    assert promoted.status == S.ACCEPTED
    assert promoted.waitlist_position is None
    assert promoted.offer_deadline is not None
    assert promoted.decided_by is None
    assert reload(second_waiting).status == S.WAITLISTED
    assert quota(cohort, "THA").accepted_count == 1
    assert seats(cohort) == 1
    assert (
        ModelLogEntry.objects.for_instance(promoted).filter(action="cohorts.promote").count() == 1
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jisoo@example.org"]
    # Rendered in Korean: the link to answer the offer is the Korean page.
    assert "http://testserver/ko/apply/aslp-2026/offer/" in message.body


def test_promote_next_returns_none_without_a_free_seat_or_anyone_waiting(cohort, organizer):
    economy = f.economy("THA")
    assert promote_next(cohort, economy) is None
    holder = f.application(cohort, economy_code="THA")
    waiting = f.application(cohort, economy_code="THA")
    decide(holder, "accepted", by=organizer)
    decide(waiting, "waitlisted", by=organizer)
    assert promote_next(cohort, economy) is None  # the quota is full
    assert reload(waiting).status == S.WAITLISTED
    decide(holder, "rejected", by=organizer)
    promoted = promote_next(cohort, economy, by=organizer)
    assert promoted.pk == waiting.pk
    assert reload(waiting).status == S.ACCEPTED
    assert reload(waiting).decided_by == organizer


# -- Expiry -------------------------------------------------------------------------------------


def test_expired_offers_go_to_the_wait_list_once(
    cohort, organizer, django_capture_on_commit_callbacks
):
    late = f.application(cohort, f.user("late@example.org"), economy_code="THA")
    waiting = f.application(
        cohort, f.user("next@example.org"), economy_code="THA", preferred_language="ko"
    )
    in_time = f.application(cohort, economy_code="ROK")
    decide(late, "accepted", by=organizer)
    decide(in_time, "accepted", by=organizer)
    decide(waiting, "waitlisted", by=organizer)
    mail.outbox.clear()
    deadline = reload(late).offer_deadline
    Application.objects.filter(pk=in_time.pk).update(offer_deadline=deadline + dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_offers(now=deadline) == 0  # not yet: the deadline itself is still in time
        assert expire_offers(now=deadline + dt.timedelta(seconds=1)) == 1

    assert reload(late).status == S.OFFER_EXPIRED
    assert reload(in_time).status == S.ACCEPTED
    assert reload(waiting).status == S.ACCEPTED
    assert quota(cohort, "THA").accepted_count == 1
    assert quota(cohort, "ROK").accepted_count == 1
    assert seats(cohort) == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox)[0] == (
        "late@example.org",
        "Your offer for Cohort aslp-2026 has expired",
    )
    promoted_mail = [m for m in mail.outbox if m.to == ["next@example.org"]]
    assert len(promoted_mail) == 1
    assert "http://testserver/ko/apply/aslp-2026/offer/" in promoted_mail[0].body
    assert (
        ModelLogEntry.objects.for_instance(late).filter(action="cohorts.offer_expire").count() == 1
    )

    # Running again changes nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_offers(now=deadline + dt.timedelta(seconds=1)) == 0
    assert mail.outbox == []
    assert seats(cohort) == 2


def test_expire_offers_command(cohort, organizer):
    app = f.application(cohort, economy_code="ROK")
    decide(app, "accepted", by=organizer)
    Application.objects.filter(pk=app.pk).update(
        offer_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    out = StringIO()
    call_command("expire_offers", stdout=out)
    assert out.getvalue().strip() == "1 offer(s) expired."
    assert reload(app).status == S.OFFER_EXPIRED
    assert seats(cohort) == 0
    out = StringIO()
    call_command("expire_offers", stdout=out)
    assert out.getvalue().strip() == "0 offer(s) expired."


# -- Deadline of an offer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "days", "expected"),
    [
        # Late evening UTC is already the next day in Seoul.
        ("Asia/Seoul", dt.datetime(2026, 5, 1, 20, 0, tzinfo=dt.UTC), 14, dt.date(2026, 5, 16)),
        # Across the start of daylight-saving time in New York (8 March 2026).
        (
            "America/New_York",
            dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC),
            14,
            dt.date(2026, 3, 15),
        ),
        # UTC-12 and UTC+14.
        ("Etc/GMT+12", dt.datetime(2026, 1, 1, 6, 0, tzinfo=dt.UTC), 1, dt.date(2026, 1, 1)),
        (
            "Pacific/Kiritimati",
            dt.datetime(2026, 1, 1, 11, 0, tzinfo=dt.UTC),
            0,
            dt.date(2026, 1, 2),
        ),
    ],
)
def test_offer_deadline_is_the_end_of_the_day_in_the_cohorts_zone(zone, now, days, expected):
    cohort = f.cohort(time_zone=zone, offer_response_days=days)
    deadline = offer_deadline_for(cohort, now)
    local = deadline.astimezone(zoneinfo.ZoneInfo(zone))
    assert local.date() == expected
    assert (local.hour, local.minute, local.second) == (23, 59, 59)
