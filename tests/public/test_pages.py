"""Every page type of the public site, in English and Korean, with the demo's own words."""

from __future__ import annotations

import datetime
import json
import uuid
import xml.etree.ElementTree as ET
import zoneinfo
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import time_machine
from django.core.cache import cache
from django.utils import formats, translation
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Page

from aslp_site.public import demo_content as content
from aslp_site.public.models import (
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    Partner,
    SiteSettings,
)
from cohorts.demo import CURRENT_SLUG, PARTICIPATING_CODES
from cohorts.models import Cohort, Economy

from .helpers import (
    BASE,
    block_value,
    body_text,
    first_sentence,
    link_href,
    main_text,
    make_article,
    meta,
    parse,
    parse_fragment,
    text_of,
)

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("public-pages")

_, ARTICLE_SLUG, _, ARTICLE_TAGS, ARTICLE_EN, ARTICLE_KO = content.NEWS[0]


@dataclass(frozen=True)
class Expected:
    url: str
    language: str
    title: str
    description: str
    sentence: str  # a sentence of the page's own content, in its language only
    other_url: str  # the same page in the other language
    share_image: str = ""  # "hero" or "article" when the page has a share (og:) image


def both(url_en: str, url_ko: str, spec: dict, sentence, share_image: str = ""):
    """English and Korean expectations of one page from its demo_content entry."""
    return [
        Expected(
            url=url,
            language=lang,
            title=spec[lang]["title"],
            description=spec[lang]["search_description"],
            sentence=sentence(spec[lang]),
            other_url=other,
            share_image=share_image,
        )
        for url, lang, other in ((url_en, "en", url_ko), (url_ko, "ko", url_en))
    ]


def _body(words):
    return first_sentence(body_text(words["body"]))


PAGES = [
    *both("/", "/ko/", content.HOME, lambda w: first_sentence(w["intro"]), "hero"),
    *both("/about/", "/ko/about/", content.ABOUT, _body),
    *both("/about/background/", "/ko/about/background/", content.BACKGROUND, _body),
    *both(
        "/programme/",
        "/ko/programme/",
        content.STAGES,
        lambda w: first_sentence(w["stages"][1]["summary"]),
    ),
    *both("/economies/", "/ko/economies/", content.ECONOMIES, lambda w: first_sentence(w["intro"])),
    *both("/news/", "/ko/news/", content.NEWS_INDEX, lambda w: first_sentence(w["intro"])),
    *both(
        f"/news/{ARTICLE_SLUG}/",
        f"/ko/news/{ARTICLE_SLUG}/",
        # A news article's share description is its summary.
        {
            lang: {**words, "search_description": words["intro"]}
            for lang, words in (("en", ARTICLE_EN), ("ko", ARTICLE_KO))
        },
        lambda w: first_sentence(w["body"]),
        "article",
    ),
    *both(
        "/partners/",
        "/ko/partners/",
        content.PARTNERS_PAGE,
        lambda w: first_sentence(w["intro"]),
    ),
    *both(
        "/faq/",
        "/ko/faq/",
        content.FAQ,
        lambda w: first_sentence(block_value(w["body"], "accordion")["items"][0]["answer"]),
    ),
]


def share_image_url(demo_site, expected: Expected) -> str:
    if expected.share_image == "hero":
        image = demo_site.home.hero_image
    else:
        image = NewsArticlePage.objects.get(slug=ARTICLE_SLUG, locale__language_code="en").image
    return BASE + image.get_rendition("fill-1200x630").url


