"""The training screens of the Wagtail admin: stages, activities, venues and speakers, scoped to
the cohorts a person organizes, through the real admin URLs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format
from wagtail.models import ModelLogEntry

from aslp_site.accounts.demo import editors_group
from aslp_site.accounts.models import User
from tests.trainings import factories
from trainings.models import Activity, ActivityKind, Speaker, Stage, StageKind, Venue

pytestmark = pytest.mark.django_db

STAGES = "/admin/programme/stages/"
ACTIVITIES = "/admin/programme/activities/"
VENUES = "/admin/programme/venues/"
SPEAKERS = "/admin/programme/speakers/"


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@example.org", password=factories.cf.PASSWORD)


@pytest.fixture
def world():
    """Cohorts X and Y with a lecture, a venue and an organizer each."""
    x = factories.cohort("cohort-x", title="Cohort X 2026")
    y = factories.cohort("cohort-y", title="Cohort Y 2026")
    return {
        "x": x,
        "y": y,
        "organizer_x": factories.organizer(x, "organizer-x@example.org"),
        "organizer_y": factories.organizer(y, "organizer-y@example.org"),
        "lecture_x": factories.activity(x, title="Lecture of X"),
        "lecture_y": factories.activity(y, title="Lecture of Y"),
        "venue_x": factories.venue(x, name="Venue of X"),
        "venue_y": factories.venue(y, name="Venue of Y"),
    }


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = row.pop("id", "")
        data[f"{prefix}-{i}-DELETE"] = ""
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def activity_data(stage: Stage, **changes) -> dict:
    data = {
        "stage": stage.pk,
        "kind": ActivityKind.LECTURE,
        "title": "Leading learning",
        "description": "How principals lead learning.",
        "starts_at": "2026-07-06 09:00",
        "ends_at": "2026-07-06 10:30",
        "due_at": "",
        "room": "Hall A",
        "online_url": "",
        "group": "",
        "takes_attendance": "on",
        "is_required": "on",
        **formset("translations", [{"language_code": "ko", "title": "배움을 이끄는 리더십"}]),
    }
    data.update(changes)
    return data


# -- Who sees what ---------------------------------------------------------------------------------


def test_organizer_sees_only_their_cohorts_activities(client, world):
    client.force_login(world["organizer_x"])
    html = client.get(ACTIVITIES).content.decode()
    assert "Lecture of X" in html
    assert "Lecture of Y" not in html
    venues = client.get(VENUES).content.decode()
    assert "Venue of X" in venues and "Venue of Y" not in venues
    stages = client.get(STAGES).content.decode()
    assert "Cohort X 2026" in stages and "Cohort Y 2026" not in stages


@pytest.mark.parametrize("action", ["edit", "delete", "history"])
def test_organizer_gets_404_on_another_cohorts_objects(client, world, action):
    client.force_login(world["organizer_x"])
    stage_y = Stage.objects.get(cohort=world["y"], kind=StageKind.WORKSHOP)
    for base, obj in (
        (ACTIVITIES, world["lecture_y"]),
        (VENUES, world["venue_y"]),
        (STAGES, stage_y),
    ):
        assert client.get(f"{base}{action}/{obj.pk}/").status_code == 404, base
    stage_x = Stage.objects.get(cohort=world["x"], kind=StageKind.WORKSHOP)
    for base, obj in (
        (ACTIVITIES, world["lecture_x"]),
        (VENUES, world["venue_x"]),
        (STAGES, stage_x),
    ):
        assert client.get(f"{base}{action}/{obj.pk}/").status_code == 200, base


def test_organizer_cannot_move_an_activity_into_another_cohort(client, world):
    client.force_login(world["organizer_x"])
    stage_y = Stage.objects.get(cohort=world["y"], kind=StageKind.WORKSHOP)
    response = client.post(f"{ACTIVITIES}new/", activity_data(stage_y))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Activity.objects.filter(title="Leading learning").exists()


def test_cms_editor_gets_nothing(client, world):
    editor = factories.user("cms@example.org")
    editor.groups.add(editors_group())
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert '"label": "Activities and sessions"' not in html
    for path in (STAGES, ACTIVITIES, VENUES, SPEAKERS, f"{ACTIVITIES}new/"):
        assert client.get(path).status_code in (302, 403), path
    assert client.get(f"{ACTIVITIES}edit/{world['lecture_x'].pk}/").status_code in (302, 403, 404)


def test_superuser_sees_everything(client, world, superuser):
    client.force_login(superuser)
    html = client.get(ACTIVITIES).content.decode()
    assert "Lecture of X" in html and "Lecture of Y" in html
    for label in ("Training stages", "Activities and sessions", "Workshop venues", "Speakers"):
        assert f'"label": "{label}"' in client.get("/admin/").content.decode()
    assert client.get(f"{ACTIVITIES}edit/{world['lecture_y'].pk}/").status_code == 200


def test_organizer_menu_lists_the_training_screens(client, world):
    client.force_login(world["organizer_x"])
    html = client.get("/admin/").content.decode()
    for label in ("Training stages", "Activities and sessions", "Workshop venues", "Speakers"):
        assert f'"label": "{label}"' in html


# -- Activities ------------------------------------------------------------------------------------


def test_organizer_adds_an_activity_with_translation_and_history(client, world):
    client.force_login(world["organizer_x"])
    stage = Stage.objects.get(cohort=world["x"], kind=StageKind.WORKSHOP)
    speaker = factories.speaker("Dr. Hana Lee")
    response = client.post(f"{ACTIVITIES}new/", activity_data(stage, speakers=[speaker.pk]))
    assert response.status_code == 302
    made = Activity.objects.get(title="Leading learning")
    # Typed in the venue's zone (Seoul, UTC+9).
    assert made.starts_at == dt.datetime(2026, 7, 6, 0, 0, tzinfo=dt.UTC)
    assert made.ends_at == dt.datetime(2026, 7, 6, 1, 30, tzinfo=dt.UTC)
    assert made.translated("title", "ko") == "배움을 이끄는 리더십"
    assert list(made.speakers.all()) == [speaker]
    entry = ModelLogEntry.objects.get(
        content_type__model="activity", object_id=str(made.pk), action="wagtail.create"
    )
    assert entry.user == world["organizer_x"]


def test_an_end_before_the_start_is_shown_on_the_field(client, world):
    client.force_login(world["organizer_x"])
    stage = Stage.objects.get(cohort=world["x"], kind=StageKind.WORKSHOP)
    data = activity_data(stage, ends_at="2026-07-06 08:00")
    response = client.post(f"{ACTIVITIES}new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["ends_at"] == ["The end must be after the start."]
    html = response.content.decode()
    assert 'value="Leading learning"' in html  # what was typed is kept
    assert not Activity.objects.filter(title="Leading learning").exists()


def test_a_due_task_needs_a_due_date(client, world):
    client.force_login(world["organizer_x"])
    stage = Stage.objects.get(cohort=world["x"], kind=StageKind.PRE_TRAINING)
    data = activity_data(stage, kind=ActivityKind.SURVEY, starts_at="", ends_at="")
    response = client.post(f"{ACTIVITIES}new/", data)
    assert response.context["form"].errors["due_at"] == [
        "A survey, assignment or dissemination task needs a due date."
    ]


def test_activities_filter_by_kind_and_stage(client, world, superuser):
    factories.activity(world["x"], ActivityKind.SURVEY, title="Needs survey")
    client.force_login(superuser)
    html = client.get(ACTIVITIES, {"kind": ActivityKind.SURVEY}).content.decode()
    assert "Needs survey" in html and "Lecture of X" not in html
    pre = Stage.objects.get(cohort=world["x"], kind=StageKind.PRE_TRAINING)
    html = client.get(ACTIVITIES, {"stage": pre.pk}).content.decode()
    assert "Needs survey" in html and "Lecture of X" not in html
    html = client.get(ACTIVITIES, {"stage__cohort": world["y"].pk}).content.decode()
    assert "Lecture of Y" in html and "Lecture of X" not in html


@pytest.mark.parametrize("path", [ACTIVITIES, STAGES, VENUES, SPEAKERS])
def test_listings_use_a_constant_number_of_queries(client, world, path):
    client.force_login(world["organizer_x"])

    def count():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    factories.speaker("Dr. First")
    few = count()
    for n in range(15):
        factories.activity(world["x"], title=f"Session {n}")
        factories.activity(world["x"], ActivityKind.SURVEY, title=f"Survey {n}")
        factories.speaker(f"Speaker {n}")
        extra = factories.cohort(f"extra-{n}")
        factories.grant(world["organizer_x"], "organizer", extra)
        factories.venue(extra, name=f"Venue {n}")
    assert count() == few


# -- Stages, venues, speakers ----------------------------------------------------------------------


def test_stage_edit_shows_the_cohorts_dates_read_only(client, world):
    client.force_login(world["organizer_x"])
    stage = Stage.objects.get(cohort=world["x"], kind=StageKind.WORKSHOP)
    html = client.get(f"{STAGES}edit/{stage.pk}/").content.decode()
    assert date_format(world["x"].workshop_starts) in html
    assert date_format(world["x"].workshop_ends) in html
    assert "kept on the cohort" in html
    data = {
        "kind": StageKind.WORKSHOP,
        "title": "Busan workshop",
        "description": "Four days in Busan.",
        **formset("translations", [{"language_code": "ko", "title": "부산 워크숍"}]),
    }
    assert client.post(f"{STAGES}edit/{stage.pk}/", data).status_code == 302
    stage.refresh_from_db()
    assert stage.cohort == world["x"]
    assert stage.title == "Busan workshop"
    assert stage.translated("title", "ko") == "부산 워크숍"


def test_translation_in_english_is_refused(client, world):
    client.force_login(world["organizer_x"])
    data = {
        "cohort": world["x"].pk,
        "kind": StageKind.WORKSHOP,
        "title": "Again",
        "description": "",
        **formset("translations", [{"language_code": "en", "title": "Again"}]),
    }
    Stage.objects.filter(cohort=world["x"], kind=StageKind.WORKSHOP).delete()
    response = client.post(f"{STAGES}new/", data)
    assert response.status_code == 200
    assert "English is written in the main fields above" in response.content.decode()


def test_two_translations_in_one_language_are_refused_with_a_message(client, world):
    client.force_login(world["organizer_x"])
    Stage.objects.filter(cohort=world["x"], kind=StageKind.WORKSHOP).delete()
    rows = [{"language_code": "ko", "title": "부산 워크숍"}, {"language_code": "ko", "title": "또"}]
    data = {
        "cohort": world["x"].pk,
        "kind": StageKind.WORKSHOP,
        "title": "Workshop",
        "description": "",
        **formset("translations", rows),
    }
    response = client.post(f"{STAGES}new/", data)
    assert response.status_code == 200
    assert "There is already a translation in this language above." in response.content.decode()
    assert not Stage.objects.filter(cohort=world["x"], kind=StageKind.WORKSHOP).exists()


def test_organizer_edits_their_venue(client, world):
    client.force_login(world["organizer_x"])
    venue = world["venue_x"]
    data = {
        "name": "Haeundae Convention Centre",
        "address": "1 Harbour Road, Busan",
        "map_url": "https://maps.example.org/hcc",
        "time_zone": "Asia/Seoul",
        "practical_information": "Metro line 2.",
        **formset("translations", [{"language_code": "ko", "name": "해운대 컨벤션센터"}]),
    }
    assert client.post(f"{VENUES}edit/{venue.pk}/", data).status_code == 302
    venue.refresh_from_db()
    assert (venue.name, venue.cohort) == ("Haeundae Convention Centre", world["x"])
    assert venue.translated("name", "ko") == "해운대 컨벤션센터"
    bad = {**data, "time_zone": "Mars/Olympus"}
    response = client.post(f"{VENUES}edit/{venue.pk}/", bad)
    assert "Unknown time zone" in response.content.decode()


def test_speakers_are_shared_by_organizers(client, world):
    speaker = factories.speaker("Prof. Minho Park")
    client.force_login(world["organizer_y"])
    assert "Prof. Minho Park" in client.get(SPEAKERS).content.decode()
    data = {
        "name": "Prof. Minho Park",
        "native_name": "박민호",
        "affiliation": "Busan National University of Education",
        "bio": "Researches school leadership.",
        "photo": "",
        **formset(
            "translations",
            [{"language_code": "ko", "affiliation": "부산교육대학교", "bio": "학교 리더십 연구"}],
        ),
    }
    assert client.post(f"{SPEAKERS}edit/{speaker.pk}/", data).status_code == 302
    speaker.refresh_from_db()
    assert speaker.native_name == "박민호"
    assert speaker.translated("affiliation", "ko") == "부산교육대학교"
    assert client.post(f"{SPEAKERS}new/", {**data, "name": "Dr. New"}).status_code == 302
    assert Speaker.objects.filter(name="Dr. New").exists()
    # Deleting a shared speaker is for superusers.
    assert client.get(f"{SPEAKERS}delete/{speaker.pk}/").status_code in (403, 404)


def test_venue_of_another_cohort_cannot_be_created(client, world):
    client.force_login(world["organizer_x"])
    Venue.objects.filter(cohort=world["y"]).delete()
    data = {
        "cohort": world["y"].pk,
        "name": "Elsewhere",
        "address": "Somewhere",
        "map_url": "",
        "time_zone": "Asia/Seoul",
        "practical_information": "",
        **formset("translations", []),
    }
    response = client.post(f"{VENUES}new/", data)
    assert response.status_code == 200
    assert not Venue.objects.filter(name="Elsewhere").exists()


def test_a_group_of_another_cohort_is_refused_on_the_field(client, world, superuser):
    client.force_login(superuser)
    stage = Stage.objects.get(cohort=world["x"], kind=StageKind.WORKSHOP)
    group_y = factories.group(world["y"], "Group Y")
    response = client.post(f"{ACTIVITIES}new/", activity_data(stage, group=group_y.pk))
    assert response.context["form"].errors["group"] == ["This group belongs to another cohort."]


def test_organizer_opens_the_add_forms(client, world):
    client.force_login(world["organizer_x"])
    for base in (STAGES, ACTIVITIES, VENUES, SPEAKERS):
        assert client.get(f"{base}new/").status_code == 200, base
    html = client.get(f"{ACTIVITIES}new/").content.decode()
    assert "Cohort X 2026" in html and "Cohort Y 2026" not in html
