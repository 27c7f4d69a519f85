"""Public pages run the same number of queries whatever the number of rows (quality item P2)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from aslp_site.public.models import NewsArticlePage, NewsIndexPage, Partner
from cohorts.models import Economy, EconomyName

from .helpers import make_article, parse

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("public-query-counts")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Measure rendering, not the page cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def queries_for(client, url: str) -> list[str]:
    """The SQL of one request for ``url``, after a first request has warmed caches up."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def shape(sql: str) -> str:
    """A query with its literal values and parameter lists taken out, to compare repeats."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((?:\?, )*\?\)", "(…)", sql)


def assert_same_queries(few: list[str], many: list[str]):
    """Same count; on failure, name the queries that repeat with more rows (N+1)."""
    extra = Counter(map(shape, many)) - Counter(map(shape, few))
    missing = Counter(map(shape, few)) - Counter(map(shape, many))
    assert (len(many), dict(extra), dict(missing)) == (len(few), {}, {})


def live_articles(lang: str = "en"):
    return NewsArticlePage.objects.live().filter(locale__language_code=lang)


def keep_live_articles(count: int, lang: str = "en") -> None:
    for article in live_articles(lang)[count:]:
        article.unpublish()


def add_articles(count: int, *, lang: str = "en", tags=("extra",)) -> None:
    index = NewsIndexPage.objects.get(locale__language_code=lang)
    images = list(get_image_model().objects.filter(title__startswith="Demo: "))
    start = NewsArticlePage.objects.filter(title__startswith="Extra article").count()
    for n in range(start, start + count):
        make_article(
            index,
            title=f"Extra article {n}",
            days_ago=500 + n,
            image=images[n % len(images)],
            tags=tags,
        )


@pytest.mark.parametrize(
    ("url", "few", "many"),
    [
        ("/news/", 3, 12),  # a part of page 1, then a full page 1 and a second page
        ("/news/?page=2", 12, 30),  # two articles on page 2, then a full page 2
        ("/news/?tag=extra", 4, 12),
        ("/news/feed/", 3, 25),  # the feed holds the latest 20
        ("/ko/news/", 3, 12),
    ],
)
def test_news_index_queries_do_not_grow_with_articles(client, demo_site, url, few, many):
    lang = "ko" if url.startswith("/ko/") else "en"
    keep_live_articles(3, lang)
    add_articles(few - 3, lang=lang)
    few_queries = queries_for(client, url)
    add_articles(many - few, lang=lang)
    assert live_articles(lang).count() == many
    assert_same_queries(few_queries, queries_for(client, url))


def test_news_index_shows_ten_articles_in_the_measured_request(client, demo_site):
    keep_live_articles(3)
    add_articles(9)
    assert live_articles().count() == 12
    doc = parse(client.get("/news/"))
    assert len(doc.select(".news-card")) == 10
    assert len(doc.select(".news-card img")) == 10


def test_news_article_queries_do_not_grow_with_tags(client, demo_site):
    url = "/news/call-for-aslp-2027/"
    few = queries_for(client, url)
    article = NewsArticlePage.objects.get(slug="call-for-aslp-2027", locale__language_code="en")
    article.tags.add(*[f"topic {n}" for n in range(8)])
    article.save_revision().publish()
    many = queries_for(client, url)
    assert_same_queries(few, many)


@pytest.mark.parametrize("url", ["/", "/ko/"])
def test_home_page_queries_do_not_grow_with_news_and_economies(client, demo_site, url):
    few = queries_for(client, url)
    add_articles(6, lang="ko" if url == "/ko/" else "en")
    for economy in Economy.objects.filter(has_participated=False):
        economy.has_participated = True
        economy.save()
    assert Economy.objects.filter(has_participated=True).count() == 24
    many = queries_for(client, url)
    assert_same_queries(few, many)


@pytest.mark.parametrize("url", ["/economies/", "/ko/economies/"])
def test_economies_page_queries_do_not_grow_with_economies(client, demo_site, url):
    few = queries_for(client, url)
    for n in range(10):
        economy = Economy.objects.create(
            code=f"X{n}", name=f"Guest economy {n}", is_apec_member=False, has_participated=True
        )
        EconomyName.objects.create(economy=economy, language_code="ko", name=f"초청 경제체 {n}")
    many = queries_for(client, url)
    assert "초청 경제체 9" in parse(client.get("/ko/economies/")).get_text()
    assert_same_queries(few, many)


def test_partners_page_queries_do_not_grow_with_partners(client, demo_site):
    few = queries_for(client, "/partners/")
    logo = Partner.objects.filter(locale__language_code="en").first().logo
    english = Partner.objects.filter(locale__language_code="en").first().locale
    for n in range(8):
        Partner.objects.create(
            locale=english, name=f"Partner {n}", kind="partner", logo=logo, sort_order=10 + n
        )
    many = queries_for(client, "/partners/")
    assert_same_queries(few, many)
