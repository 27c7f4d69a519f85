"""Readiness: can this process do its work? Database, cache, task queue and both file storages.

``/health/`` answers 200 with ``"status": "ok"`` when every check passes and 503 otherwise, with
one entry per check (``ok``, milliseconds, and a few figures). Failures are logged with their
exception; the answer itself names only the check, never a host, password or message.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# A task waiting longer than this means no worker is taking the queue's work.
TASK_MAX_WAIT = timedelta(minutes=10)


class CheckFailed(Exception):
    """A check that ran but found the service unfit (e.g. tasks waiting for too long)."""


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict:
    figures = {}
    for alias in ("default", settings.SESSION_CACHE_ALIAS):
        cache = caches[alias]
        key = f"health:{uuid.uuid4().hex}"
        cache.set(key, "1", 10)
        if cache.get(key) != "1":
            raise CheckFailed(f"cache {alias} did not keep a value")
        cache.delete(key)
        figures[alias] = type(cache).__name__
    return figures


def _oldest_waiting_rq() -> tuple[int, timedelta | None, int]:
    import django_rq
    from rq import Worker

    queue = django_rq.get_queue("default")
    connection_ = queue.connection
    connection_.ping()
    waiting = queue.count
    oldest = None
    # The head of the list is the job taken next (RQ appends new jobs at the end).
    job_ids = queue.get_job_ids(0, 1)
    if job_ids:
        job = queue.fetch_job(job_ids[0])
        if job is not None and job.enqueued_at is not None:
            enqueued = job.enqueued_at
            if timezone.is_naive(enqueued):
                enqueued = enqueued.replace(tzinfo=UTC)
            oldest = timezone.now() - enqueued
    workers = Worker.count(queue=queue)
    return waiting, oldest, workers


def _oldest_waiting_db() -> tuple[int, timedelta | None, None]:
    from django.db.models import Case, Count, F, Min, When
    from django.db.models.functions import Greatest
    from django_tasks_db.models import DBTaskResult, get_date_max

    # Tasks a worker may take now; one deferred with run_after is due from that time on (its
    # run_after is the far-future "never set" value otherwise).
    never = get_date_max()
    due = Case(
        When(run_after=never, then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    found = DBTaskResult.objects.ready().aggregate(waiting=Count("pk"), first_due=Min(due))
    first = found["first_due"]
    return found["waiting"], (timezone.now() - first) if first else None, None


def check_tasks() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq."):
        waiting, oldest, workers = _oldest_waiting_rq()
    elif backend.startswith("django_tasks_db."):
        waiting, oldest, workers = _oldest_waiting_db()
    else:  # immediate or dummy backends keep no queue
        return {"backend": backend.rsplit(".", 1)[-1]}
    figures = {
        "backend": backend.rsplit(".", 1)[-1],
        "waiting": waiting,
        "oldest_wait_s": round(oldest.total_seconds()) if oldest else 0,
    }
    if workers is not None:
        figures["workers"] = workers
    if oldest is not None and oldest > TASK_MAX_WAIT:
        raise CheckFailed("tasks are waiting for longer than allowed: is a worker running?")
    return figures


def _check_folder(location: str) -> None:
    # A local folder answers "does not exist" to anything when it is missing, unreadable or a
    # file, so look at the folder itself. A missing one is made on the first save: its nearest
    # existing parent must then be a folder that can be written to.
    path = Path(location)
    while not path.exists() and path != path.parent:
        path = path.parent
    if not path.is_dir() or not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise CheckFailed("a storage folder cannot be used")


def check_storage() -> dict:
    figures = {}
    for alias in ("default", "private"):
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            _check_folder(storage.location)
            storage.exists(f"health/{uuid.uuid4().hex}")
        else:
            # Object stores answer "not found" for a missing key and a missing bucket alike; a
            # listing needs the bucket to exist and the credentials to be right.
            storage.listdir("health/")
        figures[alias] = type(storage).__name__
    return figures


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "tasks": check_tasks,
    "storage": check_storage,
}


def run_checks() -> tuple[bool, dict]:
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            figures = check()
            ok = True
        except Exception:
            logger.exception("Health check %s failed", name)
            figures, ok = {}, False
        healthy &= ok
        results[name] = {
            "ok": ok,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            **figures,
        }
    return healthy, results
