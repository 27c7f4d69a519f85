"""The live figures blocks of the public site (``aslp_site.public.live`` and ``blocks.py``): exact
figures on a known fixture, in English and Korean; the open call's countdown and the state
without a call; the page cache emptied when the data behind a figure changes; a fixed number of
queries whatever the number of participants.

The fixture (``world``), with what each figure must count:

* 2024, finished, certificates issued: Korea x2, Thailand x1 (3 participants); a completion
  certificate for Korea 1 and Thailand, an attendance one for Korea 2 (completed 2 of 3),
  a revoked one left over; Korea 3 withdrew after confirming (not counted, nor is the
  completion certificate they were given, in the completion figures).
* 2025, finished, no certificates yet: Korea x1, Japan x2. 2025, running: Thailand x1.
* A cohort whose selection is still on (closed) with one confirmed person: not counted.
* The open call (2026): closes 10 days 3 hours 4 minutes after the frozen now.
* Dissemination: accepted 40 + 25; a submitted 100 and a returned 7 do not count.
* Certificates valid: 4 of participants (the withdrawn one's included) and 1 of a speaker = 5.
* Resources: two published (the newer with a Korean title), one being prepared, one withdrawn.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, Site

from aslp_site.public import live
from aslp_site.public.models import HomePage
from assessments import submissions
from assessments.models import (
    Assignment,
    Certificate,
    CertificateKind,
    CertificateStatus,
    Resource,
    ResourceLibraryPage,
    ResourceStatus,
    ResourceTranslation,
)
from cohorts.models import ApplicationStatus, CohortStatus, CohortTranslation
from tests.trainings import factories as f
from trainings.models import ActivityKind, DisseminationReport, ReportStatus, Speaker

from .helpers import parse, squash, text_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
CLOSES = NOW + dt.timedelta(days=10, hours=3, minutes=4, seconds=30)
LIVE_TYPES = ["open_call", "impact_figures", "cohorts_by_year", "economy_counts"]
_serials = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def publish(page):
    page.save_revision().publish()
    return page


def live_body(headings: dict | None = None) -> list:
    headings = headings or {}
    blocks = [(kind, {"heading": headings.get(kind, "")}) for kind in LIVE_TYPES]
    return blocks + [("latest_resources", {"heading": "", "count": 3})]


@pytest.fixture
def site():
    """A home page with every live block and the library, in English (/) and Korean (/ko/)."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    korean = Locale.objects.get_or_create(language_code="ko")[0]
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug="live-home", locale=english, body=live_body())
    )
    publish(home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
    )
    home_ko = home.copy_for_translation(korean)
    home_ko.title = "홈"
    publish(home_ko)
    library = home.add_child(instance=ResourceLibraryPage(title="Resources", slug="resources"))
    publish(library)
    library_ko = library.copy_for_translation(korean).specific
    library_ko.title = "자료실"
    publish(library_ko)
    return home


def cohort(slug, year, status, **extra):
    return f.cohort(
        slug,
        year=year,
        status=status,
        opens_in=extra.pop("opens_in", -dt.timedelta(days=400)),
        closes_in=extra.pop("closes_in", -dt.timedelta(days=300)),
        **extra,
    )


def participants(of, *codes):
    return [f.participant(of, economy_code=code) for code in codes]


def certificate(of, kind, participant=None, *, status=CertificateStatus.VALID, speaker=None):
    n = next(_serials)
    return Certificate.objects.create(
        cohort=of,
        kind=kind,
        participant=participant,
        speaker=speaker,
        serial=f"T-{n:04d}",
        code=f"code-{n}",
        holder_name=f"Holder {n}",
        language="en",
        languages=["en"],
        status=status,
        issued_on=NOW.date(),
        pdf=f"certificates/test/{n}.pdf",
        sha256="0" * 64,
        size=1,
    )


def report(participant, reached, status=ReportStatus.ACCEPTED):
    return DisseminationReport.objects.create(
        participant=participant,
        kind="training",
        held_on=NOW.date(),
        audience="Teachers of my district",
        educators_reached=reached,
        description="A workshop for colleagues.",
        status=status,
    )


def resource(assignment, title, *, status=ResourceStatus.PUBLISHED, days_ago=0, korean=None):
    person = f.participant(assignment.activity.stage.cohort)
    version = submissions.submit(person, assignment, text="The plan.")
    made = Resource.objects.create(
        submission=version.submission,
        version=version,
        title=title,
        summary=f"About {title}.",
        body="The plan.",
        economy=f.economy("ROK"),
    )
    if korean:
        ResourceTranslation.objects.create(
            resource=made, language_code="ko", title=korean, summary=f"{korean} 요약."
        )
    if status != ResourceStatus.PREPARING:
        made.status = status
        made.published_at = NOW - dt.timedelta(days=days_ago)
        made.save()
    return made


