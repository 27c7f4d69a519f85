"""The public side of the resource library: what visitors see, and the URLs of resource pages.

Only published resources (``Resource.objects.published()``) ever leave this module. Lists are
read in a constant number of queries whatever the number of resources: one page of rows with
its translations, topics (and their names), economy (and its names) prefetched, plus the
choices of the filter form. Titles and summaries are shown in the visitor's language when a
translation exists, else as written, with the language they are in (for ``lang``); the text
itself stays as written.

Search uses Wagtail's search backend (the database backend: PostgreSQL full-text search, or
SQLite's FTS5) over ``Resource.search_fields``: title, summary and text as written, translated
titles and summaries, and the authors' credit names. The search gives the matching ids; the
filters and the order (newest first) are applied by the ORM.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.search.backends import get_search_backend

from aslp_site.core.search import clean_query, search_words
from cohorts.models import Economy, SchoolLevel

from .models import (
    ConsentState,
    Resource,
    ResourceAuthor,
    ResourceKind,
    ResourceLibraryPage,
    ResourceTopic,
)

PER_PAGE = 12


def matching_ids(query: str) -> list[int]:
    """Ids of the published resources matching every word of ``query`` (one query)."""
    words = search_words(query)
    if not words:
        return []
    backend = get_search_backend()
    results = backend.search(words, Resource.objects.published(), operator="and")
    return [resource.pk for resource in results]


# -- Filters --------------------------------------------------------------------------------


def topic_choices(language: str) -> list[tuple[str, str]]:
    """(slug, name in ``language``) of every topic, in the topics' order (two queries)."""
    topics = ResourceTopic.objects.prefetch_related("translations")
    return [(topic.slug, topic.translated("name", language)) for topic in topics]


def economy_choices(language: str) -> list[tuple[str, str]]:
    """(code, name in ``language``) of the economies that have published resources."""
    economies = (
        Economy.objects.filter(pk__in=Resource.objects.published().values("economy_id"))
        .prefetch_related("names")
        .order_by("sort_order", "name")
    )
    return [(economy.code, economy.localized_name(language)) for economy in economies]


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for; values that are not among the choices are left out."""

    q: str = ""
    topic: str = ""
    level: str = ""
    economy: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, data, *, topics, economies) -> Filters:
        def pick(name, choices):
            value = (data.get(name) or "").strip()
            return value if value in {key for key, _label in choices} else ""

        return cls(
            q=clean_query(data.get("q", "")),
            topic=pick("topic", topics),
            level=pick("level", SchoolLevel.choices),
            economy=pick("economy", economies),
            kind=pick("kind", ResourceKind.choices),
        )

    @property
    def is_active(self) -> bool:
        return any((self.q, self.topic, self.level, self.economy, self.kind))

    def apply(self, resources):
        if search_words(self.q):
            resources = resources.filter(pk__in=matching_ids(self.q))
        if self.topic:
            resources = resources.filter(topics__slug=self.topic)
        if self.level:
            resources = resources.filter(school_level=self.level)
        if self.economy:
            resources = resources.filter(economy__code=self.economy)
        if self.kind:
            resources = resources.filter(kind=self.kind)
        return resources


# -- Reading --------------------------------------------------------------------------------


def listed_resources():
    """Published resources with what a list shows prefetched, newest first."""
    return (
        Resource.objects.published()
        .select_related("economy")
        .prefetch_related("translations", "topics__translations", "economy__names")
        .order_by("-published_at", "-pk")
    )


@dataclass(frozen=True)
class ListedResource:
    """One resource as a list shows it, in the visitor's language."""

    resource: Resource
    title: str
    summary: str
    lang: str  # the language of title and summary when it differs from the page's, else ""
    url: str
    topics: list[str]
    kind: str
    economy: str


def listed(resource: Resource, *, language: str, url: str) -> ListedResource:
    shown = resource.shown_language(language)
    return ListedResource(
        resource=resource,
        title=resource.translated("title", language),
        summary=resource.translated("summary", language),
        lang=shown if shown != language else "",
        url=url,
        topics=[topic.translated("name", language) for topic in resource.topics.all()],
        kind=resource.get_kind_display(),
        economy=resource.economy.localized_name(language) if resource.economy else "",
    )


