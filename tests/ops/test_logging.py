"""Request ids, JSON log lines, the 500 page's reference, Sentry, and the RQ worker's log lines.

This module is also the URLconf of its own tests (``ROOT_URLCONF=tests.ops.test_logging``): the
project has no route that logs or crashes on purpose. Cases that depend on settings read at
start-up (LOG_FORMAT, SENTRY_DSN, the worker's settings) run a fresh interpreter.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils.module_loading import import_string

from tests.ops.redis_db import redis_url
from tests.processes import test_database_url

ROOT = Path(__file__).resolve().parents[2]
HEX32 = re.compile(r"[0-9a-f]{32}")
REDIS_URL = redis_url()
URLCONF = override_settings(ROOT_URLCONF=__name__)

log = logging.getLogger("aslp.tests.logging")


# The test-only URLconf ----------------------------------------------------------------------


class ProbeError(Exception):
    """Raised by the crashing view; its name must reach Sentry."""


def noisy(request):
    log.warning("inside the request")
    return HttpResponse("ok")


def crash(request):
    user = request.user  # a local variable, as in most views
    raise ProbeError(f"crash for the test ({type(user).__name__})")


def with_task(request):
    from cohorts.tasks import deliver_email

    result = deliver_email.enqueue("Subject", "Body", ["task@example.org"])
    log.warning("after the task")
    return HttpResponse(result.id)


urlpatterns = [
    path("noisy/", noisy),
    path("crash/", crash),
    path("task/", with_task),
]
handler500 = "aslp_site.core.views.server_error"


# Helpers ------------------------------------------------------------------------------------


def project_handler(formatter: str = "json") -> tuple[logging.Handler, io.StringIO]:
    """A handler like the "console" one of settings.LOGGING (its formatter and filter), writing
    to a string instead of standard error."""
    conf = dict(settings.LOGGING["formatters"][formatter])
    factory = conf.pop("()", None)
    if factory:
        built = import_string(factory)(**conf)
    else:
        built = logging.Formatter(conf["format"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(built)
    for name in settings.LOGGING["handlers"]["console"]["filters"]:
        handler.addFilter(import_string(settings.LOGGING["filters"][name]["()"])())
    return handler, stream


@pytest.fixture
def console():
    """Lines the project's JSON console handler writes while the test runs (root logger)."""
    handler, stream = project_handler("json")
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE", "CACHE", "SESSION", "TASKS", "SENTRY_"))
        and name not in ("LOG_FORMAT", "LOG_LEVEL", "EMAIL_BACKEND", "MEDIA_STORAGE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "aslp_site.settings.test", **extra})
    return env


def run_python(script: str, env: dict[str, str], timeout: int = 120):
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# Request ids --------------------------------------------------------------------------------


def test_every_response_gets_a_new_id(client):
    first = client.get("/health/live/")["X-Request-ID"]
    second = client.get("/health/live/")["X-Request-ID"]
    assert HEX32.fullmatch(first)
    assert HEX32.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "incoming",
    [
        "abcd1234",  # 8, the shortest
        "f" * 64,  # the longest
        "1-67891233-abcdef012345678912345678",  # shaped like a load balancer's trace id
        "req_01HZX.4:b-7",
    ],
)
def test_a_plausible_incoming_id_is_kept(client, incoming):
    response = client.get("/health/live/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "abc1234",  # 7: too short
        "f" * 65,  # too long
        "a" * 200,
        "has some spaces",
        "abcdefgh\n",  # "$" alone would accept this one
        "abcdefgh\r\nSet-Cookie: x=1",
        "abcdefgh<script>",
        "요청-번호-12345678",
        "café-1234567",
    ],
)
def test_a_hostile_incoming_id_is_replaced(client, incoming):
    response = client.get("/health/live/", headers={"X-Request-ID": incoming})
    assert response.status_code == 200
    assert HEX32.fullmatch(response["X-Request-ID"])
    assert "Set-Cookie" not in response


