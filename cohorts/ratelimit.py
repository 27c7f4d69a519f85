"""A small per-address rate limit for public lookups (letter verification), on Django's cache.

The client address is the one allauth uses for its own limits, so the same trusted-proxy
setting (``ALLAUTH_TRUSTED_PROXY_COUNT``) applies. Counters live in fixed windows: at most
``limit`` hits per address in each window of ``period`` seconds. The refusal is the site's 429 page.
"""

from __future__ import annotations

import hashlib
import time
from http import HTTPStatus

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def client_address(request) -> str:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no usable address: everyone such shares one bucket
        return "unknown"


def allow(request, scope: str, *, limit: int, period: int) -> bool:
    """Count one hit for the caller's address in ``scope``; False once over ``limit``."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    window = int(time.time() // period)
    key = f"cohorts:rl:{scope}:{address}:{window}"
    if cache.add(key, 1, timeout=period + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    return count <= limit


def too_many_requests(request, *, retry_after: int = 60):
    response = render(request, "429.html", status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = str(retry_after)
    return response
