"""The public page cache on the demo site: edits show at once; pages stay cacheable."""

from __future__ import annotations

import pytest
from django.utils import translation
from wagtail.images.models import Rendition
from wagtail.models import Page

from aslp_site.public import demo_content as content
from aslp_site.public.models import NewsIndexPage, Partner, SiteSettings
from cohorts.models import Economy, EconomyName

from .helpers import make_article, parse, text_of

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("public-cache")


def warm(client, url: str):
    """Request ``url`` twice: the first answer is stored, the second comes from the cache."""
    first = client.get(url)
    second = client.get(url)
    assert (first.status_code, first["X-Public-Cache"]) == (200, "miss")
    assert (second.status_code, second["X-Public-Cache"]) == (200, "hit")
    return second


def fresh(client, url: str):
    response = client.get(url)
    assert (response.status_code, response["X-Public-Cache"]) == (200, "miss")
    return response


def test_publishing_a_korean_page_shows_the_edit_at_once(client, demo_site):
    old_intro = content.ABOUT["ko"]["intro"]
    assert old_intro in text_of(parse(warm(client, "/ko/about/")))
    page = Page.objects.get(url_path="/home-ko/about/").specific
    page.intro = "새로 고친 소개 문장입니다."
    page.save_revision().publish()

    doc = parse(fresh(client, "/ko/about/"))
    assert text_of(doc.select_one(".page-heading .lead")) == "새로 고친 소개 문장입니다."
    assert old_intro not in text_of(doc)
    assert client.get("/ko/about/")["X-Public-Cache"] == "hit"


def test_saving_a_draft_keeps_the_cached_page_and_its_content(client, demo_site):
    warm(client, "/ko/about/")
    page = Page.objects.get(url_path="/home-ko/about/").specific
    page.intro = "아직 게시하지 않은 초안입니다."
    page.save_revision()
    response = client.get("/ko/about/")
    assert "아직 게시하지 않은 초안입니다." not in response.content.decode()
    assert content.ABOUT["ko"]["intro"] in text_of(parse(response))


def test_publishing_a_title_change_updates_menus_on_other_pages(client, demo_site):
    warm(client, "/ko/news/")
    page = Page.objects.get(url_path="/home-ko/partners/").specific
    page.title = "함께하는 기관"
    page.save_revision().publish()
    menu = [text_of(a) for a in parse(fresh(client, "/ko/news/")).select("nav.main-nav a")]
    assert "함께하는 기관" in menu
    assert content.PARTNERS_PAGE["ko"]["title"] not in menu


def test_editing_site_settings_shows_in_every_footer_at_once(client, demo_site):
    warm(client, "/")
    warm(client, "/ko/about/")
    settings = SiteSettings.objects.get()
    settings.contact_email = "hello@aslp.example.org"
    settings.organization = "ASLP Secretariat"
    settings.save()
    for url in ("/", "/ko/about/"):
        doc = parse(fresh(client, url))
        assert text_of(doc.select_one("address a[href^='mailto:']")) == "hello@aslp.example.org"
        assert text_of(doc.select_one("#footer-about")) == "ASLP Secretariat"
        assert content.SITE_SETTINGS["contact_email"] not in doc.decode()


def test_editing_an_economy_updates_the_economies_and_home_pages(client, demo_site):
    warm(client, "/economies/")
    warm(client, "/")
    japan = Economy.objects.get(name="Japan")
    assert japan.has_participated is False
    japan.has_participated = True
    japan.save()

    doc = parse(fresh(client, "/economies/"))
    row = next(r for r in doc.select("table.economy-table tbody tr") if text_of(r.th) == "Japan")
    assert "is-participant" in row["class"]
    assert [text_of(v) for v in doc.select(".block-figures .figure__value")] == ["14", "11", "3"]
    home = parse(fresh(client, "/"))
    assert "Japan" in [text_of(li) for li in home.select(".home-economies li")]


def test_editing_an_economy_name_updates_the_korean_page(client, demo_site):
    warm(client, "/ko/economies/")
    name = EconomyName.objects.get(economy__code="CT", language_code="ko")
    assert name.name == "중화 타이베이"
    name.name = "중화 타이베이 (수정)"
    name.save()
    doc = parse(fresh(client, "/ko/economies/"))
    names = [text_of(row.th) for row in doc.select("table.economy-table tbody tr")]
    assert "중화 타이베이 (수정)" in names
    assert "중화 타이베이" not in names


def test_editing_a_partner_updates_the_partners_page(client, demo_site):
    warm(client, "/ko/partners/")
    partner = Partner.objects.get(name=content.PARTNERS[0]["ko"][0])
    partner.name = "교육부"
    partner.save()
    doc = parse(fresh(client, "/ko/partners/"))
    assert text_of(doc.select_one("#partners-organizer ~ ul .partner__name")) == "교육부"


def test_publishing_news_updates_the_index_the_feed_and_the_home_page(client, demo_site):
    for url in ("/news/", "/news/feed/", "/"):
        warm(client, url)
    index = NewsIndexPage.objects.get(locale__language_code="en")
    make_article(index, title="Fresh from the press", days_ago=-1)
    assert "Fresh from the press" in text_of(parse(fresh(client, "/news/")))
    assert b"<title>Fresh from the press</title>" in fresh(client, "/news/feed/").content
    latest = parse(fresh(client, "/")).select_one(".home-news .card__title a")
    assert text_of(latest) == "Fresh from the press"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/ko/",
        "/about/",
        "/ko/about/background/",
        "/programme/",
        "/economies/",
        "/ko/economies/",
        "/news/",
        "/news/?page=2",
        "/ko/news/?tag=ASLP%202026",
        "/news/feed/",
        "/ko/news/feed/",
        "/news/call-for-aslp-2027/",
        "/ko/partners/",
        "/faq/",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_anonymous_public_responses_set_no_cookie_and_are_cached(client, demo_site, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response
    assert dict(response.cookies) == {}
    assert response["X-Public-Cache"] == "miss"
    assert client.cookies.get("csrftoken") is None
    assert client.get(url)["X-Public-Cache"] == "hit"


def test_a_first_view_that_makes_image_renditions_is_cached(client, demo_site):
    hero = demo_site.home.hero_image
    Rendition.objects.filter(image=hero).delete()
    warm(client, "/")
    # The first view made the renditions again (banner and share image) without losing its entry.
    assert sorted(hero.renditions.values_list("filter_spec", flat=True)) == [
        "fill-1200x630",
        "fill-1600x600",
    ]


def test_a_cached_page_is_served_in_the_language_of_its_address(client, demo_site):
    """The English and Korean home pages are different cache entries, whatever the browser asks."""
    warm(client, "/")
    warm(client, "/ko/")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="ko")
    korean = client.get("/ko/", HTTP_ACCEPT_LANGUAGE="en")
    assert parse(english).html["lang"] == "en"
    assert parse(korean).html["lang"] == "ko"
    with translation.override("ko"):
        assert text_of(parse(korean).select_one("h1")) == content.HOME["ko"]["title"]
