"""Site search (/search/ and /ko/search/): the reader's language, highlighted excerpts, hostile
queries."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import translation
from wagtail.models import Page

from aslp_site.public import demo_content as content

from .helpers import body_text, parse, plain, text_of

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("public-search")

# A word that occurs only in the body (StreamField text) of the Background page, in each
# language: not in its title, introduction or description, nor anywhere else in the demo.
ENGLISH_WORD = "permission"
KOREAN_WORD = "투자합니다"


def demo_words() -> str:
    """Every word of the demo site (the module's source, so nothing is left out)."""
    return open(content.__file__, encoding="utf-8").read()


def results(doc) -> list[tuple[str, str]]:
    return [(a["href"], text_of(a)) for a in doc.select("ol.search-results .search-result h2 a")]


def excerpts(doc) -> list:
    return doc.select("ol.search-results .search-result p")


@pytest.mark.parametrize(("lang", "word"), [("en", ENGLISH_WORD), ("ko", KOREAN_WORD)])
def test_chosen_words_occur_only_in_the_background_body(lang, word):
    background = content.BACKGROUND[lang]
    assert demo_words().count(word) == 1
    assert word in plain(body_text(background["body"]))
    assert word not in background["title"] + background["intro"]


def test_search_finds_a_page_by_a_word_of_its_body(client, demo_site):
    response = client.get("/search/", {"q": ENGLISH_WORD})
    assert response.status_code == 200
    doc = parse(response)
    assert results(doc) == [("/about/background/", content.BACKGROUND["en"]["title"])]
    (excerpt,) = excerpts(doc)
    assert [text_of(mark) for mark in excerpt.select("mark")] == [ENGLISH_WORD]
    sentence = "open time, space and permission for teachers to learn from one another"
    assert sentence in text_of(excerpt)
    assert text_of(doc.select_one(".search-summary")) == f"1 page matches “{ENGLISH_WORD}”."
    assert doc.html["lang"] == "en"
    assert doc.select_one("#q")["value"] == ENGLISH_WORD


def test_search_highlights_the_word_in_matching_titles(client, demo_site):
    doc = parse(client.get("/search/", {"q": "Seoul"}))
    titles = dict(results(doc))
    assert titles["/news/onsite-workshop-2026/"] == "Onsite workshop closes in Seoul"
    link = doc.select_one("a[href='/news/onsite-workshop-2026/']")
    assert [text_of(mark) for mark in link.select("mark")] == ["Seoul"]


def test_korean_search_finds_the_korean_page_only(client, demo_site):
    doc = parse(client.get("/ko/search/", {"q": KOREAN_WORD}))
    assert results(doc) == [("/ko/about/background/", content.BACKGROUND["ko"]["title"])]
    (excerpt,) = excerpts(doc)
    assert [text_of(mark) for mark in excerpt.select("mark")] == [KOREAN_WORD]
    assert doc.html["lang"] == "ko"
    # The English search does not know the Korean word.
    assert results(parse(client.get("/search/", {"q": KOREAN_WORD}))) == []


def test_a_word_in_both_languages_finds_each_language_in_its_own_search(client, demo_site):
    # "HRDWG" is in the English About page's key figures and the Korean About page's text.
    english = results(parse(client.get("/search/", {"q": "HRDWG"})))
    korean = results(parse(client.get("/ko/search/", {"q": "HRDWG"})))
    assert english == [("/about/", content.ABOUT["en"]["title"])]
    assert korean == [("/ko/about/", content.ABOUT["ko"]["title"])]


def test_unpublished_pages_are_not_found(client, demo_site):
    Page.objects.get(url_path="/home/about/background/").unpublish()
    assert results(parse(client.get("/search/", {"q": ENGLISH_WORD}))) == []


@pytest.mark.parametrize("query", ["", "   ", "\x00"])
def test_empty_query_shows_the_form_without_results(client, demo_site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    doc = parse(response)
    assert doc.select_one("ol.search-results") is None
    assert doc.select_one(".search-summary") is None
    assert doc.select_one("#q")["value"] == ""
    assert [text_of(h1) for h1 in doc.find_all("h1")] == ["Search"]


def test_search_page_has_noindex_and_korean_labels(client, demo_site):
    doc = parse(client.get("/ko/search/"))
    assert doc.select_one("meta[name=robots]")["content"] == "noindex"
    with translation.override("ko"):
        heading = translation.gettext("Search")
    assert [text_of(h1) for h1 in doc.find_all("h1")] == [heading]
    assert doc.html["lang"] == "ko"


def test_query_with_a_nul_byte_is_searched_without_it(client, demo_site):
    response = client.get("/search/", {"q": "permis\x00sion"})
    assert response.status_code == 200
    doc = parse(response)
    assert doc.select_one("#q")["value"] == ENGLISH_WORD
    assert results(doc) == [("/about/background/", content.BACKGROUND["en"]["title"])]


@pytest.mark.parametrize("query", ["x" * 5000, f"{ENGLISH_WORD} " * 1000])
def test_very_long_query_is_cut_to_200_characters(client, demo_site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    doc = parse(response)
    assert doc.select_one("#q")["value"] == query.strip()[:200]


def test_invalid_utf8_in_the_query_answers_200(client, demo_site):
    response = client.get("/search/?q=%ED%A0%80%FF")
    assert response.status_code == 200
    assert results(parse(response)) == []


@pytest.mark.parametrize(
    "query", ["*", "AND", "a OR", "NOT b", "NEAR(a b)", "a:b", "^a", "(", ")", "'", "-", "%", "_"]
)
def test_query_syntax_characters_answer_200(client, demo_site, query):
    response = client.get("/ko/search/", {"q": query})
    assert response.status_code == 200
    assert parse(response).select_one("#q")["value"] == query


@pytest.mark.parametrize("query", ['"', 'a"b', '""', '"permission', 'permission"'])
def test_query_with_an_unbalanced_double_quote_answers_200(client, demo_site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    doc = parse(response)
    assert doc.select_one("#q")["value"] == query
    expected = [("/about/background/", content.BACKGROUND["en"]["title"])]
    assert results(doc) == (expected if ENGLISH_WORD in query else [])


def test_html_in_the_query_is_escaped(client, demo_site):
    query = '<script>alert("x")</script><b>bold</b>'
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<b>bold</b>" not in body
    doc = parse(response)
    assert doc.select_one("#q")["value"] == query
    assert query in text_of(doc.select_one(".search-summary"))
    assert query in doc.title.get_text()
    assert doc.select("main b") == []


def test_a_page_number_beyond_the_last_shows_page_one(client, demo_site):
    first = parse(client.get("/search/", {"q": "school"}))
    assert len(results(first)) == 10  # "school" is on more than ten English pages
    for page in ("999", "abc", "0", "-1"):
        doc = parse(client.get("/search/", {"q": "school", "page": page}))
        assert results(doc) == results(first), page
        assert text_of(doc.select_one(".pagination [aria-current=page]")) == "1"


def test_results_are_paginated_with_the_query_kept_in_the_links(client, demo_site):
    first = parse(client.get("/search/", {"q": "school"}))
    assert first.select_one("a[rel=next]")["href"] == "?q=school&page=2"
    second = parse(client.get("/search/", {"q": "school", "page": "2"}))
    assert second.select_one("a[rel=prev]")["href"] == "?q=school&page=1"
    assert set(results(first)).isdisjoint(results(second))
    assert results(second)


def add_quoted_page(quote: str) -> Page:
    about = Page.objects.get(url_path="/home/about/").specific
    value = {"quote": quote, "attribution": "A reader", "role": ""}
    page = about.add_child(
        instance=about.__class__(
            title="Quoted",
            slug="quoted",
            body=json.dumps([{"type": "quote", "value": value, "id": str(uuid.uuid4())}]),
        )
    )
    page.save_revision().publish()
    return page


def test_excerpt_escapes_html_from_the_page_text(client, demo_site):
    add_quoted_page("Try <script>x</script> quotable words")
    response = client.get("/search/", {"q": "quotable"})
    assert "<script>x" not in response.content.decode()
    (excerpt,) = excerpts(parse(response))
    assert [text_of(mark) for mark in excerpt.select("mark")] == ["quotable"]
    assert excerpt.select("script") == []


def test_excerpt_shows_apostrophes_and_ampersands_from_blocks_as_typed(client, demo_site):
    add_quoted_page("Teachers' room & R&D quotable")
    (excerpt,) = excerpts(parse(client.get("/search/", {"q": "quotable"})))
    assert text_of(excerpt).startswith("Teachers' room & R&D quotable")


def test_excerpt_of_a_title_only_match_is_escaped_once(client, demo_site):
    # "Background" is in the title only; the excerpt is then the start of the page text,
    # whose description reads "The research on teachers' and school leaders' competencies".
    doc = parse(client.get("/search/", {"q": "Background"}))
    assert results(doc) == [("/about/background/", content.BACKGROUND["en"]["title"])]
    (excerpt,) = excerpts(doc)
    assert text_of(excerpt).startswith("The research on teachers' and school leaders'")