@URLCONF
def test_a_log_line_in_a_request_carries_its_id(client, console):
    response = client.get("/noisy/", headers={"X-Request-ID": "proxy-abc-123"})
    plain = client.get("/noisy/")

    lines = [line for line in console() if line["logger"] == "aslp.tests.logging"]
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("inside the request", "proxy-abc-123"),
        ("inside the request", plain["X-Request-ID"]),
    ]
    assert response["X-Request-ID"] == "proxy-abc-123"
    # Outside a request, "-".
    log.warning("after the requests")
    assert console()[-1]["request_id"] == "-"


def test_the_json_line_fields(console):
    log.warning("one %s line", "JSON")
    (line,) = [line for line in console() if line["logger"] == "aslp.tests.logging"]
    assert set(line) == {"time", "level", "logger", "message", "request_id"}
    assert line["level"] == "WARNING"
    assert line["message"] == "one JSON line"
    assert line["request_id"] == "-"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", line["time"])


@pytest.mark.django_db
def test_djangos_own_line_for_an_error_answer_carries_the_id(client, console, tmp_path):
    """Django logs a 4xx/5xx answer after the middleware has returned."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    storages = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    with override_settings(STORAGES=storages):
        response = client.get("/health/")
    assert response.status_code == 503
    rid = response["X-Request-ID"]
    assert [(line["logger"], line["message"], line["request_id"]) for line in console()] == [
        ("aslp_site.core.health", "Health check storage failed", rid),
        ("django.request", "Service Unavailable: /health/", rid),
    ]


@URLCONF
def test_a_task_logs_under_its_own_id_and_the_request_keeps_its_id(client, console, caplog):
    caplog.set_level(logging.INFO, logger="django_tasks")
    response = client.get("/task/", headers={"X-Request-ID": "proxy-task-0001"})
    task_id = response.content.decode()

    seen = [(line["message"], line["request_id"]) for line in console()]
    finished = f"Task id={task_id} path=cohorts.tasks.deliver_email state=SUCCESSFUL"
    assert (finished, f"task-{task_id}") in seen
    # Back to the request's id once the task has finished.
    assert seen[-1] == ("after the task", "proxy-task-0001")
    assert response["X-Request-ID"] == "proxy-task-0001"


@URLCONF
def test_the_500_page_shows_the_request_id(console):
    client = Client(raise_request_exception=False)
    response = client.get("/crash/", headers={"X-Request-ID": "proxy-crash-42"})
    fresh = client.get("/crash/")

    assert response.status_code == 500
    assert response["X-Request-ID"] == "proxy-crash-42"
    assert "<code>proxy-crash-42</code>" in response.content.decode()
    assert fresh.status_code == 500
    assert HEX32.fullmatch(fresh["X-Request-ID"])
    assert f"<code>{fresh['X-Request-ID']}</code>" in fresh.content.decode()
    # Django's error line, with its traceback, names the same id.
    errors = [line for line in console() if line["logger"] == "django.request"]
    assert [(line["message"], line["request_id"]) for line in errors] == [
        ("Internal Server Error: /crash/", "proxy-crash-42"),
        ("Internal Server Error: /crash/", fresh["X-Request-ID"]),
    ]
    assert "ProbeError: crash for the test" in errors[0]["exc_info"]


# The real console handler, configured by settings.LOGGING at start-up ----------------------

CONSOLE_SCRIPT = """
import json, sys, django
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.ops.test_logging"):
    client = Client()
    noisy = client.get("/noisy/")
    task = client.get("/task/", headers={"X-Request-ID": "proxy-task-0002"})
