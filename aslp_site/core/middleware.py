from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import cache
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .cache import public_cache_key

ALLOWED_QUERY_KEYS = frozenset({"page", "tag"})


class PublicPageCacheMiddleware:
    """Serve anonymous GET requests for public pages from the cache.

    Only responses that a view marked with ``mark_public_cacheable`` are stored, and only when
    the request carried no session cookie and the response sets no cookie, so no personal
    content can ever be shared. Sits inside the security and CSP middleware so that cached
    responses still get every security header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _eligible(self, request) -> bool:
        if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
            return False
        # Health checks must answer (and report a broken cache) without going through it.
        if request.path_info.startswith("/health/"):
            return False
        if request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        return all(key in ALLOWED_QUERY_KEYS for key in request.GET)

    def __call__(self, request):
        if not self._eligible(request):
            return self.get_response(request)
        key = public_cache_key(host=request.get_host(), full_path=request.get_full_path())
        cached = cache.get(key)
        if cached is not None:
            cached["X-Public-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            getattr(response, "public_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
            response["X-Public-Cache"] = "miss"
        return response


class PrivatePageNoStoreMiddleware:
    """Personal pages (anything served to a signed-in user) must not be kept by any cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The enforced Content-Security-Policy (settings ``CONTENT_SECURITY_POLICY``).

    Public, applicant and participant pages get the strict policy: scripts and styles only from
    our own files, no inline code. The two admins add ``'unsafe-inline'`` for both, because
    Wagtail writes inline scripts (InlinePanel, the date and time widgets) and both admins use
    style attributes; they are reached only by signed-in staff with an authenticator app.
    """

    ADMIN_PREFIXES = ("/admin/", "/django-admin/")
    ADMIN_ALLOWANCE = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}

    def process_response(self, request, response):
        if request.path_info.startswith(self.ADMIN_PREFIXES) and not hasattr(
            response, "_csp_update"
        ):
            response._csp_update = self.ADMIN_ALLOWANCE
        return super().process_response(request, response)
