"""Fixtures for the public site: the demo site in English and Korean.

Building the demo takes several seconds (about 30 pages, 13 images, revisions, search index), so
it is built once per test module inside an outer transaction that is rolled back after the
module's last test. (Not once per package: pytest-django runs transactional tests, such as the
browser tests here, after all others, and they must not find a transaction left open.)
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
    "/resources/",
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


def restore_migration_rows() -> None:
    """Put back the rows Wagtail's migrations make, if a transactional test emptied them.

    Transactional tests (the browser tests) end by emptying every table. pytest-django runs them
    after the plain database tests, but pytest regroups tests parametrized by Playwright's
    session-scoped browser (any test with an argument named ``page``, say), which can move them
    ahead of some; those would then find no root page, root collection or default locale. The
    economies come back with ``cohorts.demo.load``.
    """
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code="en")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def load_demo() -> DemoSite:
    """Run both demo builders (economies first, then the public site); return the home pages."""
    from aslp_site.public import demo as public_demo
    from cohorts import demo as cohorts_demo

    restore_migration_rows()
    output = io.StringIO()
    cohorts_demo.load(output)
    public_demo.load(output)
    return demo_homes()


@pytest.fixture(scope="module")
def _demo_database(django_db_setup, django_db_blocker):
    """The demo, built once for the module's tests and rolled back after the last of them."""
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