sys.stderr.flush()
print(json.dumps({"noisy": noisy["X-Request-ID"], "task": task.content.decode()}))
"""


def test_console_handler_prints_json_lines_with_the_request_id():
    env = clean_env(LOG_FORMAT="json", TASKS_LOG_LEVEL="INFO", PYTHONWARNINGS="ignore")
    result = run_python(CONSOLE_SCRIPT, env)
    assert result.returncode == 0, result.stderr[-3000:]
    ids = json.loads(result.stdout.strip().splitlines()[-1])

    lines = json_lines(result.stderr)
    assert len(lines) == len(result.stderr.strip().splitlines())  # every line is JSON
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line)
    mine = [line for line in lines if line["logger"] == "aslp.tests.logging"]
    assert [(line["level"], line["message"], line["request_id"]) for line in mine] == [
        ("WARNING", "inside the request", ids["noisy"]),
        ("WARNING", "after the task", "proxy-task-0002"),
    ]
    assert HEX32.fullmatch(ids["noisy"])
    finished = [line for line in lines if line["message"].endswith("state=SUCCESSFUL")]
    assert [line["request_id"] for line in finished] == [f"task-{ids['task']}"]


def test_console_handler_text_format():
    result = run_python(CONSOLE_SCRIPT, clean_env(LOG_FORMAT="text"))
    assert result.returncode == 0, result.stderr[-3000:]
    ids = json.loads(result.stdout.strip().splitlines()[-1])
    assert re.search(
        rf"^\S+ \S+ WARNING \[{ids['noisy']}\] aslp.tests.logging: inside the request$",
        result.stderr,
        re.MULTILINE,
    )


# Sentry -------------------------------------------------------------------------------------


class _Collector(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.received.append((self.path, body.decode("utf-8", "replace")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def shared_database_url(tmp_path: Path) -> str:
    """A DATABASE_URL for another process that sees this test's (committed) data."""
    if connection.vendor == "postgresql":
        return test_database_url()
    copy = tmp_path / "db.sqlite3"  # the in-memory test database, copied to a file
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{copy}"


SENTRY_SCRIPT = """
import json, django
django.setup()
import sentry_sdk
from django.test import Client, override_settings
from aslp_site.accounts.models import User
client = Client(raise_request_exception=False)
client.force_login(User.objects.get(email="sentry-person@example.org"))
client.cookies["prefs"] = "cookie-secret-Kq27"
with override_settings(ROOT_URLCONF="tests.ops.test_logging"):
    response = client.get("/crash/", headers={"X-Request-ID": "sentry-req-0001"})
session = client.cookies[django.conf.settings.SESSION_COOKIE_NAME].value
sentry_sdk.flush(timeout=10)
print(json.dumps({"status": response.status_code, "session": session,
                  "active": sentry_sdk.get_client().is_active()}))
"""


