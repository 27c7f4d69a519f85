"""Helpers for tests that run the project in another process (workers, a site, a restore)
against the pytest test database."""

from __future__ import annotations

import os
import time
import urllib.parse
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection


def test_database_url() -> str:
    """A PostgreSQL DATABASE_URL for another process that sees this test's committed rows."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def db_worker_env() -> dict[str, str]:
    """The environment of a `manage.py db_worker` process working on the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.dev",
        "DATABASE_URL": test_database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_DEBUG": "false",
    }


def wait_for_other_sessions(started_after: datetime, timeout: float = 20) -> None:
    """Wait until the sessions opened on the test database since ``started_after`` (by worker
    processes or threads the test started; a killed client's session ends a moment later)
    have left, so that the database can be flushed and dropped. Older sessions, such as a live
    server thread's that lasts the whole test session, are not waited for."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_start >= %s",
                [started_after],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def now() -> datetime:
    """The moment to give :func:`wait_for_other_sessions` (taken before starting anything)."""
    return datetime.now(UTC)
