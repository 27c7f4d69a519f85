"""Fixtures for the public site: the demo site in English and Korean.

Building the demo takes several seconds (about 30 pages, 13 images, revisions, search index), so
it is built once per test package inside an outer transaction that is rolled back at the end.
Each test runs in its own savepoint inside it (pytest-django's ``db`` fixture), so whatever a test
changes is undone before the next one. Every page is viewed once after the build, so image
renditions exist as on a site that has had readers.

Browser tests use a transactional database and a live server, where that sharing cannot work;
they build the demo themselves with ``load_demo()``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.db import transaction

from aslp_site.public.models import HomePage


@dataclass(frozen=True)
class DemoSite:
    home: HomePage
    home_ko: HomePage


def demo_homes() -> DemoSite:
    """Fresh instances of the demo's English and Korean home pages."""
    return DemoSite(
        home=HomePage.objects.get(depth=2, locale__language_code="en"),
        home_ko=HomePage.objects.get(depth=2, locale__language_code="ko"),
    )


DEMO_PATHS = [
    "/",
    "/about/",
    "/about/background/",
    "/about/objectives/",
    "/programme/",
    "/economies/",
    "/news/",
    "/partners/",
    "/faq/",
]


def view_every_page() -> None:
    """Visit the demo once, as its first reader would: image renditions get made on the way."""
    from django.core.cache import cache
    from django.test import Client

    from aslp_site.public.models import NewsArticlePage

    client = Client()
    articles = [page.url for page in NewsArticlePage.objects.live()]
    for path in DEMO_PATHS + ["/ko" + path for path in DEMO_PATHS] + articles:
        assert client.get(path).status_code == 200, path
    cache.clear()


def load_demo() -> DemoSite:
    """Run both demo builders (economies first, then the public site); return the home pages."""
    from aslp_site.public import demo as public_demo
    from cohorts import demo as cohorts_demo

    output = io.StringIO()
    cohorts_demo.load(output)
    public_demo.load(output)
    return demo_homes()


@pytest.fixture(scope="package")
def _demo_database(django_db_setup, django_db_blocker):
    """The demo, built once for the package's tests and rolled back after the last of them."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo()
            view_every_page()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo_site(_demo_database, db) -> DemoSite:
    """The demo site (``cohorts.demo.load`` and ``aslp_site.public.demo.load``): its homes."""
    return demo_homes()