def library_context(data, *, language: str, page: ResourceLibraryPage) -> dict:
    """The context of the library list for the GET parameters ``data``."""
    topics = topic_choices(language)
    economies = economy_choices(language)
    filters = Filters.from_query(data, topics=topics, economies=economies)
    resources = filters.apply(listed_resources())
    if filters.topic:
        resources = resources.distinct()
    paginator = Paginator(resources, PER_PAGE)
    try:
        results = paginator.page(data.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        results = paginator.page(1)
    base = page.url or ""
    rows = [
        listed(
            resource,
            language=language,
            url=base + page.reverse_subpage("resource", args=[resource.pk]),
        )
        for resource in results
    ]
    return {
        "filters": filters,
        "results": results,
        "rows": rows,
        "topic_choices": topics,
        "level_choices": SchoolLevel.choices,
        "economy_choices": economies,
        "kind_choices": ResourceKind.choices,
        "search_query": filters.q,
    }


def published_resource(pk: int) -> Resource | None:
    """A published resource with what its page shows (None when not published)."""
    consenting = ResourceAuthor.objects.filter(consent=ConsentState.GIVEN).order_by(
        "sort_order", "pk"
    )
    return (
        Resource.objects.published()
        .filter(pk=pk)
        .select_related("economy", "submission__assignment__activity__stage__cohort")
        .prefetch_related(
            "translations",
            "topics__translations",
            "economy__names",
            "submission__assignment__activity__stage__cohort__translations",
            Prefetch("authors", queryset=consenting),
            "files",
        )
        .first()
    )


def credit_line(resource: Resource, language: str) -> str:
    """ "By <names> (<economy>), participant(s) of <cohort>": credit names only."""
    names = [author.credit_name for author in resource.authors.all()]
    if not names:
        return ""
    with translation.override(language):
        values = {
            "names": get_text_list(names, _("and")),
            "economy": resource.economy.localized_name(language) if resource.economy else "",
            "cohort": resource.cohort.translated("title", language),
        }
        if values["economy"]:
            text = ngettext(
                "By %(names)s (%(economy)s), participant of %(cohort)s",
                "By %(names)s (%(economy)s), participants of %(cohort)s",
                len(names),
            )
        else:
            text = ngettext(
                "By %(names)s, participant of %(cohort)s",
                "By %(names)s, participants of %(cohort)s",
                len(names),
            )
    return text % values


@dataclass(frozen=True)
class PublicFile:
    name: str
    size: int
    url: str


def public_files(resource: Resource) -> list[PublicFile]:
    from aslp_site.core.downloads import safe_name

    return [
        PublicFile(
            name=safe_name(file.original_name),
            size=file.size,
            url=reverse(
                "assessments:library_file", kwargs={"resource": resource.pk, "file": file.pk}
            ),
        )
        for file in sorted(resource.files.all(), key=lambda file: file.pk)
    ]


def resource_context(resource: Resource, *, page: ResourceLibraryPage, request=None) -> dict:
    language = page.locale.language_code
    shown = resource.shown_language(language)
    path = page.reverse_subpage("resource", args=[resource.pk])
    full_url = (page.get_full_url(request) or "") + path
    return {
        "resource": resource,
        "title": resource.translated("title", language),
        "summary": resource.translated("summary", language),
        "lang": shown if shown != language else "",
        "body_lang": resource.language_code if resource.language_code != language else "",
        "credit": credit_line(resource, language),
        "topics": [topic.translated("name", language) for topic in resource.topics.all()],
        "economy": resource.economy.localized_name(language) if resource.economy else "",
        "files": public_files(resource),
        "full_url": full_url,
        "alternates": resource_alternates(resource, request=request),
        "library_url": page.url,
    }


def resource_alternates(resource: Resource, *, request=None) -> list[dict]:
    """The resource's page in every live library page (for hreflang links)."""
    pages = ResourceLibraryPage.objects.live().public().select_related("locale")
    alternates = []
    for page in pages:
        url = page.get_full_url(request)
        if url:
            alternates.append(
                {
                    "code": page.locale.language_code,
                    "url": url + page.reverse_subpage("resource", args=[resource.pk]),
                }
            )
    return alternates if len(alternates) > 1 else []


def sitemap_entries() -> list[tuple[int, dt.datetime]]:
    """(id, last change) of every published resource, for the sitemap."""
    return list(Resource.objects.published().order_by("pk").values_list("pk", "updated_at"))


# -- URLs -----------------------------------------------------------------------------------


def library_page(language_code: str | None = None) -> ResourceLibraryPage | None:
    """The live library page of the language's locale, else of the default locale."""
    language_code = (language_code or translation.get_language() or "").split("-")[0]
    pages = {
        page.locale.language_code: page
        for page in ResourceLibraryPage.objects.live().public().select_related("locale")
    }
    return pages.get(language_code) or pages.get(settings.LANGUAGE_CODE)


def resource_path(resource, language_code=None) -> str:
    """The path of ``resource``'s page in the library of the given (else active) language,
    falling back to the default language's library; "" when the site has no live library."""
    page = library_page(language_code)
    if page is None:
        return ""
    url_parts = page.get_url_parts()
    if url_parts is None:
        return ""
    return url_parts[2] + page.reverse_subpage("resource", args=[resource.pk])
