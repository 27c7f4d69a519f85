from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_GET

from .cache import mark_public_cacheable


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /accounts/",
        "Disallow: /ko/accounts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return mark_public_cacheable(HttpResponse("\n".join(lines) + "\n", content_type="text/plain"))


@require_GET
def sitemap(request):
    from aslp_site.public.sitemaps import TranslatedSitemap

    response = django_sitemap(request, sitemaps={"pages": TranslatedSitemap(request)})
    response.render()
    return mark_public_cacheable(response)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database access: the error may come from either.
    from .logs import request_id

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": request_id.get()}))


@require_GET
def health(request):
    """Readiness for load balancers and monitoring: 200 when every service answers, else 503."""
    from .health import run_checks

    healthy, checks = run_checks()
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def health_live(request):
    """Liveness: the process answers. Touches neither database nor cache (a constant)."""
    return HttpResponse("ok", content_type="text/plain")