@pytest.fixture
def world(site):
    past = cohort("live-2024", 2024, CohortStatus.FINISHED)
    kor1, kor2, tha = participants(past, "ROK", "ROK", "THA")
    gone = f.participant(past, economy_code="ROK")
    gone.application.status = ApplicationStatus.WITHDRAWN
    gone.application.save()
    certificate(past, CertificateKind.COMPLETION, gone)
    certificate(past, CertificateKind.COMPLETION, kor1)
    certificate(past, CertificateKind.COMPLETION, tha)
    certificate(past, CertificateKind.ATTENDANCE, kor2)
    certificate(past, CertificateKind.COMPLETION, kor2, status=CertificateStatus.REVOKED)
    certificate(past, CertificateKind.APPRECIATION, speaker=Speaker.objects.create(name="Dr. Lee"))
    report(kor1, 40)
    report(tha, 25)
    report(kor2, 100, ReportStatus.SUBMITTED)
    report(kor2, 7, ReportStatus.RETURNED)

    finished = cohort("live-2025", 2025, CohortStatus.FINISHED)
    participants(finished, "ROK", "JPN", "JPN")
    running = cohort("live-2025b", 2025, CohortStatus.RUNNING)
    participants(running, "THA")

    selecting = cohort("live-selecting", 2026, CohortStatus.CLOSED)
    participants(selecting, "USA")
    assignment = Assignment.objects.create(
        activity=f.activity(selecting, ActivityKind.ASSIGNMENT, title="Best practice"),
        can_be_published=True,
    )
    resource(assignment, "Reading circles", days_ago=3)
    resource(assignment, "School gardens", days_ago=1, korean="학교 텃밭")
    resource(assignment, "Draft plan", status=ResourceStatus.PREPARING)
    resource(assignment, "Old plan", status=ResourceStatus.WITHDRAWN, days_ago=0)

    call = cohort(
        "live-2026",
        2026,
        CohortStatus.OPEN,
        opens_in=-dt.timedelta(days=20),
        closes_in=CLOSES - NOW,
        title="ASLP 2026",
        total_seats=40,
        time_zone="Asia/Seoul",
    )
    CohortTranslation.objects.create(cohort=call, language_code="ko", title="ASLP 2026 과정")
    return {"past": past, "kor2": kor2, "call": call, "assignment": assignment}


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return parse(response)


def rows(table) -> list[list[str]]:
    return [[text_of(cell) for cell in row.select("th, td")] for row in table.select("tr")]


# -- The figures --------------------------------------------------------------------------------


def test_the_figures_equal_the_hand_counted_ones(world):
    assert [(row.code, row.participants) for row in live.economy_counts("en")] == [
        ("ROK", 3),
        ("JPN", 2),
        ("THA", 2),
    ]
    assert live.cohorts_by_year() == [
        live.YearFigures(year=2024, cohorts=1, participants=3, completed=2),
        live.YearFigures(year=2025, cohorts=2, participants=4, completed=None),
    ]
    assert live.impact() == live.Impact(
        participants=7,
        economies=3,
        completion_rate=live.percent(2, 3),
        educators_reached=65,
        certificates=5,
        resources=2,
    )
    assert str(live.percent(2, 3)) == "66.7"


def test_the_english_home_page_shows_every_figure(client, world):
    doc = get(client, "/")
    economies = doc.select_one("table.live-economies")
    assert rows(economies) == [
        ["Economy", "Participants"],
        ["Republic of Korea", "3"],
        ["Japan", "2"],
        ["Thailand", "2"],
        ["Total", "7"],
    ]
    years = doc.select_one("table.live-years")
    assert years["data-chart"] == "bar"
    assert rows(years) == [
        ["Year", "Cohorts", "Participants", "Completed"],
        ["2024", "1", "3", "2 (66.7%)"],
        ["2025", "2", "4", "— not known yet"],
    ]
    assert [td["data-value"] for td in years.select("td[data-value]")] == ["3", "4"]
    figures = {
        node["data-figure"]: text_of(node.select_one(".figure__value"))
        for node in doc.select(".block-live-impact .figure")
    }
    assert figures == {
        "participants": "7",
        "economies": "3",
        "completion": "66.7%",
        "educators": "65",
        "certificates": "5",
        "resources": "2",
    }
    published = Resource.objects.published().order_by("-published_at")
    assert [
        (text_of(a), a["href"]) for a in doc.select(".block-live-resources .card__title a")
    ] == [(r.title, f"/resources/{r.pk}/") for r in published]
    assert [text_of(p) for p in doc.select(".live-resource__summary")] == [
        "About School gardens.",
        "About Reading circles.",
    ]
    # Each script once, after the blocks that need it.
    scripts = [tag["src"] for tag in doc.select(".stream script")]
    assert scripts == [
        "/static/js/countdown.js",
        "/static/vendor/chartjs/chart.umd.min.js",
        "/static/js/assessments-results.js",
    ]


