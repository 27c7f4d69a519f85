from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """Search the live public pages of the reader's language (Wagtail's database backend)."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    # Double quotes would reach SQLite's FTS5 query syntax unbalanced; the words are enough.
    words = query.replace('"', " ").strip()
    results = Page.objects.none()
    if words:
        pages = Page.objects.live().public().specific()
        locale = Locale.objects.filter(language_code=translation.get_language()).first()
        if locale:
            pages = pages.filter(locale=locale)
        results = pages.search(words)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        results_page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        results_page = paginator.page(1)
    return render(
        request,
        "public/search.html",
        {"query": query, "search_query": query, "results": results_page},
    )