@pytest.mark.parametrize("expected", PAGES, ids=[expected.url for expected in PAGES])
def test_page_renders_with_its_own_content_in_its_language(client, demo_site, expected):
    response = client.get(expected.url)
    assert response.status_code == 200
    doc = parse(response)

    assert doc.html["lang"] == expected.language
    assert [text_of(h1) for h1 in doc.find_all("h1")] == [expected.title]
    assert expected.sentence in main_text(doc)
    other = parse(client.get(expected.other_url))
    assert expected.sentence not in main_text(other)

    switcher = doc.select_one("nav.language-switcher")
    other_language = "ko" if expected.language == "en" else "en"
    assert switcher.select_one(f"a[hreflang={other_language}]")["href"] == expected.other_url
    current = switcher.select_one(f"a[hreflang={expected.language}]")
    assert (current["href"], current.get("aria-current")) == (expected.url, "true")

    english_url = expected.url if expected.language == "en" else expected.other_url
    korean_url = expected.url if expected.language == "ko" else expected.other_url
    assert link_href(doc, "alternate", hreflang="ko") == BASE + korean_url
    assert link_href(doc, "alternate", hreflang="en") == BASE + english_url
    assert link_href(doc, "alternate", hreflang="x-default") == BASE + english_url
    assert link_href(doc, "canonical") == BASE + expected.url

    assert meta(doc, "og:title") == expected.title
    assert meta(doc, "og:description") == expected.description
    assert meta(doc, "description") == expected.description
    assert meta(doc, "og:url") == BASE + expected.url
    assert meta(doc, "og:locale") == {"en": "en_US", "ko": "ko_KR"}[expected.language]
    if expected.share_image:
        assert meta(doc, "og:image") == share_image_url(demo_site, expected)
        assert (meta(doc, "og:image:width"), meta(doc, "og:image:height")) == ("1200", "630")
        assert meta(doc, "twitter:card") == "summary_large_image"
    else:
        assert meta(doc, "og:image") is None
        assert meta(doc, "twitter:card") == "summary"


# Blocks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "lang"), [("/about/", "en"), ("/ko/about/", "ko")])
def test_key_figures_show_13_economies_with_their_label(client, demo_site, url, lang):
    figures = block_value(content.ABOUT[lang]["body"], "key_figures")
    doc = parse(client.get(url))
    block = doc.select_one(".block-figures")
    assert text_of(block.h2) == figures["heading"]
    shown = [
        (text_of(node.select_one(".figure__value")), text_of(node.dt))
        for node in block.select(".figure")
    ]
    assert shown == [(figure["value"], figure["label"]) for figure in figures["figures"]]
    assert ("13", figures["figures"][3]["label"]) in shown


@pytest.mark.parametrize(("url", "lang"), [("/about/", "en"), ("/ko/about/", "ko")])
def test_quote_shows_the_quotation_and_who_said_it(client, demo_site, url, lang):
    quote = block_value(content.ABOUT[lang]["body"], "quote")
    block = parse(client.get(url)).select_one("figure.block-quote")
    assert text_of(block.blockquote) == quote["quote"]
    assert text_of(block.figcaption) == f"{quote['attribution']}, {quote['role']}"


@pytest.mark.parametrize(
    ("url", "lang", "stages_url"),
    [("/about/", "en", "/programme/"), ("/ko/about/", "ko", "/ko/programme/")],
)
def test_call_to_action_links_to_the_stages_page_in_the_page_language(
    client, demo_site, url, lang, stages_url
):
    cta = block_value(content.ABOUT[lang]["body"], "call_to_action")
    block = parse(client.get(url)).select_one("aside.block-cta")
    assert text_of(block.h2) == cta["heading"]
    assert text_of(block.p) == cta["text"]
    button = block.select_one("a.button")
    assert (button["href"], text_of(button)) == (stages_url, cta["button_label"])


@pytest.mark.parametrize(("url", "lang"), [("/faq/", "en"), ("/ko/faq/", "ko")])
def test_accordion_renders_questions_as_details_and_summary(client, demo_site, url, lang):
    doc = parse(client.get(url))
    accordions = [value for kind, value in content.FAQ[lang]["body"] if kind == "accordion"]
    sections = doc.select("section.block-accordion")
    assert [text_of(section.h2) for section in sections] == [a["heading"] for a in accordions]
    questions = [item["question"] for accordion in accordions for item in accordion["items"]]
    assert [text_of(summary) for summary in doc.select("details > summary")] == questions
    first_answer = accordions[0]["items"][0]["answer"]
    assert text_of(doc.select_one("details > .rich-text")) == first_sentence(first_answer)


