"""Copying a cohort (trainings.copying) and its admin form: exactly the set-up is copied, with
every date moved, and nothing personal."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from wagtail.models import ModelLogEntry

from aslp_site.accounts.demo import editors_group
from aslp_site.accounts.models import User
from cohorts.models import (
    Application,
    ApplicationQuestion,
    Cohort,
    CohortStatus,
    CohortTranslation,
    EconomyQuota,
    MessageTemplate,
    QuestionTranslation,
    Role,
    RoleGrant,
)
from tests.trainings import factories
from trainings import copying
from trainings.copying import COPIERS, Shift, copy_cohort, register_copier
from trainings.models import (
    Activity,
    ActivityKind,
    ActivityTranslation,
    Attendance,
    Participant,
    ParticipantGroup,
    Stage,
    StageKind,
    StageTranslation,
    Venue,
    VenueTranslation,
)

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
COHORTS = "/admin/programme/cohorts/"


def copy_url(cohort):
    return f"{COHORTS}copy/{cohort.pk}/"


@pytest.fixture
def source():
    """A cohort with everything the copy takes and everything it must leave."""
    cohort = factories.cohort(
        "aslp-2025",
        title="ASLP 2025",
        year=2025,
        pre_training_starts=dt.date(2025, 4, 7),
        pre_training_ends=dt.date(2025, 5, 30),
        workshop_starts=dt.date(2025, 7, 7),
        workshop_ends=dt.date(2025, 7, 18),
        post_training_starts=dt.date(2025, 8, 18),
        post_training_ends=dt.date(2025, 10, 31),
        opens_at=dt.datetime(2025, 1, 6, 9, 0, tzinfo=SEOUL),
        closes_at=dt.datetime(2025, 2, 28, 18, 0, tzinfo=SEOUL),
        description="Thirty school leaders.",
    )
    CohortTranslation.objects.create(
        cohort=cohort, language_code="ko", title="ASLP 2025 (2025년 기수)", description="학교 리더"
    )
    question = ApplicationQuestion.objects.create(
        cohort=cohort, kind="single_choice", label="Level?", choices="Primary\nSecondary"
    )
    QuestionTranslation.objects.create(
        question=question, language_code="ko", label="학교급?", choices="초등\n중등"
    )
    MessageTemplate.objects.create(
        kind="accepted", language_code="en", cohort=cohort, subject="Welcome", body="Hello {name}"
    )
    MessageTemplate.objects.create(
        kind="rejected", language_code="en", cohort=None, subject="Everyone", body="Sorry"
    )
    group_a = factories.group(cohort, "Group A", 1)
    factories.group(cohort, "Group B", 2)
    stage = Stage.objects.get(cohort=cohort, kind=StageKind.WORKSHOP)
    stage.title, stage.description = "Busan workshop", "Four days."
    stage.save()
    StageTranslation.objects.create(stage=stage, language_code="ko", title="부산 워크숍")
    speaker = factories.speaker("Dr. Hana Lee")
    keynote = factories.activity(
        cohort,
        ActivityKind.KEYNOTE,
        title="Keynote",
        starts_at=dt.datetime(2025, 7, 7, 10, 0, tzinfo=SEOUL),
        room="Hall A",
        online_url="https://meet.example.org/k",
    )
    keynote.speakers.add(speaker)
    ActivityTranslation.objects.create(activity=keynote, language_code="ko", title="기조연설")
    factories.activity(
        cohort,
        ActivityKind.GROUP_ACTIVITY,
        title="Group work A",
        starts_at=dt.datetime(2025, 7, 8, 14, 0, tzinfo=SEOUL),
        group=group_a,
    )
    factories.activity(
        cohort,
        ActivityKind.SURVEY,
        title="Needs survey",
        due_at=dt.datetime(2025, 4, 20, 23, 59, tzinfo=SEOUL),
    )
    venue = factories.venue(cohort, name="Haeundae Convention Centre")
    VenueTranslation.objects.create(venue=venue, language_code="ko", name="해운대 컨벤션센터")
    organizer = factories.organizer(cohort, "organizer@example.org")
    factories.grant(factories.user("reviewer@example.org"), Role.REVIEWER, cohort, "ROK")
    person = factories.participant(cohort, "p1@example.org", group=group_a)
    Attendance.objects.create(activity=keynote, participant=person, status="present")
    quota = EconomyQuota.objects.get(cohort=cohort, economy__code="ROK")
    quota.accepted_count = 1
    quota.save()
    cohort.accepted_count = 1
    cohort.save()
    return {"cohort": cohort, "organizer": organizer, "speaker": speaker}


def do_copy(source, by=None, shift_days=364):
    return copy_cohort(
        source, title="ASLP 2026", slug="aslp-2026", year=2026, shift_days=shift_days, by=by
    )


def test_copy_takes_the_setup_with_dates_moved(source):
    original = source["cohort"]
    copy = do_copy(original, by=source["organizer"])

    assert (copy.title, copy.slug, copy.year) == ("ASLP 2026", "aslp-2026", 2026)
    assert copy.status == CohortStatus.DRAFT
    assert copy.accepted_count == 0
    assert (copy.programme, copy.total_seats, copy.time_zone, copy.languages) == (
        original.programme,
        30,
        "Asia/Seoul",
        ["en", "ko"],
    )
    assert copy.description == "Thirty school leaders."
    assert copy.opens_at == dt.datetime(2026, 1, 5, 9, 0, tzinfo=SEOUL)
    assert copy.closes_at == dt.datetime(2026, 2, 27, 18, 0, tzinfo=SEOUL)
    assert (copy.pre_training_starts, copy.pre_training_ends) == (
        dt.date(2026, 4, 6),
        dt.date(2026, 5, 29),
    )
    assert (copy.workshop_starts, copy.workshop_ends) == (dt.date(2026, 7, 6), dt.date(2026, 7, 17))
    assert (copy.post_training_starts, copy.post_training_ends) == (
        dt.date(2026, 8, 17),
        dt.date(2026, 10, 30),
    )
    assert copy.venue_city == "Busan"
    # Translations: the source's title and year replaced.
    assert copy.translated("title", "ko") == "ASLP 2026 (2026년 기수)"
    assert copy.translated("description", "ko") == "학교 리더"

    quotas = {
        q.economy.code: (q.seats, q.reserve_places, q.accepted_count) for q in copy.quotas.all()
    }
    assert quotas == {"ROK": (3, 2, 0), "THA": (3, 2, 0)}
    question = ApplicationQuestion.objects.get(cohort=copy)
    assert (question.label, question.choices) == ("Level?", "Primary\nSecondary")
    assert question.translated("choices", "ko") == "초등\n중등"
    assert [(c.title, c.weight, c.level_5) for c in copy.rubric.order_by("sort_order")] == [
        (c.title, c.weight, c.level_5) for c in original.rubric.order_by("sort_order")
    ]
    templates = MessageTemplate.objects.filter(cohort=copy)
    assert [(t.kind, t.subject, t.body) for t in templates] == [
        ("accepted", "Welcome", "Hello {name}")
    ]
    assert MessageTemplate.objects.filter(cohort=None).count() == 1

    # Stages, activities, speakers, groups, venue.
    stages = {s.kind: s for s in Stage.objects.filter(cohort=copy)}
    assert set(stages) == set(StageKind.values)
    workshop = stages[StageKind.WORKSHOP]
    assert (workshop.title, workshop.description) == ("Busan workshop", "Four days.")
    assert workshop.translated("title", "ko") == "부산 워크숍"
    assert workshop.starts_on == dt.date(2026, 7, 6)
    keynote = Activity.objects.get(stage__cohort=copy, title="Keynote")
    assert keynote.starts_at == dt.datetime(2026, 7, 6, 10, 0, tzinfo=SEOUL)
    assert keynote.ends_at == dt.datetime(2026, 7, 6, 11, 30, tzinfo=SEOUL)
    assert (keynote.room, keynote.online_url) == ("Hall A", "https://meet.example.org/k")
    assert keynote.translated("title", "ko") == "기조연설"
    assert list(keynote.speakers.all()) == [source["speaker"]]
    group_work = Activity.objects.get(stage__cohort=copy, title="Group work A")
    assert group_work.group.cohort == copy and group_work.group.name == "Group A"
    survey = Activity.objects.get(stage__cohort=copy, title="Needs survey")
    assert survey.due_at == dt.datetime(2026, 4, 19, 23, 59, tzinfo=SEOUL)
    assert Activity.objects.filter(stage__cohort=copy).count() == 3
    groups = ParticipantGroup.objects.filter(cohort=copy)
    assert [(g.name, g.sort_order) for g in groups] == [("Group A", 1), ("Group B", 2)]
    assert not groups.filter(members__isnull=False).exists()
    venue = Venue.objects.get(cohort=copy)
    assert (venue.name, venue.address, venue.time_zone) == (
        "Haeundae Convention Centre",
        "55 APEC-ro, Haeundae-gu, Busan",
        "Asia/Seoul",
    )
    assert venue.translated("name", "ko") == "해운대 컨벤션센터"

    # The source is untouched.
    assert Activity.objects.filter(stage__cohort=original).count() == 3
    assert original.quotas.get(economy__code="ROK").accepted_count == 1


def test_copy_takes_nothing_personal(source):
    copy = do_copy(source["cohort"], by=source["organizer"])
    assert not Application.objects.filter(cohort=copy).exists()
    assert not Participant.objects.filter(cohort=copy).exists()
    assert not Attendance.objects.filter(activity__stage__cohort=copy).exists()
    # Only the person copying becomes organizer; the reviewer's role stays with the source.
    grants = RoleGrant.objects.filter(cohort=copy)
    assert [(g.user.email, g.role) for g in grants] == [("organizer@example.org", Role.ORGANIZER)]


def test_copy_is_audited(source):
    copy = do_copy(source["cohort"], by=source["organizer"])
    entry = ModelLogEntry.objects.get(
        action="trainings.cohort_copy", content_type__model="cohort", object_id=str(copy.pk)
    )
    assert entry.user == source["organizer"]
    assert entry.data["source"] == {"id": source["cohort"].pk, "slug": "aslp-2025"}
    assert entry.data["after"]["shift_days"] == 364


def test_a_failing_copy_step_undoes_everything(source):
    def broken(src, target, shift):
        raise RuntimeError("broken step")

    register_copier(broken)
    try:
        with pytest.raises(RuntimeError):
            do_copy(source["cohort"])
    finally:
        COPIERS.remove(broken)
    assert not Cohort.objects.filter(slug="aslp-2026").exists()
    assert not Stage.objects.filter(cohort__slug="aslp-2026").exists()


def test_registered_steps_run_with_the_shift(source):
    seen = []

    def step(src, target, shift):
        seen.append((src.slug, target.slug, shift.days, shift.date(dt.date(2025, 1, 1))))

    register_copier(step)
    register_copier(step)  # once only
    try:
        do_copy(source["cohort"], shift_days=7)
    finally:
        COPIERS.remove(step)
    assert seen == [("aslp-2025", "aslp-2026", 7, dt.date(2025, 1, 8))]
    assert copying.copy_stages_and_activities in COPIERS


def test_shift_keeps_the_wall_clock_time_across_daylight_saving():
    shift = Shift(days=30, zone="America/New_York")
    winter = dt.datetime(2025, 3, 1, 14, 0, tzinfo=dt.UTC)  # 09:00 in New York (EST)
    assert shift.moment(winter) == dt.datetime(2025, 3, 31, 13, 0, tzinfo=dt.UTC)  # 09:00 EDT


# -- The admin form --------------------------------------------------------------------------------


def form_data(**changes):
    return {
        "title": "ASLP 2026",
        "slug": "aslp-2026",
        "year": 2026,
        "shift_days": "364",
        "opens_on": "",
        **changes,
    }


def test_organizer_copies_from_the_edit_page(client, source):
    original = source["cohort"]
    client.force_login(source["organizer"])
    edit = client.get(f"{COHORTS}edit/{original.pk}/").content.decode()
    assert copy_url(original) in edit
    listing = client.get(COHORTS).content.decode()
    assert copy_url(original) in listing
    form = client.get(copy_url(original))
    assert form.status_code == 200
    assert 'name="slug"' in form.content.decode()
    response = client.post(copy_url(original), form_data())
    copy = Cohort.objects.get(slug="aslp-2026")
    assert response.status_code == 302
    assert response["Location"] == f"{COHORTS}edit/{copy.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“ASLP 2025” was copied to “ASLP 2026”. Check its dates and open it when ready."
    ]
    # The organizer of the source organizes the copy and can open it.
    assert client.get(response["Location"]).status_code == 200


def test_the_new_opening_date_sets_the_shift(client, source):
    client.force_login(source["organizer"])
    data = form_data(shift_days="", opens_on="2026-01-12")
    assert client.post(copy_url(source["cohort"]), data).status_code == 302
    copy = Cohort.objects.get(slug="aslp-2026")
    assert copy.opens_at == dt.datetime(2026, 1, 12, 9, 0, tzinfo=SEOUL)
    assert copy.workshop_starts == dt.date(2026, 7, 13)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"slug": "aslp-2025"},
            "slug",
            "Another cohort already uses this slug. Choose another one.",
        ),
        ({"slug": "not a slug"}, "slug", None),
        ({"shift_days": ""}, "__all__", "Give either the number of days or the new opening date."),
        (
            {"opens_on": "2026-01-12"},
            "__all__",
            "Give either the number of days or the new opening date, not both.",
        ),
        ({"year": "twenty"}, "year", "Enter a whole number."),
    ],
)
def test_bad_input_is_refused_and_kept(client, source, changes, field, message):
    client.force_login(source["organizer"])
    response = client.post(copy_url(source["cohort"]), form_data(title="Kept title", **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert 'value="Kept title"' in response.content.decode()
    assert not Cohort.objects.filter(title="Kept title").exists()


def test_only_organizers_of_the_cohort_and_superusers_copy(client, source):
    original = source["cohort"]
    other = factories.cohort("other", title="Other cohort")
    other_organizer = factories.organizer(other, "other-org@example.org")
    client.force_login(other_organizer)
    assert client.get(copy_url(original)).status_code == 404
    assert client.post(copy_url(original), form_data()).status_code == 404
    assert copy_url(original) not in client.get(COHORTS).content.decode()
    reviewer = User.objects.get(email="reviewer@example.org")
    client.force_login(reviewer)
    assert client.get(copy_url(original)).status_code in (302, 403)
    editor = factories.user("cms@example.org")
    editor.groups.add(editors_group())
    client.force_login(editor)
    assert client.get(copy_url(original)).status_code in (302, 403, 404)
    assert not Cohort.objects.filter(slug="aslp-2026").exists()

    root = User.objects.create_superuser(email="root@example.org", password="x-Sturdy-42-pass")
    client.force_login(root)
    assert client.post(copy_url(original), form_data()).status_code == 302
    copy = Cohort.objects.get(slug="aslp-2026")
    assert not RoleGrant.objects.filter(cohort=copy).exists()
