from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from aslp_site.core.search import clean_query, search_words

RESULTS_PER_PAGE = 10
# Published resources of the library shown above the pages (the library has its own search).
RESOURCE_RESULTS = 5


def _resource_results(words: str, language: str) -> dict:
    """Published library resources matching ``words``: a few, their number and the library."""
    from assessments import library_pages

    ids = library_pages.matching_ids(words)
    page = library_pages.library_page(language) if ids else None
    if page is None or not page.url:
        return {"resources": [], "resource_count": 0, "library_url": ""}
    resources = library_pages.listed_resources().filter(pk__in=ids)[:RESOURCE_RESULTS]
    rows = [
        library_pages.listed(
            resource,
            language=language,
            url=page.url + page.reverse_subpage("resource", args=[resource.pk]),
        )
        for resource in resources
    ]
    return {
        "resources": rows,
        "resource_count": len(ids),
        "library_url": f"{page.url}?{urlencode({'q': words})}",
    }


@require_GET
def search(request):
    """Search the live public pages of the reader's language (Wagtail's database backend) and
    the published resources of the library."""
    query = clean_query(request.GET.get("q", ""))
    words = search_words(query)
    results = Page.objects.none()
    language = translation.get_language() or "en"
    resources = {"resources": [], "resource_count": 0, "library_url": ""}
    if words:
        pages = Page.objects.live().public().specific()
        locale = Locale.objects.filter(language_code=language).first()
        if locale:
            pages = pages.filter(locale=locale)
        results = pages.search(words)
        resources = _resource_results(words, language)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        results_page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        results_page = paginator.page(1)
    return render(
        request,
        "public/search.html",
        {"query": query, "search_query": query, "results": results_page, **resources},
    )
