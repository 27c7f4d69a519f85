"""/health/ (readiness) and /health/live/ (liveness) against real services.

The test settings give the immediate task backend, locmem caches and local folders; the other
cases switch one service at a time with override_settings: the database task backend, RQ on
Redis database 14 (skipped without Redis), a Redis cache at a closed port, a storage folder that
cannot be used. A failing check names itself only: no exception text, address or password.
"""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from cohorts.tasks import deliver_email
from tests.ops.redis_db import redis_url

REDIS_URL = redis_url()
PASSWORD = "pw-Zq8vLx3m"  # noqa: S105 - a password that must never reach the answer
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
CHECKS = {"database", "cache", "tasks", "storage"}

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_db14():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    return client


@pytest.fixture
def rq_redis():
    """Redis database 14, empty before and after the test."""
    client = redis_db14()
    client.flushdb()
    yield client
    client.flushdb()


def health(client):
    response = client.get("/health/")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response, response.json()


def health_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "aslp_site.core.health"]


def assert_private(response) -> None:
    """The answer names checks, never a host, URL, password or error message."""
    body = response.content.decode()
    for leak in (PASSWORD, "127.0.0.1", "redis://", "Error", "error", "refused", "Traceback"):
        assert leak not in body


def test_ok_on_the_test_settings_with_exact_keys(client):
    response, data = health(client)

    assert response.status_code == 200
    assert set(data) == {"status", "checks"}
    assert data["status"] == "ok"
    checks = data["checks"]
    assert set(checks) == CHECKS
    assert {name: set(check) for name, check in checks.items()} == {
        "database": {"ok", "ms", "vendor"},
        "cache": {"ok", "ms", "default", "sessions"},
        "tasks": {"ok", "ms", "backend"},
        "storage": {"ok", "ms", "default", "private"},
    }
    assert all(check["ok"] is True for check in checks.values())
    assert all(isinstance(check["ms"], float) and check["ms"] >= 0 for check in checks.values())
    assert checks["database"]["vendor"] == connection.vendor
    assert checks["cache"]["default"] == "LocMemCache"
    assert checks["cache"]["sessions"] == "LocMemCache"
    assert checks["tasks"]["backend"] == "ImmediateBackend"
    assert checks["storage"] == {
        "ok": True,
        "ms": checks["storage"]["ms"],
        "default": "FileSystemStorage",
        "private": "FileSystemStorage",
    }
    assert_private(response)


def test_only_get(client):
    assert client.post("/health/").status_code == 405
    assert client.post("/health/live/").status_code == 405


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_vendor_on_postgresql(client):
    response, data = health(client)
    assert response.status_code == 200
    assert data["checks"]["database"]["vendor"] == "postgresql"


def test_live_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"


# The database task backend ------------------------------------------------------------------


def enqueue_db(minutes_ago: float, **using):
    from django_tasks_db.models import DBTaskResult

    task = deliver_email.using(**using) if using else deliver_email
    result = task.enqueue("Subject", "Body", ["someone@example.org"])
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return result


@override_settings(TASKS=DB_TASKS)
def test_db_tasks_empty_queue(client):
    response, data = health(client)
    assert response.status_code == 200
    tasks = data["checks"]["tasks"]
    assert {k: v for k, v in tasks.items() if k != "ms"} == {
        "ok": True,
        "backend": "DatabaseBackend",
        "waiting": 0,
        "oldest_wait_s": 0,
    }


@override_settings(TASKS=DB_TASKS)
def test_db_task_waiting_nine_minutes_is_fine(client):
    enqueue_db(9)
    enqueue_db(1)

    response, data = health(client)

    assert response.status_code == 200
    tasks = data["checks"]["tasks"]
    assert tasks["ok"] is True
    assert tasks["waiting"] == 2
    assert 539 <= tasks["oldest_wait_s"] <= 545


@override_settings(TASKS=DB_TASKS)
def test_db_task_waiting_eleven_minutes_fails_only_the_tasks_check(client, caplog):
    enqueue_db(11)

    with caplog.at_level(logging.ERROR, logger="aslp_site.core.health"):
        response, data = health(client)

    assert response.status_code == 503
    assert data["status"] == "fail"
    checks = data["checks"]
    assert set(checks["tasks"]) == {"ok", "ms"}
    assert checks["tasks"]["ok"] is False
    assert {name: checks[name]["ok"] for name in CHECKS - {"tasks"}} == dict.fromkeys(
        CHECKS - {"tasks"}, True
    )
    # The reason is in the log, not in the answer.
    assert health_log(caplog) == ["Health check tasks failed"]
    record = next(r for r in caplog.records if r.name == "aslp_site.core.health")
    assert "waiting for longer than allowed" in str(record.exc_info[1])
    assert "waiting for longer" not in response.content.decode()
    assert_private(response)


@override_settings(TASKS=DB_TASKS)
def test_db_tasks_not_waiting_are_not_counted(client):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    done = enqueue_db(60)
    DBTaskResult.objects.filter(id=done.id).update(status=TaskResultStatus.SUCCESSFUL)
    # Deferred to later: not due yet, however long ago it was enqueued.
    enqueue_db(60, run_after=timezone.now() + timedelta(hours=1))
    # Enqueued an hour ago but due only five minutes ago: it has waited five minutes.
    enqueue_db(60, run_after=timezone.now() - timedelta(minutes=5))

    response, data = health(client)

    assert response.status_code == 200
    tasks = data["checks"]["tasks"]
    assert tasks["waiting"] == 1
    assert 299 <= tasks["oldest_wait_s"] <= 305