def test_the_korean_home_page_shows_the_figures_in_korean(client, world):
    doc = get(client, "/ko/")
    assert rows(doc.select_one("table.live-economies"))[1:4] == [
        ["대한민국", "3"],
        ["일본", "2"],
        ["태국", "2"],
    ]
    assert text_of(doc.select_one(".block-live-economies h2")) == "참여 경제체"
    call = doc.select_one(".block-live-call .live-call__cohort")
    assert text_of(call.select_one("h3")) == "ASLP 2026 과정"
    assert text_of(call.select_one(".deadline__label")) == "마감:"
    assert text_of(call.select_one(".live-call__actions .button")) == "지금 지원하기"
    assert call.select_one(".live-call__actions .button")["href"] == "/ko/apply/live-2026/"
    korean = doc.select(".block-live-resources .card__title a")
    garden = Resource.objects.get(title="School gardens")
    reading = Resource.objects.get(title="Reading circles")
    # The Korean title where one exists; else the title as written, marked as English.
    assert [(text_of(a), a["href"], a.get("lang")) for a in korean] == [
        ("학교 텃밭", f"/ko/resources/{garden.pk}/", None),
        ("Reading circles", f"/ko/resources/{reading.pk}/", "en"),
    ]
    assert [text_of(p) for p in doc.select(".live-resource__summary")][0] == "학교 텃밭 요약."


# -- The open call ------------------------------------------------------------------------------


def test_the_countdown_starts_from_the_server_values(client, world):
    call = get(client, "/").select_one(".block-live-call .live-call__cohort")
    assert text_of(call.select_one("h3")) == "ASLP 2026"
    assert call.select_one("h3 a")["href"] == "/cohorts/live-2026/"
    clock = call.select_one("[data-countdown-to]")
    assert clock["data-countdown-to"] == "2026-04-11T12:04:30+00:00"
    assert clock.select_one("time")["datetime"] == "P10DT3H4M"
    assert [
        (part["data-countdown-part"], part["data-value"], text_of(part))
        for part in clock.select("[data-countdown-part]")
    ] == [("day", "10", "10 days"), ("hour", "3", "3 hours"), ("minute", "4", "4 minutes")]
    # The deadline in the cohort's zone (Seoul, UTC+9), and as ISO time for the reader's zone.
    deadline = call.select_one(".deadline")
    assert deadline.select_one("time")["datetime"] == "2026-04-11T12:04:30+00:00"
    assert "April 11, 2026, 9:04 p.m." in squash(text_of(deadline))
    assert call.select_one("[data-local-time]")["data-local-time"] == "2026-04-11T12:04:30+00:00"
    assert text_of(call.select_one(".live-call__seats")) == "40 seats"
    assert call.select_one("[data-countdown-closed]").has_attr("hidden")
    assert text_of(call.select_one(".live-call__actions .button")) == "Apply now"


def test_one_minute_before_the_deadline_the_countdown_shows_one_minute(client, world):
    with time_machine.travel(CLOSES - dt.timedelta(seconds=61), tick=False):
        clock = get(client, "/").select_one(".block-live-call [data-countdown-to]")
    assert [text_of(part) for part in clock.select("[data-countdown-part]")] == [
        "0 days",
        "0 hours",
        "1 minute",
    ]


def test_without_an_open_call_the_next_opening_is_announced(client, world):
    call = world["call"]
    call.opens_at = NOW + dt.timedelta(days=30)
    call.closes_at = NOW + dt.timedelta(days=60)
    call.save()
    block = get(client, "/").select_one(".block-live-call")
    assert block.select("[data-countdown-to]") == []
    next_call = block.select_one(".live-call__next")
    assert text_of(next_call).startswith("Applications for ASLP 2026 open on:")
    assert next_call.select_one("time")["datetime"] == "2026-05-01T09:00:00+00:00"
    # The countdown script is not loaded where there is nothing to count down.
    assert block.select("script") == []


def test_without_any_call_a_short_sentence_says_so(client, world):
    world["call"].delete()
    block = get(client, "/").select_one(".block-live-call")
    assert text_of(block.select_one(".live-call__none")) == (
        "No call for applications is open at the moment."
    )
    korean = get(client, "/ko/").select_one(".block-live-call .live-call__none")
    assert text_of(korean) == "현재 진행 중인 모집 공고가 없습니다."


