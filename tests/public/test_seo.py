"""sitemap.xml (every language, hreflang alternates) and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Page, PageViewRestriction

from aslp_site.public import demo_content as content

from .conftest import DEMO_PATHS as PAGE_PATHS
from .helpers import BASE

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("public-seo")

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}

# The demo's page paths with every article, the same in both languages (Korean pages are
# translations with the English slugs under /ko/).
DEMO_PATHS = [*PAGE_PATHS, *(f"/news/{entry[1]}/" for entry in content.NEWS)]


def korean(path: str) -> str:
    return "/ko" + path


def sitemap(client) -> dict[str, dict[str, str]]:
    """{location: {hreflang: alternate location}} of /sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    entries = {}
    for url in root.findall("sm:url", NS):
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", NS)
            if link.get("rel") == "alternate"
        }
        entries[url.findtext("sm:loc", namespaces=NS)] = alternates
    return entries


def test_sitemap_lists_every_page_in_english_and_korean(client, demo_site):
    entries = sitemap(client)
    expected = [BASE + path for path in DEMO_PATHS] + [BASE + korean(p) for p in DEMO_PATHS]
    assert sorted(entries) == sorted(expected)
    assert len(entries) == 2 * 17
    assert BASE + "/about/" in entries
    assert BASE + "/ko/about/" in entries


@pytest.mark.parametrize("path", DEMO_PATHS)
def test_sitemap_entries_name_both_languages_as_alternates(client, demo_site, path):
    entries = sitemap(client)
    alternates = {"en": BASE + path, "ko": BASE + korean(path)}
    assert entries[BASE + path] == alternates
    assert entries[BASE + korean(path)] == alternates


def test_sitemap_has_lastmod_dates(client, demo_site):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    lastmods = [url.findtext("sm:lastmod", namespaces=NS) for url in root.findall("sm:url", NS)]
    page = Page.objects.get(url_path="/home/about/")
    assert len(lastmods) == 34
    assert set(lastmods) == {page.last_published_at.date().isoformat()}


def test_unpublishing_a_page_removes_it_from_the_sitemap(client, demo_site):
    before = client.get("/sitemap.xml")
    assert before["X-Public-Cache"] == "miss"
    assert client.get("/sitemap.xml")["X-Public-Cache"] == "hit"

    Page.objects.get(url_path="/home-ko/about/objectives/").unpublish()

    assert client.get("/sitemap.xml")["X-Public-Cache"] == "miss"
    entries = sitemap(client)
    assert BASE + "/ko/about/objectives/" not in entries
    # The English page stays, without an alternate that no longer exists.
    assert entries[BASE + "/about/objectives/"] == {}
    assert len(entries) == 33


def test_unpublishing_a_section_removes_its_subpages_from_the_sitemap(client, demo_site):
    about = Page.objects.get(url_path="/home/about/")
    for page in about.get_descendants(inclusive=True).live():
        page.unpublish()
    entries = sitemap(client)
    gone = {BASE + p for p in ("/about/", "/about/background/", "/about/objectives/")}
    assert gone.isdisjoint(entries)
    assert entries[BASE + "/ko/about/background/"] == {}
    assert len(entries) == 31


def test_private_pages_are_left_out_of_the_sitemap(client, demo_site):
    page = Page.objects.get(url_path="/home/partners/")
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    entries = sitemap(client)
    assert BASE + "/partners/" not in entries
    assert BASE + "/ko/partners/" in entries


def test_robots_txt_disallows_the_admin_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /django-admin/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    # Public pages are not disallowed.
    assert "Disallow: /" not in lines
    assert "Disallow: /ko/" not in lines


def test_robots_txt_names_the_sitemap_on_the_requested_host(client, db):
    response = client.get("/robots.txt", HTTP_HOST="aslp.example.org")
    assert "Sitemap: http://aslp.example.org/sitemap.xml" in response.content.decode().splitlines()
