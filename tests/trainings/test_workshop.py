"""The public workshop programme page (live from the data, in the reader's language, the venue's
zone, without meeting links, cached for the anonymous) and the organizers' training overview."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import CohortStatus
from tests.trainings import factories as f
from trainings.models import (
    ActivityKind,
    ActivityTranslation,
    SpeakerTranslation,
    VenueTranslation,
)

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def squash(node) -> str:
    return " ".join(node.get_text(" ").replace("\xa0", " ").split())


def joined(node) -> str:
    return " ".join(node.get_text().split())


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@pytest.fixture
def cohort():
    return f.cohort("aslp-2026", title="ASLP 2026", time_zone="Asia/Seoul")


@pytest.fixture
def sessions(cohort):
    """A venue in Bangkok (UTC+7); three sessions over two local days, one per-group session,
    one online meeting and one session of the pre-training (neither on the programme)."""
    venue = f.venue(
        cohort,
        name="Chulalongkorn Hall",
        address="254 Phaya Thai Rd, Bangkok",
        time_zone="Asia/Bangkok",
        practical_information="Lunch is served at the hall.",
    )
    VenueTranslation.objects.create(
        venue=venue, language_code="ko", name="출라롱꼰 홀", practical_information="점심 제공."
    )
    day = cohort.workshop_starts
    group = f.group(cohort, "Group A")
    speaker = f.speaker(
        "Dr. Hana Lee", native_name="이하나", affiliation="Seoul National University", bio="Hana."
    )
    SpeakerTranslation.objects.create(
        speaker=speaker, language_code="ko", affiliation="서울대학교", bio="하나."
    )
    opening = f.activity(
        cohort,
        ActivityKind.OPENING_CEREMONY,
        title="Opening ceremony",
        description="Welcome words.",
        starts_at=at(day, 2),  # 09:00 in Bangkok
        hours=1,
        room="Grand Hall",
        online_url="https://meet.example.org/secret-opening",
    )
    ActivityTranslation.objects.create(
        activity=opening, language_code="ko", title="개회식", description="환영사."
    )
    keynote = f.activity(
        cohort,
        ActivityKind.KEYNOTE,
        title="Leading learning",
        starts_at=at(day, 3, 30),
        room="Hall 1",
    )
    keynote.speakers.add(speaker)
    f.activity(
        cohort,
        ActivityKind.GROUP_ACTIVITY,
        title="School visit planning",
        starts_at=at(day, 18),  # 01:00 the next day in Bangkok
        hours=2,
        group=group,
    )
    f.activity(cohort, ActivityKind.ONLINE_MEETING, title="Kick-off meeting")
    f.activity(cohort, ActivityKind.SURVEY, title="Workshop survey", stage_kind="workshop")
    return venue


def url(cohort, prefix="") -> str:
    return f"{prefix}/cohorts/{cohort.slug}/programme/"


def test_sessions_by_day_in_the_venue_zone_without_meeting_links(client, cohort, sessions):
    response = client.get(url(cohort))

    assert response.status_code == 200
    page = soup(response)
    days = page.select(".programme-day")
    day = cohort.workshop_starts
    assert [d["data-day"] for d in days] == [
        day.isoformat(),
        (day + dt.timedelta(days=1)).isoformat(),
    ]
    rows = [
        [joined(li.select_one(".session__time")), squash(li.select_one(".session__title"))]
        for li in days[0].select(".session")
    ]
    assert rows == [["09:00–10:00", "Opening ceremony"], ["10:30–12:00", "Leading learning"]]
    group_session = days[1].select_one(".session")
    assert joined(group_session.select_one(".session__time")) == "01:00–03:00"
    assert squash(group_session.select_one(".session__group")) == "For Group A only"
    keynote = days[0].select(".session")[1]
    assert squash(keynote.select_one(".speaker")) == (
        "Dr. Hana Lee (이하나) Seoul National University Hana."
    )
    assert squash(keynote.select_one(".session__kind")) == "Keynote speech"
    text = squash(page)
    assert "All times are in the Asia/Bangkok time zone." in text
    assert "Chulalongkorn Hall 254 Phaya Thai Rd, Bangkok Map of the venue" in text
    assert "Lunch is served at the hall." in text
    assert "secret-opening" not in response.content.decode()
    assert "Kick-off meeting" not in text and "Workshop survey" not in text
    pdf_link = page.select_one("[data-programme-pdf]")["href"]
    assert pdf_link == reverse("trainings:public_programme_pdf", kwargs={"slug": cohort.slug})


def test_the_programme_in_korean(client, cohort, sessions):
    response = client.get(url(cohort, "/ko"))

    page = soup(response)
    titles = [squash(t) for t in page.select(".session__title")]
    assert titles[0] == "개회식"
    assert titles[1] == "Leading learning"  # no translation: the source
    assert "환영사." in squash(page.select_one(".session__description"))
    assert "서울대학교" in squash(page.select_one(".speaker__affiliation"))
    assert "출라롱꼰 홀" in squash(page.select_one("[data-venue]"))
    assert "점심 제공." in squash(page.select_one(".practical-information"))
    assert page.select_one("[data-programme-pdf]")["href"] == (
        f"/ko/cohorts/{cohort.slug}/programme.pdf"
    )


def test_without_a_venue_the_cohort_zone_is_used(client, cohort):
    f.activity(
        cohort, ActivityKind.LECTURE, title="Lecture", starts_at=at(cohort.workshop_starts, 0)
    )
    page = soup(client.get(url(cohort)))
    assert joined(page.select_one(".session__time")) == "09:00–10:30"  # Seoul
    assert "All times are in the Asia/Seoul time zone." in squash(page)


def test_draft_and_unknown_cohorts_answer_404(client):
    draft = f.cohort("draft", status=CohortStatus.DRAFT)
    assert client.get(url(draft)).status_code == 404
    assert client.get(f"/cohorts/{draft.slug}/programme.pdf").status_code == 404
    assert client.get("/cohorts/nothing/programme/").status_code == 404


def test_anonymous_pages_are_cached_signed_in_ones_not(client, cohort, sessions):
    first = client.get(url(cohort))
    again = client.get(url(cohort))
    assert (first["X-Public-Cache"], again["X-Public-Cache"]) == ("miss", "hit")

    client.force_login(f.user())
    personal = client.get(url(cohort))
    assert "X-Public-Cache" not in personal
    assert "no-store" in personal["Cache-Control"]


def test_changes_to_sessions_and_their_speakers_show_at_once(client, cohort, sessions):
    newcomer = f.speaker("Prof. Newly Added")
    assert client.get(url(cohort))["X-Public-Cache"] == "miss"
    assert client.get(url(cohort))["X-Public-Cache"] == "hit"
    session = cohort.stages.get(kind="workshop").activities.filter(kind="keynote").get()
    session.speakers.add(newcomer)  # a link only: neither the session nor the speaker is saved
    response = client.get(url(cohort))
    assert response["X-Public-Cache"] == "miss"
    assert "Prof. Newly Added" in squash(soup(response))
    session.title = "A retitled session"
    session.save()
    assert "A retitled session" in squash(soup(client.get(url(cohort))))


def test_the_page_takes_constant_queries(client, cohort, sessions, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(url(cohort))
    with CaptureQueriesContext(connection) as few:
        client.get(url(cohort))
    day = cohort.workshop_starts + dt.timedelta(days=1)
    for hour in range(6):
        session = f.activity(
            cohort, ActivityKind.LECTURE, title=f"L{hour}", starts_at=at(day, hour)
        )
        for n in range(2):
            speaker = f.speaker(f"Speaker {hour}-{n}")
            SpeakerTranslation.objects.create(speaker=speaker, language_code="ko", bio="약력")
            session.speakers.add(speaker)
        ActivityTranslation.objects.create(
            activity=session, language_code="ko", title=f"강의 {hour}"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(cohort))
    assert len(soup(response).select(".session")) == 9
    assert len(many) == len(few)


def test_the_cohort_page_links_to_the_programme_when_there_are_sessions(client, cohort):
    detail = f"/cohorts/{cohort.slug}/"
    assert "Programme of the onsite workshop" not in squash(soup(client.get(detail)))
    f.activity(cohort, ActivityKind.LECTURE)  # saving it empties the public page cache
    link = soup(client.get(detail)).select_one(".workshop-programme-link a")
    assert link["href"] == url(cohort)


# -- The organizers' overview ---------------------------------------------------------------------


def overview(cohort) -> str:
    return reverse("trainings:manage_training", kwargs={"slug": cohort.slug})


def test_the_overview_shows_stages_activities_and_counts(client, cohort, sessions):
    f.participant(cohort, group=f.group(cohort, "Group A"))
    f.participant(cohort)
    client.force_login(f.organizer(cohort))

    response = client.get(overview(cohort))

    assert response.status_code == 200
    page = soup(response)
    figures = {dd["data-figure"]: squash(dd) for dd in page.select("[data-figure]")}
    assert figures == {
        "participants": "2",
        "groups": "1 (1 participant in a group)",
        "sessions": "3",
    }
    stages = page.select("[data-stage]")
    assert [s["data-stage"] for s in stages] == ["pre_training", "workshop", "post_training"]
    assert squash(stages[0].select_one("h2")) == "Online Pre-Training"
    workshop_rows = {
        squash(row.select_one("th")): [joined(cell) for cell in row.select("td")]
        for row in stages[1].select("tbody tr")
    }
    assert list(workshop_rows) == [
        "Workshop survey",
        "Opening ceremony",
        "Leading learning",
        "School visit planning",
    ]
    assert workshop_rows["Opening ceremony"][1:] == ["Opening ceremony", "Everyone", "0"]
    assert "09:00–10:00" in workshop_rows["Opening ceremony"][0]  # Bangkok, the venue's zone
    assert workshop_rows["Leading learning"][1:] == ["Keynote speech", "Everyone", "1"]
    assert workshop_rows["School visit planning"][2] == "Group A"
    assert "Times in Asia/Bangkok" in squash(stages[1])
    assert "Times in Asia/Seoul" in squash(stages[0])
    links = {a["href"] for a in page.select(".manage-links a")}
    assert reverse("trainings:manage_groups", kwargs={"slug": cohort.slug}) in links
    assert reverse("trainings:manage_badges", kwargs={"slug": cohort.slug}) in links
    assert url(cohort) in links


def test_the_overview_takes_constant_queries(client, cohort, sessions):
    client.force_login(f.organizer(cohort))
    client.get(overview(cohort))
    with CaptureQueriesContext(connection) as few:
        client.get(overview(cohort))
    for n in range(5):
        f.activity(cohort, ActivityKind.LECTURE, title=f"Lecture {n}").speakers.add(f.speaker())
        f.participant(cohort)
    with CaptureQueriesContext(connection) as many:
        client.get(overview(cohort))
    assert len(many) == len(few)


def test_the_overview_is_for_the_cohorts_organizers(client, cohort):
    other = f.cohort("other")
    client.force_login(f.organizer(other))
    assert client.get(overview(cohort)).status_code == 404
    assert (
        client.get(reverse("trainings:manage_badges", kwargs={"slug": cohort.slug})).status_code
        == 404
    )
    client.force_login(f.participant(cohort).user)
    assert client.get(overview(cohort)).status_code == 403


def test_the_manage_cohort_page_links_to_the_training(client, cohort):
    client.force_login(f.organizer(cohort))
    page = soup(client.get(reverse("cohorts:manage_cohort", kwargs={"slug": cohort.slug})))
    assert overview(cohort) in {a["href"] for a in page.select(".manage-links a")}


def test_speaker_photos_are_shown_in_constant_queries(client, cohort, sessions, settings):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    image = get_image_model().objects.create(title="Hana", file=get_test_image_file())
    speaker = f.speaker("Prof. Photo", photo=image)
    keynote = f.activity(cohort, ActivityKind.KEYNOTE, title="With photo")
    keynote.speakers.add(speaker)
    first = soup(client.get(url(cohort)))  # makes the rendition
    photo = first.select_one(".speaker__photo")
    assert photo is not None and photo["alt"] == ""
    with CaptureQueriesContext(connection) as one:
        client.get(url(cohort))
    for n in range(3):
        other = f.speaker(f"Photo {n}", photo=image)
        keynote.speakers.add(other)
    client.get(url(cohort))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(cohort))
    assert len(soup(response).select(".speaker__photo")) == 4
    assert len(many) == len(one)


def test_the_pdfs_take_constant_queries(client, cohort, sessions):
    client.force_login(f.organizer(cohort))
    badges = reverse("trainings:manage_badges", kwargs={"slug": cohort.slug})
    programme = reverse("trainings:public_programme_pdf", kwargs={"slug": cohort.slug})
    f.participant(cohort, economy_code="THA")
    client.get(badges)
    with CaptureQueriesContext(connection) as badges_one:
        client.get(badges)
    with CaptureQueriesContext(connection) as programme_one:
        client.get(programme)
    group = f.group(cohort, "Group B")
    for code in ("ROK", "USA", "JPN", "THA"):
        f.participant(cohort, economy_code=code, group=group)
    for n in range(3):
        f.activity(cohort, ActivityKind.LECTURE, title=f"L{n}").speakers.add(f.speaker())
    with CaptureQueriesContext(connection) as badges_many:
        client.get(badges)
    with CaptureQueriesContext(connection) as programme_many:
        client.get(programme)
    assert len(badges_many) == len(badges_one)
    assert len(programme_many) == len(programme_one)
