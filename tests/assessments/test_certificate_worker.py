"""R11: a bulk issue run by the real task worker (``manage.py db_worker``, a separate process on
the same PostgreSQL database), killed with SIGKILL in the middle and run again, ends with
exactly one valid certificate per eligible participant, no serial twice, and every stored PDF
equal to its recorded hash.

Needs PostgreSQL (the worker process must reach the test database); skipped on SQLite.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from assessments import issuing
from assessments.models import BatchStatus, Certificate, CertificateBatch
from assessments.tasks import issue_certificates
from tests import processes
from tests.assessments.certificate_world import certificate_world
from tests.processes import db_worker_env, wait_for_other_sessions
from tests.trainings import factories as f
from trainings.models import Attendance, AttendanceStatus

ROOT = Path(__file__).resolve().parents[2]
EXTRA = 36  # participants added to the four of the world, all complete
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: the worker process shares the test database",
    ),
]


def _worker(*extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", *extra],
        cwd=ROOT,
        env=db_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _enqueue(cohort) -> CertificateBatch:
    batch = CertificateBatch.objects.create(cohort=cohort, send_email=False)
    with override_settings(TASKS=DB_TASKS):
        issue_certificates.enqueue(batch.pk)
    return batch


def test_killed_in_the_middle_and_run_again_gives_one_certificate_each():
    world = certificate_world("cohort-r11")
    cohort = world["cohort"]
    sessions = world["sessions"]
    for n in range(EXTRA):
        person = f.participant(
            cohort, f"p{n}@r11.org", family_name=f"Family{n:02d}", given_names="Given"
        )
        for session in sessions:
            Attendance.objects.create(
                activity=session, participant=person, status=AttendanceStatus.PRESENT
            )
    eligible = 3 + EXTRA  # Park attended nothing

    first = _enqueue(cohort)
    worker = _worker()
    try:
        deadline = time.monotonic() + 120
        while Certificate.objects.filter(cohort=cohort).count() < 5:
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker issued nothing in 120 s"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    killed_at = Certificate.objects.filter(cohort=cohort).count()
    first.refresh_from_db()
    assert first.status == BatchStatus.RUNNING  # the killed run never finished
    assert killed_at < eligible, "the batch finished before the kill: make it longer"

    second = _enqueue(cohort)
    rerun = _worker("--batch")
    _out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    second.refresh_from_db()
    assert second.status == BatchStatus.FINISHED
    assert second.failed == 0
    assert second.issued + second.skipped == eligible
    assert second.skipped >= killed_at

    certificates = list(Certificate.objects.filter(cohort=cohort))
    assert len(certificates) == eligible
    assert {c.status for c in certificates} == {"valid"}
    assert len({c.participant_id for c in certificates}) == eligible
    assert len({c.serial for c in certificates}) == eligible
    for certificate in certificates:
        data = issuing.pdf_bytes(certificate)
        assert hashlib.sha256(data).hexdigest() == certificate.sha256


@pytest.fixture(autouse=True)
def _workers_gone():
    """After the test, wait until the worker processes' sessions have left the database (a
    killed client's session ends a moment later), so that the test database can be flushed
    and dropped."""
    since = processes.now()
    yield
    wait_for_other_sessions(since)