def sentry_report(server, tmp_path: Path) -> tuple[dict, str, dict]:
    """A signed-in person's request crashes in a fresh process that reports to ``server``:
    the process's outcome, everything it sent, and the error event."""
    from aslp_site.accounts.models import User

    User.objects.create_user(email="sentry-person@example.org", password="x-Very-long-pw-1")
    port = server.server_address[1]
    env = clean_env(
        DATABASE_URL=shared_database_url(tmp_path),
        SENTRY_DSN=f"http://public@127.0.0.1:{port}/1",
        SENTRY_ENVIRONMENT="health-test",
    )

    result = run_python(SENTRY_SCRIPT, env)

    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 500
    assert outcome["active"] is True
    envelopes = [body for where, body in server.received if where == "/api/1/envelope/"]
    events = [
        json.loads(line)
        for body in envelopes
        for line in body.splitlines()
        if line.startswith("{") and '"exception"' in line
    ]
    assert len(events) == 1
    return outcome, "\n".join(envelopes), events[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sentry_gets_the_error_without_personal_data(sentry_server, tmp_path):
    outcome, everything, event = sentry_report(sentry_server, tmp_path)

    assert [value["type"] for value in event["exception"]["values"]] == ["ProbeError"]
    assert event["environment"] == "health-test"
    assert "cookie-secret-Kq27" not in everything
    assert outcome["session"] not in everything
    assert "x-Very-long-pw-1" not in everything
    assert "email" not in event.get("user", {})
    # Apart from the stack frames' local variables (next test), no e-mail address anywhere.
    for value in event["exception"]["values"]:
        for frame in value["stacktrace"]["frames"]:
            frame.pop("vars", None)
    assert "sentry-person@example.org" not in json.dumps(event)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sentry_frames_carry_no_local_variables(sentry_server, tmp_path):
    """send_default_pii=False still sends each frame's local variables, whose representation
    names people (a User shows as its e-mail address)."""
    _outcome, everything, _event = sentry_report(sentry_server, tmp_path)
    assert "sentry-person@example.org" not in everything


def test_no_sentry_without_a_dsn():
    script = (
        "import json, django; django.setup(); import sentry_sdk; "
        "print(json.dumps(sentry_sdk.get_client().is_active()))"
    )
    result = run_python(script, clean_env())
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "false"


# The RQ worker (aslp_site.core.worker.Worker) -----------------------------------------------

RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
SUBJECT, BODY, ADDRESS = "Subject Zq-4411", "Body text Xr-9083", "kowalczyk-7731@example.org"


@pytest.fixture
def rq_redis():
    """Redis database 14, empty before and after the test (skipped without Redis)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def enqueue_mail() -> str:
    from cohorts.tasks import deliver_email

    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": REDIS_URL}}):
        return deliver_email.enqueue(SUBJECT, BODY, [ADDRESS], reply_to=[ADDRESS]).id


def run_worker(tmp_path: Path, **extra: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    env = clean_env(
        DJANGO_SETTINGS_MODULE="aslp_site.settings.dev",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        TASKS_REDIS_URL=REDIS_URL,
        TASKS_LOG_LEVEL="INFO",
        LOG_FORMAT="json",
        PYTHONWARNINGS="ignore",
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", "default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, json_lines(result.stdout + "\n" + result.stderr)


def job_status(job_id: str) -> str:
    import redis
    from rq.job import Job

    return Job.fetch(job_id, connection=redis.Redis.from_url(REDIS_URL)).get_status()


def assert_no_arguments(output: str) -> None:
    for secret in (SUBJECT, BODY, ADDRESS, "kowalczyk", "Zq-4411", "Xr-9083"):
        assert secret not in output


def test_worker_logs_the_job_id_and_never_its_arguments(rq_redis, tmp_path):
    job_id = enqueue_mail()

    result, lines = run_worker(
        tmp_path, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert job_status(job_id) == "finished"
    output = result.stdout + result.stderr
    assert_no_arguments(output)
    worker_lines = [line["message"] for line in lines if line["logger"] == "rq.worker"]
    assert any(message.endswith(f"default: {job_id}") for message in worker_lines)
    assert any(f"Successfully completed job {job_id} " in m for m in worker_lines)
    # What the task itself logs carries the task's id.
    finished = [line for line in lines if line["message"].endswith("state=SUCCESSFUL")]
    assert [line["request_id"] for line in finished] == [f"task-{job_id}"]
    assert f"Task id={job_id} path=cohorts.tasks.deliver_email" in finished[0]["message"]


def test_worker_logs_a_failed_job_without_its_arguments(rq_redis, tmp_path):
    job_id = enqueue_mail()

    # The file back end without EMAIL_FILE_PATH cannot send: the job fails.
    result, lines = run_worker(
        tmp_path, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert job_status(job_id) == "failed"
    output = result.stdout + result.stderr
    assert_no_arguments(output)
    (failure,) = [
        line
        for line in lines
        if line["logger"] == "rq.worker" and "exception raised while executing" in line["message"]
    ]
    assert failure["level"] == "ERROR"
    assert f"job {job_id}:" in failure["message"]
    # The traceback stays (the file back end's path is None).
    assert "Traceback (most recent call last)" in failure["message"]
    assert "TypeError: expected str, bytes or os.PathLike object" in failure["message"]
    assert "arguments" not in failure
    assert "kwargs" not in failure
