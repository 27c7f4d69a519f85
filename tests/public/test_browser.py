"""The public site in a real browser (Debian chromium) against the live server: text size,
language switch, keyboard access and the open call in the reader's own time zone."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from wagtail.models import Site

from aslp_site.public import demo_content as content
from cohorts.demo import CURRENT_SLUG
from cohorts.models import Cohort

from .conftest import load_demo

pytestmark = [
    pytest.mark.browser,
    # Transactional tests empty the database afterwards, including the rows migrations made (the
    # Wagtail root page and collection, locales, economies); serialized rollback puts them back.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live_demo(site_url):
    """The demo site served by the live server (built after the server started)."""
    demo = load_demo()
    address = urlsplit(site_url)
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = address.hostname, address.port
    site.save()
    return demo


def font_size(page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).fontSize")


def text_size_button(page, label: str):
    return page.locator(".text-size").get_by_role("button", name=label, exact=False)


def test_text_size_control_grows_text_and_remembers_the_choice(page, site_url, live_demo):
    page.goto(site_url + "/about/")
    smaller = text_size_button(page, "Smaller text")
    standard = text_size_button(page, "Standard text size")
    larger = text_size_button(page, "Larger text")
    glyphs = [
        button.locator(".text-size__glyph").inner_text() for button in (smaller, standard, larger)
    ]
    assert glyphs == ["A−", "A", "A+"]
    assert font_size(page) == "16px"
    assert standard.get_attribute("aria-pressed") == "true"

    larger.click()
    assert font_size(page) == "18px"  # 112.5 %
    larger.click()
    assert font_size(page) == "20px"  # 125 %
    assert standard.get_attribute("aria-pressed") == "false"

    # The choice applies to every page of the site, and after a reload.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=content.STAGES["en"]["title"]
    ).click()
    page.wait_for_url(site_url + "/programme/")
    assert font_size(page) == "20px"
    page.reload()
    assert font_size(page) == "20px"

    larger.click()
    assert font_size(page) == "24px"  # 150 %, the largest
    assert larger.is_disabled()

    standard.click()
    assert font_size(page) == "16px"
    assert standard.get_attribute("aria-pressed") == "true"
    assert larger.is_enabled()

    smaller.click()
    assert font_size(page) == "14px"  # 87.5 %, the smallest
    assert smaller.is_disabled()
    page.goto(site_url + "/ko/")
    assert font_size(page) == "14px"
    assert text_size_button(page, korean("Smaller text")).is_disabled()


def korean(message: str) -> str:
    with translation.override("ko"):
        return translation.gettext(message)


def test_language_switcher_leads_to_the_translation_of_the_same_page(page, site_url, live_demo):
    page.goto(site_url + "/about/")
    switcher = page.locator("nav.language-switcher")
    switcher.get_by_role("link", name="한국어").click()
    page.wait_for_url(site_url + "/ko/about/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == content.ABOUT["ko"]["title"]
    assert switcher.locator("[aria-current=true]").inner_text() == "한국어"

    switcher.get_by_role("link", name="English").click()
    page.wait_for_url(site_url + "/about/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == content.ABOUT["en"]["title"]


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, site_url, live_demo):
    page.goto(site_url + "/about/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.textContent.trim()]"
    )
    assert focused == ["skip-link", "Skip to main content"]
    assert page.locator(".skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    page.wait_for_url(site_url + "/about/#main")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content (the first breadcrumb link).
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null") is True


@pytest.fixture
def bogota_page(browser):
    context = browser.new_context(timezone_id="America/Bogota", locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def test_open_call_shows_the_deadline_in_the_readers_time_zone(bogota_page, site_url, live_demo):
    page = bogota_page
    deadline = Cohort.objects.get(slug=CURRENT_SLUG).closes_at
    bogota = deadline.astimezone(zoneinfo.ZoneInfo("America/Bogota"))
    seoul = deadline.astimezone(zoneinfo.ZoneInfo("Asia/Seoul"))
    assert (seoul.hour, bogota.utcoffset()) == (18, datetime.timedelta(hours=-5))
    page.goto(site_url + "/")
    section = page.locator("section.open-call")
    assert section.locator("h2").inner_text() == content.HOME["en"]["call_heading"]

    local = section.locator(".local-time")
    assert local.is_visible()
    shown = squash(local.inner_text())
    hour = f"{bogota.hour % 12 or 12}:{bogota.minute:02d} {'AM' if bogota.hour < 12 else 'PM'}"
    assert hour == "4:00 AM"  # 18:00 in Seoul is 04:00 the same day in Bogotá
    assert hour in shown
    assert f"{bogota:%B} {bogota.day}, {bogota.year}" in shown
    assert shown.startswith("In your time zone:")

    countdown = section.locator(".countdown")
    assert countdown.is_visible()
    days = round((deadline - timezone.now()).total_seconds() / 86400)
    assert countdown.inner_text() == f"in {days} days"
    # The programme's own zone stays stated next to it.
    assert section.locator(".deadline__zone").inner_text() == "(Asia/Seoul)"


def test_open_call_in_korean_shows_korean_local_time(bogota_page, site_url, live_demo):
    page = bogota_page
    deadline = Cohort.objects.get(slug=CURRENT_SLUG).closes_at
    bogota = deadline.astimezone(zoneinfo.ZoneInfo("America/Bogota"))
    page.goto(site_url + "/ko/")
    shown = squash(page.locator("section.open-call .local-time").inner_text())
    assert f"{bogota.year}년 {bogota.month}월 {bogota.day}일" in shown
    assert "오전 4:00" in shown
    days = round((deadline - timezone.now()).total_seconds() / 86400)
    assert page.locator("section.open-call .countdown").inner_text() == f"{days}일 후"


def test_on_a_phone_the_menu_folds_behind_a_button(page, site_url, live_demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + "/about/")
    menu = page.get_by_role("button", name="Menu")
    main_nav = page.get_by_role("navigation", name="Main")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not main_nav.is_visible()
    assert not page.locator("#site-search-q").is_visible()

    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert main_nav.is_visible() and page.locator("#site-search-q").is_visible()
    page.locator("#site-search-q").focus()
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false" and not main_nav.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"

    page.set_viewport_size({"width": 1280, "height": 900})
    assert not menu.is_visible()
    assert main_nav.is_visible() and page.locator("#site-search-q").is_visible()