@pytest.mark.parametrize(("url", "lang"), [("/about/", "en"), ("/ko/about/", "ko")])
def test_image_block_shows_the_picture_with_caption_and_credit(client, demo_site, url, lang):
    image = block_value(content.ABOUT[lang]["body"], "image")
    figure = parse(client.get(url)).select_one("figure.block-image")
    assert figure.img["alt"] == image["alt_text"]
    assert figure.img["src"].startswith("/media/images/demo-workshop")
    assert text_of(figure.figcaption) == f"{image['caption']} {image['credit']}"


def test_video_block_shows_the_embedded_player_and_a_fallback_link(client, demo_site):
    url = "https://www.youtube.com/watch?v=aslp-demo-1"
    iframe = (
        '<iframe width="480" height="270" src="https://www.youtube.com/embed/aslp-demo-1" '
        'title="Workshop highlights" frameborder="0" allowfullscreen></iframe>'
    )
    # A stored embed: rendering finds it by its hash and never asks YouTube.
    Embed.objects.create(
        url=url,
        max_width=None,
        hash=get_embed_hash(url, None, None),
        type="video",
        html=iframe,
        title="Workshop highlights",
        provider_name="YouTube",
        width=480,
        height=270,
        thumbnail_url="",
    )
    about = Page.objects.get(url_path="/home/about/").specific
    video = {"video": url, "title": "Workshop highlights", "caption": "A week in Seoul."}
    page = about.add_child(
        instance=about.__class__(
            title="Videos",
            slug="videos",
            body=json.dumps([{"type": "video", "value": video, "id": str(uuid.uuid4())}]),
        )
    )
    page.save_revision().publish()

    response = client.get("/about/videos/")
    figure = parse(response).select_one("figure.block-video")
    assert iframe in response.content.decode()
    assert figure.select_one(".video-frame iframe")["src"] == (
        "https://www.youtube.com/embed/aslp-demo-1"
    )
    assert figure.select_one(".video-frame")["title"] == "Workshop highlights"
    link = figure.figcaption.a
    assert (link["href"], text_of(link)) == (url, "Watch “Workshop highlights” on the video site")
    assert text_of(figure.figcaption).startswith("A week in Seoul. ")


# Programme stages ---------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "lang"), [("/programme/", "en"), ("/ko/programme/", "ko")])
def test_stages_page_lists_the_three_stages_with_activities(client, demo_site, url, lang):
    doc = parse(client.get(url))
    stages = content.STAGES[lang]["stages"]
    assert [text_of(node) for node in doc.select(".timeline .stage__title")] == [
        stage["title"] for stage in stages
    ]
    assert [text_of(li) for li in doc.select(".stage")[1].select(".stage__activities li")] == (
        stages[1]["activities"]
    )


# Home page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "lang"), [("/", "en"), ("/ko/", "ko")])
def test_home_shows_stages_latest_news_and_participating_economies(client, demo_site, url, lang):
    doc = parse(client.get(url))
    stages = [stage["title"] for stage in content.STAGES[lang]["stages"]]
    assert [text_of(node) for node in doc.select(".home-stages .stage__title")] == stages
    prefix = "" if lang == "en" else "/ko"
    assert doc.select(".home-stages a")[-1]["href"] == f"{prefix}/programme/"
    # The three newest articles, newest first (NEWS is ordered by age).
    latest = [(entry[1], entry[4 if lang == "en" else 5]["title"]) for entry in content.NEWS[:3]]
    cards = doc.select(".home-news .news-card .card__title a")
    assert [(a["href"], text_of(a)) for a in cards] == [
        (f"{prefix}/news/{slug}/", title) for slug, title in latest
    ]
    chips = [text_of(li) for li in doc.select(".home-economies li")]
    with translation.override(lang):
        names = [e.localized_name() for e in Economy.objects.filter(has_participated=True)]
    assert chips == names
    assert len(chips) == len(PARTICIPATING_CODES) == 13