def test_after_the_deadline_the_call_is_gone(client, world):
    with time_machine.travel(CLOSES, tick=False):
        block = get(client, "/").select_one(".block-live-call")
    assert block.select(".live-call__cohort") == []
    assert text_of(block.select_one(".live-call__none")) == (
        "No call for applications is open at the moment."
    )


def test_editors_heading_replaces_the_usual_one(client, world, site):
    site.body = live_body({"economy_counts": "Our school leaders"})
    publish(site)
    doc = get(client, "/")
    assert text_of(doc.select_one(".block-live-economies h2")) == "Our school leaders"
    assert text_of(doc.select_one(".block-live-impact h2")) == "Impact in numbers"


def test_blocks_with_nothing_to_show_say_so(client, site):
    doc = get(client, "/")
    assert text_of(doc.select_one(".block-live-economies p")) == "No economy has taken part yet."
    assert text_of(doc.select_one(".block-live-years p")) == "No cohort has run yet."
    assert text_of(doc.select_one(".block-live-resources p")) == (
        "No resource has been published yet."
    )
    figures = [node["data-figure"] for node in doc.select(".block-live-impact .figure")]
    assert figures == ["participants", "economies", "educators", "certificates", "resources"]


# -- The page cache -----------------------------------------------------------------------------


def warm(client, url):
    assert client.get(url)["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"


def figure(client, url, name):
    response = client.get(url)
    assert response["X-Public-Cache"] == "miss"
    node = parse(response).select_one(f'.block-live-impact [data-figure="{name}"] .figure__value')
    return text_of(node)


def test_an_issued_certificate_shows_on_the_next_anonymous_request(client, world):
    warm(client, "/")
    warm(client, "/ko/")
    certificate(world["past"], CertificateKind.APPRECIATION, speaker=Speaker.objects.create())
    assert figure(client, "/", "certificates") == "6"
    assert figure(client, "/ko/", "certificates") == "6"


def test_a_published_resource_shows_on_the_next_anonymous_request(client, world):
    warm(client, "/")
    draft = Resource.objects.get(title="Draft plan")
    draft.status = ResourceStatus.PUBLISHED
    draft.published_at = NOW
    draft.save()
    assert figure(client, "/", "resources") == "3"
    titles = [text_of(a) for a in parse(client.get("/")).select(".live-resource .card__title a")]
    assert titles == ["Draft plan", "School gardens", "Reading circles"]


def test_an_accepted_report_and_a_new_participant_show_at_once(client, world):
    warm(client, "/")
    returned = DisseminationReport.objects.get(educators_reached=7)
    returned.status = ReportStatus.ACCEPTED
    returned.save()
    assert figure(client, "/", "educators") == "72"
    f.participant(world["past"], economy_code="JPN")
    assert figure(client, "/", "participants") == "8"


def test_saving_an_application_draft_keeps_the_cached_page(client, world):
    warm(client, "/")
    application = world["kor2"].application
    application.school_name = "Another school"
    application.save()
    assert client.get("/")["X-Public-Cache"] == "hit"


# -- Queries ------------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """``n`` more participants in each counted cohort, with certificates and reports, and ``n``
    more published resources."""
    past = world["past"]
    for index in range(n):
        person = f.participant(past, economy_code=("ROK", "THA", "JPN", "USA")[index % 4])
        certificate(past, CertificateKind.COMPLETION, person)
        report(person, 3)
        resource(world["assignment"], f"Extra {index}", days_ago=10 + index)


def block_queries(kind: str, language: str = "en") -> int:
    from django.test import RequestFactory
    from django.utils import translation

    from aslp_site.public.blocks import BodyBlock

    block = BodyBlock().child_blocks[kind]
    value = block.to_python({"heading": "", "count": 3} if kind == "latest_resources" else {})
    with translation.override(language), CaptureQueriesContext(connection) as captured:
        block.render(value, {"request": RequestFactory().get("/")})
    return len(captured.captured_queries)


def page_queries(client, url) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_each_block_reads_a_fixed_small_number_of_queries(client, world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    kinds = LIVE_TYPES + ["latest_resources"]
    block_queries("latest_resources")  # site root paths are cached on first use
    few = {kind: block_queries(kind) for kind in kinds}
    few_korean = {kind: block_queries(kind, "ko") for kind in kinds}
    pages = (page_queries(client, "/"), page_queries(client, "/ko/"))
    grow(world, 12)
    assert {kind: block_queries(kind) for kind in kinds} == few
    assert {kind: block_queries(kind, "ko") for kind in kinds} == few_korean
    assert (page_queries(client, "/"), page_queries(client, "/ko/")) == pages
    assert few == {
        "open_call": 2,
        "impact_figures": 5,
        "cohorts_by_year": 1,
        "economy_counts": 3,
        "latest_resources": 4,
    }
