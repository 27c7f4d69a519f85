"""The training stages' data rules: participants follow confirmed places, stage dates are the
cohort's, activities are timed or due."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cohorts.models import ApplicationStatus
from cohorts.selection import answer_offer
from tests.cohorts import factories as cf
from trainings.models import ActivityKind, Participant, Stage, StageKind, StageTranslation
from trainings.signals import ensure_participants

from . import factories as f

pytestmark = pytest.mark.django_db


def test_confirming_an_offer_makes_the_person_a_participant_once():
    cohort = f.cohort("aslp-t")
    app = cf.application(cohort, economy_code="ROK", status=ApplicationStatus.ACCEPTED)
    app.offer_deadline = timezone.now() + dt.timedelta(days=3)
    app.save()
    assert not Participant.objects.filter(application=app).exists()
    answer_offer(app, accept=True, by=app.applicant)
    made = Participant.objects.get(application=app)
    assert (made.cohort, made.user) == (cohort, app.applicant)
    assert len(made.badge_token) >= 32 and made.badge_token != made.calendar_token
    app.refresh_from_db()
    app.save()  # saving again makes no second participant
    assert Participant.objects.filter(application=app).count() == 1
    assert list(Participant.objects.active()) == [made]
    app.status = ApplicationStatus.WITHDRAWN
    app.save()
    assert list(Participant.objects.active()) == []


def test_ensure_participants_fills_in_confirmed_applications_made_in_bulk():
    cohort = f.cohort("aslp-t")
    app = cf.application(cohort, economy_code="ROK")
    type(app).objects.filter(pk=app.pk).update(status=ApplicationStatus.CONFIRMED)
    assert ensure_participants(cohort) == 1
    assert ensure_participants(cohort) == 0


def test_stage_dates_and_titles_come_from_the_cohort_and_its_translations():
    cohort = f.cohort(
        "aslp-t", workshop_starts=dt.date(2027, 7, 5), workshop_ends=dt.date(2027, 7, 8)
    )
    workshop = Stage.objects.get(cohort=cohort, kind=StageKind.WORKSHOP)
    assert (workshop.starts_on, workshop.ends_on) == (dt.date(2027, 7, 5), dt.date(2027, 7, 8))
    assert workshop.display_title == "Onsite Training Workshop"
    StageTranslation.objects.create(stage=workshop, language_code="ko", title="부산 워크숍")
    workshop = Stage.objects.get(pk=workshop.pk)
    with translation.override("ko"):
        assert workshop.display_title == "부산 워크숍"
    assert workshop.display_title == "Onsite Training Workshop"


def test_timed_activities_need_a_start_and_an_end_and_due_ones_a_due_date():
    cohort = f.cohort("aslp-t")
    meeting = f.activity(cohort, ActivityKind.ONLINE_MEETING)
    meeting.ends_at = meeting.starts_at
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    assert caught.value.message_dict["ends_at"] == ["The end must be after the start."]
    survey = f.activity(cohort, ActivityKind.SURVEY)
    survey.due_at = None
    with pytest.raises(ValidationError) as caught:
        survey.full_clean()
    assert "due_at" in caught.value.message_dict
    other = f.cohort("aslp-other")
    meeting.refresh_from_db()
    meeting.group = f.group(other)
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    assert caught.value.message_dict["group"] == ["This group belongs to another cohort."]