def seoul_format(moment: datetime.datetime, lang: str) -> str:
    with translation.override(lang):
        return formats.date_format(
            moment.astimezone(zoneinfo.ZoneInfo("Asia/Seoul")), "DATETIME_FORMAT"
        )


def demo_call() -> Cohort:
    """The demo's open cohort, whose call the home page shows."""
    return Cohort.objects.get(slug=CURRENT_SLUG)


@pytest.mark.parametrize(("url", "lang"), [("/", "en"), ("/ko/", "ko")])
def test_open_call_states_the_deadline_in_seoul_time(client, demo_site, url, lang):
    deadline = demo_call().closes_at
    # The demo's call closes at 18:00 in Seoul, three weeks ahead.
    assert deadline.astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).time() == datetime.time(18, 0)
    iso = deadline.astimezone(datetime.UTC).isoformat()
    section = parse(client.get(url)).select_one("section.open-call")
    assert text_of(section.h2) == content.HOME[lang]["call_heading"]
    assert text_of(section.select_one(".rich-text")) == text_of(
        parse_fragment(content.HOME[lang]["call_text"])
    )
    with translation.override(lang):
        assert text_of(section.h3) == demo_call().translated("title")
    time_node = section.select_one(".deadline time")
    assert (time_node["datetime"], text_of(time_node)) == (iso, seoul_format(deadline, lang))
    assert text_of(section.select_one(".deadline__zone")) == "(Asia/Seoul)"
    assert section.select_one("[data-local-time]")["data-local-time"] == iso
    assert section.select_one("[data-countdown]")["data-countdown"] == iso
    assert section["data-expires"] == iso
    # The way to apply is the cohort's application form, in the reader's language.
    prefix = "" if lang == "en" else "/ko"
    assert section.select_one("a.button")["href"] == f"{prefix}/apply/{CURRENT_SLUG}/"
    assert section.h3.a["href"] == f"{prefix}/cohorts/{CURRENT_SLUG}/"


@pytest.mark.parametrize("url", ["/", "/ko/"])
def test_open_call_is_gone_once_the_deadline_has_passed(client, demo_site, url):
    deadline = demo_call().closes_at
    with time_machine.travel(deadline - datetime.timedelta(seconds=1), tick=False):
        assert parse(client.get(url)).select_one("section.open-call") is not None
    cache.clear()  # a cached copy lives on for PUBLIC_PAGE_CACHE_SECONDS (script hides it)
    with time_machine.travel(deadline, tick=False):
        doc = parse(client.get(url))
    assert doc.select_one("section.open-call") is None
    assert doc.select_one("[data-local-time]") is None
    assert [text_of(h1) for h1 in doc.find_all("h1")] == [
        content.HOME["en" if url == "/" else "ko"]["title"]
    ]


def test_open_call_goes_when_organizers_move_the_deadline_into_the_past(client, demo_site):
    assert parse(client.get("/")).select_one("section.open-call") is not None
    assert parse(client.get("/ko/")).select_one("section.open-call") is not None
    cohort = demo_call()
    cohort.opens_at = datetime.datetime(2019, 12, 1, 0, 0, tzinfo=datetime.UTC)
    cohort.closes_at = datetime.datetime(2020, 1, 31, 9, 0, tzinfo=datetime.UTC)
    cohort.save()
    # The call is cohort data: both languages follow at once (the cache is emptied).
    assert parse(client.get("/")).select_one("section.open-call") is None
    assert parse(client.get("/ko/")).select_one("section.open-call") is None


# Economies --------------------------------------------------------------------------------


