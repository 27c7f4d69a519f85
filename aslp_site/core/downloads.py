"""Private files leave the site one way: as an attachment, never sniffed, never cached (R9).

Views check permissions first (``*_or_404``), then answer with :func:`private_file_response`.
"""

from __future__ import annotations

import unicodedata

from django.http import FileResponse, Http404


def safe_name(name: str, fallback: str = "file") -> str:
    """A name without paths, quotes or control characters, for archives and downloads."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        "_" if (unicodedata.category(ch).startswith("C") or ch in '"<>:|?*;') else ch for ch in base
    ).strip(" .")
    return cleaned[:150] or fallback


def private_response(handle, filename: str, content_type: str) -> FileResponse:
    """An already open file object as a private attachment."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_response(stored, *, fallback: str = "file") -> FileResponse:
    """A stored upload (a model with ``file``, ``original_name`` and ``content_type``); 404 when
    its bytes are gone from the storage."""
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404 from None
    return private_response(handle, safe_name(stored.original_name, fallback), stored.content_type)
