"""Template helpers for the public layout: menu, language switcher, hreflang, search excerpts."""

from __future__ import annotations

import html
import re

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

register = template.Library()

EXCERPT_LENGTH = 220


def _site_root(request) -> Page | None:
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


def _live_translations(page: Page) -> dict[str, Page]:
    pages = page.get_translations(inclusive=True).live().public().select_related("locale")
    return {translated.locale.language_code: translated for translated in pages}


@register.simple_tag(takes_context=True)
def localized_home(context) -> Page | None:
    """The home page in the language of the request (the English one when untranslated)."""
    root = _site_root(context.get("request"))
    return root.localized if root else None


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The home page's children shown in menus, each marked when the reader is inside it."""
    home = localized_home(context)
    if home is None:
        return []
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else ""
    items = []
    for item in home.get_children().live().public().in_menu().order_by("path"):
        state = None
        if current_path == item.path:
            state = "page"
        elif current_path.startswith(item.path):
            state = "true"
        items.append({"page": item, "current": state})
    return items


@register.simple_tag(takes_context=True)
def news_feed_url(context) -> str:
    """The RSS feed of the news in the reader's language, or "" when there is no news index."""
    from aslp_site.public.models import NewsIndexPage

    home = localized_home(context)
    if home is None:
        return ""
    index = NewsIndexPage.objects.child_of(home).live().public().first()
    if index is None:
        return ""
    return index.get_url(context.get("request")) + index.reverse_subpage("feed")


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per interface language, to the same content in that language.

    On a page, each language points at that page's translation, or at the home page of the
    language when the page is not translated yet. Elsewhere the URL prefix is swapped.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    translations: dict[str, Page] = {}
    homes: dict[str, Page] = {}
    if isinstance(page, Page):
        translations = _live_translations(page)
        root = _site_root(request)
        if root is not None:
            homes = _live_translations(root)
    links = []
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request)
        elif code in homes:
            url = homes[code].get_url(request)
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = "/"
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def hreflang_alternates(context) -> list[dict]:
    """``<link rel=alternate hreflang>`` targets: live translations of the current page."""
    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page) or request is None:
        return []
    translations = _live_translations(page)
    if len(translations) < 2:
        return []
    alternates = [
        {"code": code, "url": translated.get_full_url(request)}
        for code, translated in sorted(translations.items())
    ]
    default = translations.get(settings.LANGUAGE_CODE)
    if default is not None:
        alternates.append({"code": "x-default", "url": default.get_full_url(request)})
    return alternates


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


@register.filter
def og_locale(language_code: str) -> str:
    """Open Graph wants ``ko_KR``-style locales."""
    return {"en": "en_US", "ko": "ko_KR"}.get(language_code, language_code)


def query_terms(query: str) -> list[str]:
    return [term for term in re.split(r"\s+", query.strip()) if term][:10]


def highlight_text(text: str, query: str) -> str:
    """Escape ``text`` and wrap every occurrence of a query word in <mark>."""
    terms = query_terms(query)
    escaped = escape(text)
    if not terms:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile("|".join(re.escape(escape(term)) for term in terms), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308


@register.filter
def highlight(text: str, query: str) -> str:
    return highlight_text(str(text), query)


def page_text(page: Page) -> str:
    """The readable text of a page, for search excerpts."""
    parts = [page.search_description]
    for field in ("intro", "body", "stages"):
        value = getattr(page, field, None)
        if value is None:
            continue
        if hasattr(value, "render_as_block"):
            value = value.render_as_block()
        parts.append(html.unescape(strip_tags(str(value))))
    return re.sub(r"\s+", " ", " ".join(part for part in parts if part)).strip()


@register.simple_tag
def search_excerpt(page: Page, query: str) -> str:
    """About two lines of the page around the first word of the query, highlighted."""
    text = page_text(page)
    position = -1
    for term in query_terms(query):
        position = text.lower().find(term.lower())
        if position >= 0:
            break
    if position < 0:
        excerpt = text[:EXCERPT_LENGTH]
        suffix = "…" if len(text) > EXCERPT_LENGTH else ""
        return mark_safe(highlight_text(excerpt, query) + suffix)  # noqa: S308 - escaped
    start = max(0, position - EXCERPT_LENGTH // 3)
    end = min(len(text), start + EXCERPT_LENGTH)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + highlight_text(text[start:end], query) + suffix)  # noqa: S308