def test_economies_page_lists_all_21_apec_members_and_marks_the_participants(client, demo_site):
    doc = parse(client.get("/economies/"))
    rows = doc.select("table.economy-table tbody tr")
    names = [text_of(row.th) for row in rows]
    members = list(Economy.objects.filter(is_apec_member=True))
    assert len(rows) == len(members) == 21
    assert names == [economy.name for economy in members]
    assert "Chinese Taipei" in names
    assert "Hong Kong, China" in names
    marked = {row.td.get_text() for row in rows if "is-participant" in row.get("class", [])}
    participating_members = set(
        Economy.objects.filter(is_apec_member=True, code__in=PARTICIPATING_CODES).values_list(
            "code", flat=True
        )
    )
    assert marked == participating_members
    assert len(marked) == 10
    assert {row.td.get_text() for row in rows if row.select_one(".tick")} == marked

    guests = [text_of(li) for li in doc.select("#guests-heading ~ ul li")]
    expected_guests = Economy.objects.filter(is_apec_member=False, code__in=PARTICIPATING_CODES)
    assert guests == [economy.name for economy in expected_guests]
    assert len(guests) == 3
    figures = [text_of(v) for v in doc.select(".block-figures .figure__value")]
    assert figures == ["13", "10", "3"]


def test_economies_page_in_korean_uses_korean_names(client, demo_site):
    doc = parse(client.get("/ko/economies/"))
    names = [text_of(row.th) for row in doc.select("table.economy-table tbody tr")]
    assert "중화 타이베이" in names
    assert "Chinese Taipei" not in names
    with translation.override("ko"):
        expected = [e.localized_name() for e in Economy.objects.filter(is_apec_member=True)]
    assert names == expected
    assert len(names) == 21


# News -------------------------------------------------------------------------------------


def english_news_index() -> NewsIndexPage:
    return NewsIndexPage.objects.get(locale__language_code="en")


def add_articles(count: int, *, days_from=500):
    index = english_news_index()
    return [
        make_article(index, title=f"Extra article {n}", days_ago=days_from + n)
        for n in range(1, count + 1)
    ]


def card_titles(doc) -> list[str]:
    return [text_of(a) for a in doc.select(".news-card .card__title a")]


def test_news_index_lists_articles_newest_first(client, demo_site):
    doc = parse(client.get("/news/"))
    assert card_titles(doc) == [entry[4]["title"] for entry in content.NEWS]
    assert doc.select_one("nav.pagination") is None
    feed = doc.select_one(".feed-link a")["href"]
    assert feed == "/news/feed/"
    assert link_href(doc, "alternate", type="application/rss+xml") == "/news/feed/"


def test_news_index_paginates_after_ten_articles(client, demo_site):
    add_articles(5)  # 7 demo articles + 5 = 12: ten on page 1, two on page 2
    first = parse(client.get("/news/"))
    titles = [entry[4]["title"] for entry in content.NEWS] + [
        f"Extra article {n}" for n in range(1, 6)
    ]
    assert card_titles(first) == titles[:10]
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    assert first.select_one("a[rel=prev]") is None

    second = parse(client.get("/news/?page=2"))
    assert card_titles(second) == titles[10:]
    assert second.select_one("a[rel=prev]")["href"] == "?page=1"
    assert second.select_one("a[rel=next]") is None
    assert text_of(second.select_one(".pagination [aria-current=page]")) == "2"


# Not named "page": that is Playwright's fixture, and would pull these tests among the browser
# tests (pytest groups tests parametrized by its session-scoped browser).
@pytest.mark.parametrize("number", ["abc", "999", "-1", "0", "2%00"])
def test_news_index_with_a_bad_page_number_shows_page_one(client, demo_site, number):
    response = client.get(f"/news/?page={number}")
    assert response.status_code == 200
    assert card_titles(parse(response)) == [entry[4]["title"] for entry in content.NEWS]


@pytest.mark.parametrize(
    ("url", "tag", "lang"),
    [("/news/", "ASLP 2026", "en"), ("/ko/news/", "확산 활동", "ko")],
)
def test_news_index_filters_by_tag(client, demo_site, url, tag, lang):
    response = client.get(url, {"tag": tag})
    assert response.status_code == 200
    doc = parse(response)
    position = 4 if lang == "en" else 5
    tagged = [
        entry[position]["title"]
        for entry in content.NEWS
        if tag in entry[3][0 if lang == "en" else 1]
    ]
    assert card_titles(doc) == tagged
    assert tagged  # the tag is used in the demo
    assert tag in text_of(doc.select_one(".filter-note"))