# RQ on Redis database 14 --------------------------------------------------------------------


def rq_settings(url: str = REDIS_URL):
    return override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": url}})


def test_rq_reports_workers_and_waiting_jobs(client, rq_redis):
    import django_rq
    from rq import Worker

    with rq_settings():
        response, data = health(client)
        assert response.status_code == 200
        assert {k: v for k, v in data["checks"]["tasks"].items() if k != "ms"} == {
            "ok": True,
            "backend": "RQBackend",
            "waiting": 0,
            "oldest_wait_s": 0,
            "workers": 0,
        }

        deliver_email.enqueue("Subject", "Body", ["someone@example.org"])
        deliver_email.enqueue("Subject", "Body", ["other@example.org"])
        queue = django_rq.get_queue("default")
        # A registered worker as RQ records one (nothing runs: only its registration counts).
        worker = Worker([queue], connection=queue.connection, name="health-test-worker")
        worker.register_birth()
        try:
            response, data = health(client)
        finally:
            worker.register_death()

    assert response.status_code == 200
    tasks = data["checks"]["tasks"]
    assert tasks["ok"] is True
    assert tasks["waiting"] == 2
    assert tasks["workers"] == 1
    assert 0 <= tasks["oldest_wait_s"] <= 5
    assert rq_redis.llen("rq:queue:default") == 2  # the jobs really are in database 14


def test_rq_job_waiting_eleven_minutes_fails(client, rq_redis):
    import django_rq

    with rq_settings():
        first = deliver_email.enqueue("Subject", "Body", ["someone@example.org"])
        deliver_email.enqueue("Subject", "Body", ["other@example.org"])
        job = django_rq.get_queue("default").fetch_job(first.id)
        job.enqueued_at = timezone.now() - timedelta(minutes=11)
        job.save()

        response, data = health(client)

    assert response.status_code == 503
    assert data["status"] == "fail"
    assert data["checks"]["tasks"]["ok"] is False
    assert all(data["checks"][name]["ok"] for name in CHECKS - {"tasks"})


def test_rq_redis_down_fails_tasks_without_naming_it(client, caplog):
    url = f"redis://:{PASSWORD}@127.0.0.1:{closed_port()}/14"
    with rq_settings(url), caplog.at_level(logging.ERROR, logger="aslp_site.core.health"):
        response, data = health(client)

    assert response.status_code == 503
    assert data["status"] == "fail"
    assert data["checks"]["tasks"]["ok"] is False
    assert set(data["checks"]["tasks"]) == {"ok", "ms"}
    assert all(data["checks"][name]["ok"] for name in CHECKS - {"tasks"})
    assert health_log(caplog) == ["Health check tasks failed"]
    assert_private(response)


# Cache and storage --------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["default", "sessions"])
def test_unreachable_cache_fails_cache(client, alias, caplog):
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions",
        },
    }
    caches[alias] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://:{PASSWORD}@127.0.0.1:{closed_port()}/14",
    }
    with override_settings(CACHES=caches), caplog.at_level(logging.ERROR, "aslp_site.core.health"):
        response, data = health(client)

    assert response.status_code == 503
    assert data["status"] == "fail"
    assert data["checks"]["cache"] == {"ok": False, "ms": data["checks"]["cache"]["ms"]}
    assert all(data["checks"][name]["ok"] for name in CHECKS - {"cache"})
    assert health_log(caplog) == ["Health check cache failed"]
    assert_private(response)


def storages_with(alias: str, location) -> dict:
    from django.conf import settings

    storages = {name: dict(conf) for name, conf in settings.STORAGES.items()}
    storages[alias] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "base_url": None},
    }
    return storages


@pytest.mark.parametrize("alias", ["private", "default"])
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_unusable_storage_folder_fails_storage(client, tmp_path, alias, where, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    location = blocker if where == "a file" else blocker / "private"

    with (
        override_settings(STORAGES=storages_with(alias, location)),
        caplog.at_level(logging.ERROR, logger="aslp_site.core.health"),
    ):
        response, data = health(client)

    assert response.status_code == 503
    assert data["status"] == "fail"
    assert data["checks"]["storage"] == {"ok": False, "ms": data["checks"]["storage"]["ms"]}
    assert all(data["checks"][name]["ok"] for name in CHECKS - {"storage"})
    assert health_log(caplog) == ["Health check storage failed"]
    assert str(tmp_path) not in response.content.decode()
    assert_private(response)


def test_storage_folder_not_made_yet_is_fine(client, tmp_path):
    """A folder is made on the first save: missing under a usable folder is healthy."""
    with override_settings(STORAGES=storages_with("private", tmp_path / "new" / "private")):
        response, data = health(client)
    assert response.status_code == 200
    assert data["checks"]["storage"]["ok"] is True
    assert not (tmp_path / "new").exists()  # the check itself writes nothing


def test_several_failures_at_once(client, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/14",
        },
    }
    with override_settings(CACHES=caches, STORAGES=storages_with("private", blocker)):
        response, data = health(client)
    assert response.status_code == 503
    assert {name: check["ok"] for name, check in data["checks"].items()} == {
        "database": True,
        "cache": False,
        "tasks": True,
        "storage": False,
    }


def test_live_answers_while_the_cache_is_down(client):
    caches = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/14",
        }
        for alias in ("default", "sessions")
    }
    with override_settings(CACHES=caches):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.content == b"ok"
