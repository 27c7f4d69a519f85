"""Small HTTP helpers shared by the programme views."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed

SAFE_METHODS = ("GET", "HEAD")


def method_not_allowed(request, allowed=SAFE_METHODS) -> HttpResponseNotAllowed | None:
    """405 unless the request's method is allowed. Views call it *after* their permission
    check, so that a stranger's POST gets the same 404 as their GET and learns nothing."""
    if request.method not in allowed:
        return HttpResponseNotAllowed(list(allowed))
    return None
