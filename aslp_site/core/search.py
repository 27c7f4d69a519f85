"""What visitors type into a search box, made safe for Wagtail's database search backend.

Used by the site search (``aslp_site.public.views.search``) and the resource library
(``assessments.library_pages``).
"""

MAX_QUERY_LENGTH = 200


def clean_query(value: str) -> str:
    """The typed query as shown back: no NUL bytes, at most ``MAX_QUERY_LENGTH`` characters."""
    return (value or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def search_words(query: str) -> str:
    """The words sent to the backend: double quotes would reach SQLite's FTS5 query syntax
    unbalanced, and the words are enough."""
    return query.replace('"', " ").strip()