def test_news_index_tag_filter_keeps_the_tag_in_page_links(client, demo_site):
    index = english_news_index()
    for n in range(12):
        make_article(index, title=f"Tagged {n}", days_ago=600 + n, tags=["many"])
    doc = parse(client.get("/news/", {"tag": "many"}))
    assert card_titles(doc) == [f"Tagged {n}" for n in range(10)]
    assert doc.select_one("a[rel=next]")["href"] == "?tag=many&page=2"
    second = parse(client.get("/news/", {"tag": "many", "page": "2"}))
    assert card_titles(second) == ["Tagged 10", "Tagged 11"]


def test_news_index_with_an_unknown_tag_says_there_is_no_news(client, demo_site):
    doc = parse(client.get("/news/", {"tag": "<b>nothing</b>"}))
    assert card_titles(doc) == []
    assert "<b>nothing</b>" in text_of(doc.select_one(".filter-note"))
    assert doc.select_one(".filter-note b") is None  # the tag is shown as text, not markup


def test_news_article_shows_date_image_and_tags_linking_to_the_filtered_index(client, demo_site):
    doc = parse(client.get(f"/ko/news/{ARTICLE_SLUG}/"))
    article = NewsArticlePage.objects.get(slug=ARTICLE_SLUG, locale__language_code="ko")
    assert doc.select_one("article time")["datetime"] == article.date.isoformat()
    assert doc.select_one(".article__image img")["src"].startswith("/media/images/demo-call")
    tags = [(a["href"], text_of(a)) for a in doc.select("footer.tags a")]
    assert sorted(tags) == sorted(("/ko/news/?tag=" + quote(tag), tag) for tag in ARTICLE_TAGS[1])


def rss_items(response):
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    return channel, [
        (item.findtext("title"), item.findtext("link")) for item in channel.findall("item")
    ]


@pytest.mark.parametrize(("url", "lang"), [("/news/feed/", "en"), ("/ko/news/feed/", "ko")])
def test_news_feed_is_rss_in_the_index_language(client, demo_site, url, lang):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel, items = rss_items(response)
    assert channel.findtext("language") == lang
    assert channel.findtext("title") == content.NEWS_INDEX[lang]["title"]
    prefix = BASE + ("" if lang == "en" else "/ko")
    assert channel.findtext("link") == f"{prefix}/news/"
    position = 4 if lang == "en" else 5
    assert items == [
        (entry[position]["title"], f"{prefix}/news/{entry[1]}/") for entry in content.NEWS
    ]
    first = channel.find("item")
    assert first.findtext("description") == content.NEWS[0][position]["intro"]
    assert [c.text for c in first.findall("category")] == sorted(
        content.NEWS[0][3][0 if lang == "en" else 1]
    )


def test_news_feed_leaves_out_unpublished_articles(client, demo_site):
    NewsArticlePage.objects.get(slug=ARTICLE_SLUG, locale__language_code="en").unpublish()
    _, items = rss_items(client.get("/news/feed/"))
    assert [title for title, _ in items] == [entry[4]["title"] for entry in content.NEWS[1:]]
    _, korean = rss_items(client.get("/ko/news/feed/"))
    assert len(korean) == len(content.NEWS)


