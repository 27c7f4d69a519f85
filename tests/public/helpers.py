"""Reading rendered pages and the demo's words in tests of the public site."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.html import strip_tags

BASE = "http://testserver"


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def parse_fragment(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(fragment, "html.parser")


def squash(text: str) -> str:
    """Text with runs of white space (including no-break spaces) made one space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def text_of(node) -> str:
    return squash(node.get_text(" "))


def plain(rich_text: str) -> str:
    """The readable text of a piece of rich text from demo_content."""
    spaced = re.sub(r"</?(p|h[1-6]|ul|ol|li|div)\b[^>]*>", " ", rich_text)
    return squash(html.unescape(strip_tags(spaced)))


def first_sentence(rich_text: str) -> str:
    """The first sentence of the first paragraph of some rich text (ending in . ? or !)."""
    paragraph = re.search(r"<p>(.*?)</p>", rich_text, re.DOTALL)
    text = plain(paragraph.group(1) if paragraph else rich_text)
    return re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]


def body_text(body: list) -> str:
    """The rich text of the first text block of a demo StreamField body."""
    return next(value for block_type, value in body if block_type == "text")


def block_value(body: list, wanted: str):
    return next(value for block_type, value in body if block_type == wanted)


def meta(doc: BeautifulSoup, prop: str) -> str | None:
    node = doc.find("meta", attrs={"property": prop}) or doc.find("meta", attrs={"name": prop})
    return node["content"] if node else None


def link_href(doc: BeautifulSoup, rel: str, **attrs) -> str | None:
    for node in doc.find_all("link", attrs=attrs):
        if rel in node.get("rel", []):
            return node["href"]
    return None


def main_text(doc: BeautifulSoup) -> str:
    return text_of(doc.find("main"))


def make_article(index, *, title: str, days_ago: int, image=None, tags=(), slug=None):
    """Add and publish a news article under ``index``."""
    from aslp_site.public.models import NewsArticlePage

    article = NewsArticlePage(
        title=title,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        date=timezone.localdate() - timedelta(days=days_ago),
        intro=f"Summary of {title}.",
        image=image,
    )
    if tags:
        article.tags.add(*tags)
    index.add_child(instance=article)
    article.save_revision().publish()
    return article
