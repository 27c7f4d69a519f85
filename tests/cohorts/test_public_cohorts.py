"""Public cohort pages and the home page's open call, fed by cohort data: what anyone sees, in
both languages, with constant queries, cached for the anonymous and refreshed when a cohort
changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import Page, Site

from aslp_site.public.models import HomePage
from cohorts.models import ApplicationStatus, CohortStatus, CohortTranslation, ProgrammeTranslation
from cohorts.templatetags.cohorts_tags import format_moment
from tests.cohorts import factories

pytestmark = pytest.mark.django_db


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def finished_cohort(slug="aslp-2024", **extra):
    """A finished cohort with known figures: 4 applications received (one withdrawn later),
    2 participants from 2 economies, 1 draft that never counts."""
    cohort = factories.cohort(
        slug,
        status=CohortStatus.FINISHED,
        opens_in=-dt.timedelta(days=400),
        closes_in=-dt.timedelta(days=300),
        total_seats=24,
        quotas={"ROK": 3, "THA": 3, "USA": 2},
        **extra,
    )
    factories.application(cohort, economy_code="ROK", status=ApplicationStatus.CONFIRMED)
    factories.application(cohort, economy_code="THA", status=ApplicationStatus.CONFIRMED)
    factories.application(cohort, economy_code="THA", status=ApplicationStatus.REJECTED)
    factories.application(cohort, economy_code="USA", status=ApplicationStatus.WITHDRAWN)
    factories.application(cohort, economy_code="USA", status=ApplicationStatus.DRAFT)
    return cohort


# -- The list ---------------------------------------------------------------------------------


def test_the_list_shows_open_calls_and_past_cohorts_with_their_figures(client):
    open_call = factories.cohort("aslp-2026", title="ASLP 2026", time_zone="Asia/Seoul")
    factories.cohort("hidden", status=CohortStatus.DRAFT)
    factories.cohort("soon", opens_in=dt.timedelta(days=5), closes_in=dt.timedelta(days=40))
    finished_cohort(title="ASLP 2024")
    doc = parse(client.get("/cohorts/"))

    card = doc.select_one("#open-calls-heading").find_parent("section").select_one("li")
    assert card["data-cohort"] == "aslp-2026"
    assert card["data-expires"] == open_call.closes_at.isoformat()
    time = card.select_one(".moment time")
    assert time["datetime"] == open_call.closes_at.isoformat()
    assert squash(time.get_text()) == squash(format_moment(open_call.closes_at, "Asia/Seoul"))
    assert card.select_one("[data-countdown]")["data-countdown"] == open_call.closes_at.isoformat()
    assert card.select_one("a.button")["href"] == "/apply/aslp-2026/"

    assert [li["data-cohort"] for li in doc.select("#upcoming-heading ~ ul li")] == ["soon"]
    row = doc.select_one("table.cohort-figures tbody tr")
    assert row["data-cohort"] == "aslp-2024"
    figures = {td["data-figure"]: td.get_text() for td in row.select("td[data-figure]")}
    assert figures == {"received": "4", "participants": "2", "economies": "2", "seats": "24"}
    assert doc.select("[data-cohort=hidden]") == []


def test_the_list_in_korean_uses_translated_titles(client):
    cohort = factories.cohort("aslp-2026", title="ASLP 2026")
    CohortTranslation.objects.create(cohort=cohort, language_code="ko", title="2026 기수")
    doc = parse(client.get("/ko/cohorts/"))
    assert squash(doc.select_one(".cohort-card h3").get_text()) == "2026 기수"
    assert doc.select_one(".cohort-card a.button")["href"] == "/ko/apply/aslp-2026/"
    assert doc.html["lang"] == "ko"


def _cohorts(count: int, offset: int):
    for n in range(count):
        cohort = finished_cohort(f"past-{offset + n}")
        CohortTranslation.objects.create(cohort=cohort, language_code="ko", title=f"기수 {n}")
        factories.cohort(f"open-{offset + n}")


def test_the_list_takes_the_same_queries_for_1_or_20_cohorts(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    _cohorts(1, 0)
    client.get("/ko/cohorts/")  # the first request fills the site and locale caches
    with CaptureQueriesContext(connection) as one:
        client.get("/ko/cohorts/")
    _cohorts(20, 100)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get("/ko/cohorts/")
    assert len(parse(response).select("table.cohort-figures tbody tr")) == 21
    assert len(twenty) == len(one)


# -- One cohort -------------------------------------------------------------------------------


def test_an_open_call_shows_everything_needed_to_apply(client):
    cohort = factories.cohort(
        "aslp-2026",
        title="ASLP 2026",
        description="Three stages.\n\nOne year.",
        languages=["en", "ko"],
        venue_city="Seoul",
        workshop_starts=dt.date(2026, 9, 7),
        workshop_ends=dt.date(2026, 9, 11),
        essay_word_limit=400,
        total_seats=30,
    )
    ProgrammeTranslation.objects.create(
        programme=cohort.programme, language_code="ko", title="APEC 학교 리더십 프로그램"
    )
    doc = parse(client.get("/cohorts/aslp-2026/"))
    page = doc.select_one(".cohort-detail")
    assert (page["data-cohort-status"], page["data-accepting"]) == ("open", "true")
    assert squash(doc.h1.get_text()) == "ASLP 2026"
    assert doc.select_one("#apply-button")["href"] == "/apply/aslp-2026/"
    assert [p.get_text() for p in doc.select(".cohort-description p")] == [
        "Three stages.",
        "One year.",
    ]
    facts = {
        squash(div.dt.get_text()): squash(div.dd.get_text(" "))
        for div in doc.select("section[aria-labelledby=facts-heading] .facts > div")
    }
    assert facts["Seats"] == "30"
    assert facts["Languages"] == "English, 한국어"
    assert facts["Onsite workshop"] == "Seoul"
    assert facts["Motivation essay"] == "Up to 400 words"
    assert facts["Time zone of the programme"] == "Asia/Seoul"
    assert squash(doc.select_one(".stage-dates li").get_text(" ")) == (
        "Onsite workshop : Sept. 7, 2026 to Sept. 11, 2026 (Seoul)"
    )
    quotas = [
        (tr["data-economy"], [td.get_text() for td in tr.select("td")])
        for tr in doc.select(".quota-table tbody tr")
    ]
    assert quotas == [("ROK", ["3", "2"]), ("THA", ["3", "2"])]

    korean = parse(client.get("/ko/cohorts/aslp-2026/"))
    assert korean.select_one(".eyebrow").get_text() == "APEC 학교 리더십 프로그램"
    names = [th.get_text() for th in korean.select(".quota-table tbody th")]
    assert names == ["대한민국", "태국"]
    assert korean.select_one("#apply-button")["href"] == "/ko/apply/aslp-2026/"


def test_closed_upcoming_and_past_cohorts_say_so(client):
    factories.cohort("closed", opens_in=-dt.timedelta(days=30), closes_in=-dt.timedelta(days=1))
    factories.cohort("soon", opens_in=dt.timedelta(days=2), closes_in=dt.timedelta(days=30))
    finished_cohort("done")
    factories.cohort("hidden", status=CohortStatus.DRAFT)
    closed = parse(client.get("/cohorts/closed/"))
    assert closed.select_one("#call-heading").get_text() == "Applications are closed"
    assert closed.select_one("#apply-button") is None
    soon = parse(client.get("/cohorts/soon/"))
    assert soon.select_one("#call-heading").get_text() == "Applications open soon"
    assert soon.select_one("#apply-button") is None
    done = parse(client.get("/cohorts/done/"))
    assert done.select_one("#call-heading").get_text() == "This cohort has finished"
    assert done.select_one("dd[data-figure=participants]").get_text() == "2"
    assert client.get("/cohorts/hidden/").status_code == 404
    assert client.get("/cohorts/nothing/").status_code == 404


def test_a_signed_in_applicant_is_led_back_to_their_application(client):
    cohort = factories.cohort("aslp-2026")
    person = factories.user()
    factories.application(cohort, person, status=ApplicationStatus.DRAFT)
    client.force_login(person)
    doc = parse(client.get("/cohorts/aslp-2026/"))
    link = doc.select_one(".call-box a.button")
    assert (link.get_text(), link["href"]) == ("Continue my application", "/apply/aslp-2026/")


def test_anonymous_pages_are_cached_and_refreshed_when_the_cohort_changes(client):
    cohort = factories.cohort("aslp-2026", title="ASLP 2026")
    for url in ("/cohorts/", "/cohorts/aslp-2026/"):
        assert client.get(url)["X-Public-Cache"] == "miss"
        assert client.get(url)["X-Public-Cache"] == "hit"
    cohort.title = "ASLP 2026 (extended)"
    cohort.save()
    response = client.get("/cohorts/aslp-2026/")
    assert response["X-Public-Cache"] == "miss"
    assert squash(parse(response).h1.get_text()) == "ASLP 2026 (extended)"
    CohortTranslation.objects.create(cohort=cohort, language_code="ko", title="연장")
    assert client.get("/cohorts/")["X-Public-Cache"] == "miss"


# -- The home page's open call ----------------------------------------------------------------


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    page = HomePage(title="APEC School Leadership Program", slug="home-test", call_heading="")
    root.add_child(instance=page)
    page.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = page
    site.save()
    return page


def test_the_home_page_shows_each_open_cohort_from_the_data(client, home):
    later = factories.cohort("aslp-2027", title="ASLP 2027", closes_in=dt.timedelta(days=40))
    sooner = factories.cohort(
        "aslp-2026", title="ASLP 2026", time_zone="Pacific/Kiritimati", closes_in=dt.timedelta(2)
    )
    factories.cohort("draft", status=CohortStatus.DRAFT)
    factories.cohort("soon", opens_in=dt.timedelta(days=1), closes_in=dt.timedelta(days=9))
    section = parse(client.get("/")).select_one("section.open-call")
    assert section.h2.get_text() == "Applications are open"
    assert section["data-expires"] == later.closes_at.isoformat()
    calls = section.select("article.open-call__cohort")
    assert [a["data-cohort"] for a in calls] == ["aslp-2026", "aslp-2027"]
    first = calls[0]
    assert first["data-expires"] == sooner.closes_at.isoformat()
    assert squash(first.h3.get_text()) == "ASLP 2026"
    assert first.h3.a["href"] == "/cohorts/aslp-2026/"
    assert first.select_one("a.button")["href"] == "/apply/aslp-2026/"
    deadline = first.select_one(".deadline")
    iso = sooner.closes_at.isoformat()
    assert deadline.time["datetime"] == iso
    assert deadline.select_one("[data-local-time]")["data-local-time"] == iso
    assert deadline.select_one("[data-countdown]")["data-countdown"] == iso
    assert deadline.select_one(".deadline__zone").get_text() == "(Pacific/Kiritimati)"
    with translation.override("en"):
        shown = timezone.localtime(sooner.closes_at, sooner.zone)
    assert shown.utcoffset() == dt.timedelta(hours=14)


def test_the_editorial_heading_and_text_frame_the_calls(client, home):
    factories.cohort("aslp-2026")
    home.call_heading = "Call for school leaders"
    home.call_text = "<p>Economies nominate up to five leaders.</p>"
    home.save_revision().publish()
    section = parse(client.get("/")).select_one("section.open-call")
    assert section.h2.get_text() == "Call for school leaders"
    assert squash(section.select_one(".rich-text").get_text()) == (
        "Economies nominate up to five leaders."
    )


def test_the_open_call_leaves_the_home_page_at_the_deadline_and_when_a_cohort_changes(client, home):
    cohort = factories.cohort("aslp-2026")
    assert client.get("/")["X-Public-Cache"] == "miss"
    assert client.get("/")["X-Public-Cache"] == "hit"
    with time_machine.travel(cohort.closes_at, tick=False):
        from django.core.cache import cache

        cache.clear()  # a cached copy lives for PUBLIC_PAGE_CACHE_SECONDS; its script hides it
        assert parse(client.get("/")).select_one("section.open-call") is None
        cache.clear()
    assert parse(client.get("/")).select_one("section.open-call") is not None
    cohort.status = CohortStatus.CLOSED
    cohort.save()
    response = client.get("/")
    assert response["X-Public-Cache"] == "miss"
    assert parse(response).select_one("section.open-call") is None


def test_home_page_open_cohorts_bounds(home):
    cohort = factories.cohort("aslp-2026")
    assert HomePage.open_cohorts(cohort.opens_at - dt.timedelta(seconds=1)) == []
    assert HomePage.open_cohorts(cohort.opens_at) == [cohort]
    assert HomePage.open_cohorts(cohort.closes_at - dt.timedelta(seconds=1)) == [cohort]
    assert HomePage.open_cohorts(cohort.closes_at) == []