# Partners ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "lang"), [("/partners/", "en"), ("/ko/partners/", "ko")])
def test_partners_page_groups_partners_by_kind_with_logos_and_links(client, demo_site, url, lang):
    doc = parse(client.get(url))
    with translation.override(lang):
        labels = {kind: str(label) for kind, label in Partner.Kind.choices}
    groups = {}
    for section in doc.select("main section[aria-labelledby^=partners-]"):
        kind = section["aria-labelledby"].removeprefix("partners-")
        assert text_of(section.h2) == labels[kind]
        groups[kind] = [
            (
                text_of(li.select_one(".partner__name")),
                (li.select_one(".partner__name a") or {}).get("href"),
                li.select_one("img.partner__logo")["src"],
                text_of(li.p),
            )
            for li in section.select("li.partner")
        ]
    expected: dict = {}
    for spec in content.PARTNERS:
        name, description = spec[lang]
        logo = Partner.objects.get(name=name).logo
        assert logo.title == f"Demo logo: {spec['key']}"
        expected.setdefault(spec["kind"], []).append(
            (name, spec["url"] or None, logo.get_rendition("max-240x120").url, description)
        )
    assert groups == expected
    assert list(groups) == ["organizer", "partner", "related"]


# Site settings and errors -----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/ko/about/", "/search/"])
def test_footer_shows_the_organization_and_contacts_from_site_settings(client, demo_site, url):
    doc = parse(client.get(url))
    footer = doc.select_one("footer.site-footer")
    organization = content.SITE_SETTINGS["organization"]
    assert text_of(footer.select_one("#footer-about")) == organization
    assert text_of(footer.select_one(".site-footer__legal")).endswith(organization)
    email = content.SITE_SETTINGS["contact_email"]
    mail_link = footer.select_one("address a[href^='mailto:']")
    assert (mail_link["href"], text_of(mail_link)) == (f"mailto:{email}", email)
    phone = footer.select_one("address a[href^='tel:']")
    assert phone["href"] == "tel:+8225550100"
    social = [(text_of(a), a["href"]) for a in footer.select(".social-links a")]
    assert social == [
        ("Facebook", content.SITE_SETTINGS["facebook_url"]),
        ("YouTube", content.SITE_SETTINGS["youtube_url"]),
    ]
    assert doc.select_one(".brand__logo")["src"].startswith("/media/images/demo-logo")


def test_site_settings_belong_to_the_demo_site(demo_site):
    settings = SiteSettings.objects.get()
    assert settings.site.root_page_id == demo_site.home.pk
    assert settings.site.hostname == "testserver"


@pytest.mark.parametrize(("url", "lang"), [("/no-such-page/", "en"), ("/ko/no-such-page/", "ko")])
def test_unknown_address_answers_404_with_the_site_layout(client, demo_site, url, lang):
    response = client.get(url)
    assert response.status_code == 404
    doc = parse(response)
    assert doc.html["lang"] == lang
    with translation.override(lang):
        heading = translation.gettext("Page not found")
    assert [text_of(h1) for h1 in doc.find_all("h1")] == [heading]
    if lang == "ko":
        assert heading != "Page not found"  # translated
    # The site's own layout: header with the menu in the reader's language, and the footer.
    menu = [text_of(a) for a in doc.select("nav.main-nav a")]
    assert menu[0] == content.ABOUT[lang]["title"]
    footer = doc.select_one("#footer-about")
    assert text_of(footer) == content.SITE_SETTINGS["organization"]


def test_a_page_of_a_language_without_translation_falls_back_in_the_switcher(client, demo_site):
    about = Page.objects.get(url_path="/home/about/").specific
    page = about.add_child(instance=about.__class__(title="English only", slug="english-only"))
    page.save_revision().publish()
    doc = parse(client.get("/about/english-only/"))
    assert doc.select_one("nav.language-switcher a[hreflang=ko]")["href"] == "/ko/"
    assert link_href(doc, "alternate", hreflang="ko") is None


def test_home_page_model_knows_when_the_call_is_open(demo_site):
    cohort = demo_call()
    second = datetime.timedelta(seconds=1)
    assert HomePage.open_cohorts(cohort.closes_at - second) == [cohort]
    assert HomePage.open_cohorts(cohort.closes_at) == []
    assert HomePage.open_cohorts(cohort.opens_at - second) == []
    assert HomePage.open_cohorts(cohort.opens_at) == [cohort]
