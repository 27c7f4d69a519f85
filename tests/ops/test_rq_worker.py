"""Background tasks on Redis with real RQ workers (production's TASKS_BACKEND).

The test process enqueues through ``django_tasks_rq.RQBackend`` into a Redis database of its
own; ``manage.py rqworker --burst default`` then runs as a separate process (dev settings, the
pytest PostgreSQL test database, Postmark through django-anymail) and sends every e-mail to a
small fake Postmark API served by the test. Erasing a person also removes their jobs from RQ.

The worker tests need PostgreSQL (the worker shares the test database) and Redis at
127.0.0.1:6379; the erasure test needs Redis only. Without them they are skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import django_rq
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import Job as TaskJob
from rq import Queue, SimpleWorker
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    FinishedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

from assessments import issuing
from assessments.models import BatchStatus, Certificate, CertificateBatch
from assessments.tasks import issue_certificates
from cohorts import personal_data
from cohorts.models import Application, ApplicationStatus
from cohorts.personal_data import Erasure
from cohorts.selection import decide
from cohorts.tasks import deliver_email
from tests import processes
from tests.assessments.certificate_world import certificate_world
from tests.cohorts import factories as cf
from tests.ops.redis_db import redis_url
from tests.processes import test_database_url, wait_for_other_sessions
from tests.trainings import factories as f
from trainings.models import Attendance, AttendanceStatus

ROOT = Path(__file__).resolve().parents[2]
TASKS_REDIS_URL = redis_url()
RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
FROM = "ASLP <noreply@aslp.example.org>"  # DEFAULT_FROM_EMAIL of the settings (no override)
BASE_URL = "http://testserver"

needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: the worker process shares the test database",
)


# -- Services -------------------------------------------------------------------------------------


@pytest.fixture
def rq_redis(settings):
    """The tasks' Redis database, empty, with the test process enqueueing into it through RQ."""
    client = redis.Redis.from_url(TASKS_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis at {TASKS_REDIS_URL}: {exc}")
    client.flushdb()
    settings.RQ_QUEUES = RQ_QUEUES
    settings.TASKS = RQ_TASKS
    settings.WAGTAILADMIN_BASE_URL = BASE_URL
    yield client
    client.flushdb()
    client.close()


class FakePostmark:
    """Postmark's /email endpoint: records each message and answers as Postmark does."""

    def __init__(self):
        self.messages: list[dict] = []
        self.requests: list[tuple[str, str | None]] = []  # (path, server token)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length))
                with fake._lock:
                    fake.requests.append((self.path, self.headers.get("X-Postmark-Server-Token")))
                    fake.messages.append(data)
                answer = json.dumps(
                    {
                        "To": data.get("To", ""),
                        "SubmittedAt": "2026-11-24T10:00:00.0000000Z",
                        "MessageID": str(uuid.uuid4()),
                        "ErrorCode": 0,
                        "Message": "OK",
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def by_recipient(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for message in self.messages:
            found.setdefault(message["To"], []).append(message)
        return found


@pytest.fixture
def postmark():
    fake = FakePostmark()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


# -- The worker process ---------------------------------------------------------------------------


def _worker_env(postmark: FakePostmark) -> dict[str, str]:
    url = test_database_url()
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("DJANGO_", "DATABASE", "CACHE", "SESSION", "TASKS", "ANYMAIL", "S3_", "SENTRY")
        )
        and name not in ("EMAIL_BACKEND", "MEDIA_STORAGE", "DEFAULT_FROM_EMAIL", "LOG_FORMAT")
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.dev",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "TASKS_REDIS_URL": TASKS_REDIS_URL,
        "TASKS_LOG_LEVEL": "INFO",
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "test",
        "ANYMAIL_POSTMARK_API_URL": postmark.url,
        "WAGTAILADMIN_BASE_URL": BASE_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "LOG_FORMAT": "text",
    }


def _start_worker(postmark: FakePostmark, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "--burst", "--name", name, "default"],
        cwd=ROOT,
        env=_worker_env(postmark),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def run_workers(postmark: FakePostmark, count: int = 1, timeout: float = 120) -> str:
    """Run ``count`` burst workers at once until the queue is empty; their output."""
    workers = [_start_worker(postmark, f"test-{uuid.uuid4().hex[:8]}") for _ in range(count)]
    outputs = []
    for worker in workers:
        try:
            out, _err = worker.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            out, _err = worker.communicate()
            pytest.fail("an RQ worker did not finish in time:\n" + out.decode(errors="replace"))
        outputs.append(out.decode(errors="replace"))
        assert worker.returncode == 0, "an RQ worker failed:\n" + "\n".join(outputs)
    return "\n".join(outputs)


def assert_all_jobs_done(client: redis.Redis, output: str) -> int:
    """Nothing waiting, running or failed in the queue; the number of finished jobs."""
    queue = Queue("default", connection=client)
    failed = FailedJobRegistry(queue=queue)
    reasons = []
    for job_id in failed.get_job_ids():
        job = queue.fetch_job(job_id)
        result = job.latest_result() if job else None
        reasons.append(f"{job_id}: {result.exc_string if result else '?'}")
    assert reasons == [], "failed jobs:\n" + "\n".join(reasons) + "\nworker output:\n" + output
    assert queue.count == 0, output
    assert StartedJobRegistry(queue=queue).count == 0, output
    assert ScheduledJobRegistry(queue=queue).count == 0, output
    assert DeferredJobRegistry(queue=queue).count == 0, output
    return FinishedJobRegistry(queue=queue).count


def waiting_jobs(client: redis.Redis) -> list:
    queue = Queue("default", connection=client)
    return [queue.fetch_job(job_id) for job_id in queue.get_job_ids()]


@pytest.fixture
def _workers_gone():
    """After a worker test, wait until the workers' sessions have left the database, so that
    the test database can be flushed and dropped."""
    since = processes.now()
    yield
    wait_for_other_sessions(since)


# -- 1. An e-mail ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("_workers_gone")
@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_offer_goes_through_redis_and_a_real_worker_to_postmark_in_korean(rq_redis, postmark):
    organizer = cf.user("organizer@rq.example.org")
    cohort = cf.cohort("aslp-rq", quotas={"ROK": 2})
    minji = cf.application(
        cohort,
        cf.user("minji@rq.example.org", preferred_language="ko"),
        economy_code="ROK",
        preferred_language="ko",
        given_names="Min-ji",
        family_name="Kim",
    )
    decide(minji, "accepted", by=organizer)  # commits, then queues the e-mail

    (job,) = waiting_jobs(rq_redis)
    assert job.func_name == "cohorts.tasks.deliver_email"
    assert job.kwargs["to"] == ["minji@rq.example.org"]
    assert postmark.messages == []  # nothing is sent by the web process

    output = run_workers(postmark)

    assert assert_all_jobs_done(rq_redis, output) == 1
    assert postmark.requests == [("/email", "test")], output
    (message,) = postmark.messages
    assert message["From"] == FROM
    assert message["To"] == "minji@rq.example.org"
    assert message["Subject"] == "Cohort aslp-rq 선발 제안 안내"
    body = message["TextBody"]
    assert body == job.kwargs["body"]
    assert body.startswith("Min-ji KIM 님께\n\n")
    assert f"{BASE_URL}/ko/apply/aslp-rq/offer/" in body
    assert "Dear" not in body and "offer you a place" not in body
    assert Application.objects.get(pk=minji.pk).status == ApplicationStatus.ACCEPTED


# -- 1b, 1c. A certificate batch ------------------------------------------------------------------


def _batch_world(slug: str, extra: int) -> tuple[object, list]:
    """The shared certificate world plus ``extra`` complete participants (one Korean); the
    eligible participants."""
    world = certificate_world(slug)
    cohort = world["cohort"]
    eligible = [world["kim"], world["somchai"], world["lee"]]  # Park attended nothing
    for n in range(extra):
        person = f.participant(
            cohort,
            f"p{n}@{slug}.org",
            family_name=f"Family{n:02d}",
            given_names="Given",
            language="ko" if n == 0 else "en",
        )
        for session in world["sessions"]:
            Attendance.objects.create(
                activity=session, participant=person, status=AttendanceStatus.PRESENT
            )
        eligible.append(person)
    return cohort, eligible


def _assert_one_valid_certificate_each(cohort, eligible) -> list[Certificate]:
    certificates = list(Certificate.objects.filter(cohort=cohort).order_by("pk"))
    assert sorted(c.participant_id for c in certificates) == sorted(p.pk for p in eligible)
    assert {c.status for c in certificates} == {"valid"}
    assert len({c.serial for c in certificates}) == len(eligible)
    for certificate in certificates:
        data = issuing.pdf_bytes(certificate)
        assert hashlib.sha256(data).hexdigest() == certificate.sha256
        assert len(data) == certificate.size
    return certificates


def _assert_one_email_each(
    postmark: FakePostmark, certificates: list[Certificate], output: str
) -> None:
    received = postmark.by_recipient()
    expected = {c.participant.user.email: c for c in certificates}
    assert sorted(received) == sorted(expected), output
    for address, (message,) in received.items():
        certificate = expected[address]
        assert message["From"] == FROM
        if certificate.participant.language == "ko":
            assert (
                message["Subject"] == f"Cohort {certificate.cohort.slug} 증서({certificate.serial})"
            )
            assert "증서가 준비되었습니다." in message["TextBody"]
        else:
            assert message["Subject"] == (
                f"Your certificate of Cohort {certificate.cohort.slug} ({certificate.serial})"
            )
            assert " is ready." in message["TextBody"]
        assert f"{BASE_URL}/verify/{certificate.code}/" in message["TextBody"]
    assert {path for path, _token in postmark.requests} == {"/email"}


@pytest.mark.usefixtures("_workers_gone")
@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_certificate_batch_runs_on_a_real_rq_worker(rq_redis, postmark):
    cohort, eligible = _batch_world("cohort-rqb", extra=5)
    with transaction.atomic():
        batch = issuing.start_batch(cohort, by=None, send_email=True)
    assert Certificate.objects.filter(cohort=cohort).count() == 0
    assert len(waiting_jobs(rq_redis)) >= 1

    output = run_workers(postmark)

    finished = assert_all_jobs_done(rq_redis, output)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FINISHED, (batch.errors, output)
    assert (batch.issued, batch.skipped, batch.failed) == (len(eligible), 0, 0)
    certificates = _assert_one_valid_certificate_each(cohort, eligible)
    _assert_one_email_each(postmark, certificates, output)
    assert finished >= 1 + len(eligible)  # the batch's job(s) and one e-mail each


@pytest.mark.usefixtures("_workers_gone")
@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_on_two_overlapping_batches_give_one_certificate_each(
    rq_redis, postmark, settings
):
    # Small parts, so that a batch split into parts has several for the two workers at once.
    settings.CERTIFICATE_BATCH_PART_SIZE = 4
    cohort, eligible = _batch_world("cohort-rqc", extra=9)
    with transaction.atomic():
        first = issuing.start_batch(cohort, by=None, send_email=True)
    # The same cohort's batch queued a second time (started again from another session), so
    # that both workers issue for the same people at the same moment.
    second = CertificateBatch.objects.create(cohort=cohort, send_email=True)
    issue_certificates.enqueue(second.pk)

    output = run_workers(postmark, count=2)

    assert_all_jobs_done(rq_redis, output)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (BatchStatus.FINISHED, BatchStatus.FINISHED), output
    assert first.failed == second.failed == 0, (first.errors, second.errors)
    assert first.issued + second.issued == len(eligible)
    certificates = _assert_one_valid_certificate_each(cohort, eligible)
    _assert_one_email_each(postmark, certificates, output)


# -- 3. Erasure removes the person's jobs ---------------------------------------------------------


def _work_in_process(client: redis.Redis) -> None:
    """Run what waits in the queue here, with RQ's in-process worker (test settings' locmem
    e-mail), so that jobs end up finished or failed; RQ's signal handlers are put back."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        queue = django_rq.get_queue("default", job_class=TaskJob)
        SimpleWorker([queue], connection=client, job_class=TaskJob).work(burst=True)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _jobs_by_registry(client: redis.Redis) -> dict[str, list[list[str]]]:
    """Every job's recipients, by where RQ keeps it."""
    queue = Queue("default", connection=client)
    places = {
        "queued": queue.get_job_ids(),
        "scheduled": ScheduledJobRegistry(queue=queue).get_job_ids(),
        "deferred": DeferredJobRegistry(queue=queue).get_job_ids(),
        "finished": FinishedJobRegistry(queue=queue).get_job_ids(),
        "failed": FailedJobRegistry(queue=queue).get_job_ids(),
        "started": StartedJobRegistry(queue=queue).get_job_ids(),
    }
    found = {}
    for place, ids in places.items():
        jobs = [queue.fetch_job(job_id) for job_id in ids]
        found[place] = sorted(str(job.kwargs["to"]) for job in jobs if job is not None)
    return found


@pytest.mark.django_db
def test_erasing_a_person_deletes_their_jobs_from_every_rq_registry(
    rq_redis, django_capture_on_commit_callbacks
):
    organizer = cf.user("organizer@rq.example.org")
    cohort = cf.cohort("aslp-erase", quotas={"ROK": 3})
    person = cf.user("hana@rq.example.org", first_name="Hana", last_name="Seo")
    other = cf.user("tom@rq.example.org")
    mine = cf.application(cohort, person, economy_code="ROK", given_names="Hana", family_name="Seo")
    theirs = cf.application(cohort, other, economy_code="ROK")
    # A finished e-mail to the person and a failed one (the address not in a list).
    deliver_email.enqueue(subject="Welcome", body="Dear Hana Seo,", to=["hana@rq.example.org"])
    deliver_email.enqueue(subject="Broken", body="-", to="hana@rq.example.org")
    _work_in_process(rq_redis)
    # Waiting: the person's offer, a reminder scheduled for tomorrow that names them (to the
    # organizer), and the other applicant's offer.
    with django_capture_on_commit_callbacks(execute=True):
        decide(mine, "accepted", by=organizer)
        decide(theirs, "accepted", by=organizer)
    deliver_email.using(run_after=timezone.now() + dt.timedelta(days=1)).enqueue(
        subject="Reminder", body="HANA SEO has not answered yet.", to=["organizer@rq.example.org"]
    )
    before = _jobs_by_registry(rq_redis)
    assert before == {
        "queued": ["['hana@rq.example.org']", "['tom@rq.example.org']"],
        "scheduled": ["['organizer@rq.example.org']"],
        "deferred": [],
        "finished": ["['hana@rq.example.org']"],
        "failed": ["hana@rq.example.org"],
        "started": [],
    }

    out = io.StringIO()
    call_command("erase_person", email="hana@rq.example.org", reason="Asked by mail", stdout=out)

    assert out.getvalue().startswith("Erased: the account is now erased-1@invalid")
    after = _jobs_by_registry(rq_redis)
    assert after == {
        "queued": ["['tom@rq.example.org']"],
        "scheduled": [],
        "deferred": [],
        "finished": [],
        "failed": [],
        "started": [],
    }
    # Nothing of the person is left in the tasks' Redis database (job hashes, results).
    leftovers = [key for key in rq_redis.scan_iter() if b"hana" in (_dump(rq_redis, key) or b"")]
    assert leftovers == []


@pytest.mark.django_db
def test_the_count_covers_database_rows_and_rq_jobs(rq_redis):
    person = cf.user("jin@rq.example.org", first_name="Jin", last_name="Choi")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"to": ["jin@rq.example.org"]}},
        task_path="cohorts.tasks.deliver_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    deliver_email.enqueue(subject="Hello", body="Dear Jin Choi,", to=["x@rq.example.org"])
    deliver_email.enqueue(subject="Hello", body="Dear Jinsoo,", to=["y@rq.example.org"])
    erasure = Erasure(person, 7, needles=personal_data.account_names(person))

    assert personal_data.delete_queued_tasks(erasure) == 2  # the row and "Jin Choi"'s job
    assert _jobs_by_registry(rq_redis)["queued"] == ["['y@rq.example.org']"]
    assert not DBTaskResult.objects.exists()


def _dump(client: redis.Redis, key: bytes) -> bytes | None:
    kind = client.type(key)
    if kind == b"string":
        return client.get(key)
    if kind == b"hash":
        return b" ".join(v for pair in client.hgetall(key).items() for v in pair)
    if kind == b"list":
        return b" ".join(client.lrange(key, 0, -1))
    if kind == b"zset":
        return b" ".join(client.zrange(key, 0, -1))
    if kind == b"set":
        return b" ".join(client.smembers(key))
    return None
