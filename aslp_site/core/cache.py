"""The public page cache: one version token; bumping it makes every cached page stale.

Cached entries live in Django's default cache. In production the cache must be shared by all
web processes (Redis via CACHE_URL) so that one publish invalidates every worker at once.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

VERSION_KEY = "public-page-cache:version"


def public_cache_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add() keeps the first writer's token if two processes race here.
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def public_cache_invalidate() -> None:
    """Make every cached public page stale (called when published content changes)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def public_cache_key(*, host: str, full_path: str) -> str:
    return f"public-page-cache:{public_cache_version()}:{host}:{full_path}"


def mark_public_cacheable(response):
    """Views call this on responses that hold no personal content and may be shared."""
    response.public_cacheable = True
    return response
