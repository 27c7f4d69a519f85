"""A bulk issue in parts (one task each) so that several workers share one cohort's batch.

* With the immediate task backend: a batch of N holders in 3 parts ends finished with exact
  counts and one certificate each; part k takes the holders at positions k, k+n, ...; a part
  that never ran leaves the batch running until it is stale, and a new batch then issues only
  what is missing; the number of parts follows the settings.
* On PostgreSQL, with real concurrency: three parts at once in three threads (each its own
  database connection), and three parts run by two real ``manage.py db_worker`` processes.
  Serials are unique, the counts exact, and exactly one part marks the batch finished.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import close_old_connections, connections
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from assessments import issuing
from assessments.models import BatchStatus, Certificate, CertificateBatch
from tests import processes
from tests.assessments.certificate_world import certificate_world
from tests.processes import db_worker_env, wait_for_other_sessions
from tests.trainings import factories as f
from trainings.models import Attendance, AttendanceStatus, Participant

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: concurrent parts share the test database",
)
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _world(slug: str, extra: int) -> tuple[dict, list[list]]:
    """The certificate world plus ``extra`` participants who attended every session, and the
    targets a batch with speakers considers, in order (names: Family00.., Kim, Kittisak, Lee;
    Park attended nothing; then the speaker)."""
    world = certificate_world(slug)
    people = []
    for n in range(extra):
        person = f.participant(
            world["cohort"], f"p{n}@{slug}.org", family_name=f"Family{n:02d}", given_names="Given"
        )
        for session in world["sessions"]:
            Attendance.objects.create(
                activity=session, participant=person, status=AttendanceStatus.PRESENT
            )
        people.append(person)
    targets = [["p", person.pk, "completion"] for person in people]
    targets += [
        ["p", world["kim"].pk, "completion"],
        ["p", world["somchai"].pk, "completion"],
        ["p", world["lee"].pk, "attendance"],
        ["s", world["speaker"].pk, "appreciation"],
    ]
    return world, targets


def _holder(certificate: Certificate) -> list:
    if certificate.participant_id:
        return ["p", certificate.participant_id, certificate.kind]
    return ["s", certificate.speaker_id, certificate.kind]


def _assert_one_valid_certificate_each(cohort, targets: list[list]) -> list[Certificate]:
    certificates = list(Certificate.objects.filter(cohort=cohort))
    assert sorted(_holder(c) for c in certificates) == sorted(targets)
    assert {c.status for c in certificates} == {"valid"}
    serials = [c.serial for c in certificates]
    assert len(set(serials)) == len(serials) == len(targets)
    return certificates


def _counts(batch: CertificateBatch) -> tuple:
    return (
        batch.status,
        batch.parts_done,
        batch.total,
        batch.processed,
        batch.issued,
        batch.skipped,
        batch.failed,
    )


# -- Immediate backend ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_in_three_parts_issues_each_once_and_finishes(
    settings, django_capture_on_commit_callbacks
):
    world, targets = _world("cohort-parts", extra=8)
    # 12 active participants and a speaker, 5 per part: 3 parts.
    settings.CERTIFICATE_BATCH_PART_SIZE = 5
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = issuing.start_batch(
            world["cohort"], by=None, include_speakers=True, send_email=False
        )
    assert len(callbacks) == 1  # one callback, enqueueing the three parts
    batch.refresh_from_db()
    assert batch.parts == 3
    assert _counts(batch) == (BatchStatus.FINISHED, 3, 12, 12, 12, 0, 0)
    assert batch.errors == []
    assert batch.targets == targets
    assert batch.finished_at is not None and batch.started_at <= batch.finished_at
    certificates = _assert_one_valid_certificate_each(world["cohort"], targets)
    assert {c.batch_id for c in certificates} == {batch.pk}


@pytest.mark.django_db
def test_each_part_takes_every_nth_holder_and_a_missing_part_is_made_up_by_a_new_batch(
    django_capture_on_commit_callbacks,
):
    world, targets = _world("cohort-nth", extra=8)
    targets = targets[:-1]  # no speakers
    cohort = world["cohort"]
    batch = CertificateBatch.objects.create(cohort=cohort, send_email=False, parts=3)

    part = issuing.run_batch(batch, part=1)
    assert part.ended_here is False
    assert _counts(part) == (BatchStatus.RUNNING, 1, 11, 4, 4, 0, 0)
    issued = sorted(_holder(c) for c in Certificate.objects.filter(cohort=cohort))
    assert issued == sorted(targets[1::3])  # positions 1, 4, 7, 10

    part = issuing.run_batch(batch, part=2)
    assert part.ended_here is False
    assert _counts(part) == (BatchStatus.RUNNING, 2, 11, 7, 7, 0, 0)
    issued = sorted(_holder(c) for c in Certificate.objects.filter(cohort=cohort))
    assert issued == sorted(targets[1::3] + targets[2::3])

    # Part 0 never ran (its worker was killed): the batch stays running, and once nothing has
    # moved for STALE_AFTER it counts as interrupted and a new batch may start.
    batch.refresh_from_db()
    assert not issuing.is_interrupted(batch)
    later = batch.updated_at + issuing.STALE_AFTER
    assert not issuing.is_interrupted(batch, now=later)
    assert issuing.is_interrupted(batch, now=later + dt.timedelta(seconds=1))
    CertificateBatch.objects.filter(pk=batch.pk).update(
        updated_at=batch.updated_at - issuing.STALE_AFTER - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = issuing.start_batch(cohort, by=None, send_email=False, parts=2)
    assert again.pk != batch.pk
    again.refresh_from_db()
    assert _counts(again) == (BatchStatus.FINISHED, 2, 11, 11, 4, 7, 0)
    certificates = _assert_one_valid_certificate_each(cohort, targets)
    by_batch = {c.batch_id for c in certificates if _holder(c) in targets[0::3]}
    assert by_batch == {again.pk}
    batch.refresh_from_db()
    assert _counts(batch) == (BatchStatus.RUNNING, 2, 11, 7, 7, 0, 0)


@pytest.mark.django_db
def test_a_refused_certificate_is_listed_once_and_the_other_parts_go_on():
    world, targets = _world("cohort-refused", extra=4)
    world["template"].wordings.filter(language_code="th").delete()
    cohort = world["cohort"]
    batch = CertificateBatch.objects.create(cohort=cohort, send_email=False, parts=2)
    for part in (1, 0):
        batch = issuing.run_batch(batch, part=part)
    assert batch.ended_here is True
    # Targets: Family00..03, Kim, Kittisak (Thai: refused), Lee.
    assert _counts(batch) == (BatchStatus.FINISHED, 2, 7, 7, 6, 0, 1)
    assert batch.errors == [
        {
            "name": "Nattapong KITTISAK",
            "error": "The certificate template has no ไทย wording for Completion.",
        }
    ]
    holders = sorted(_holder(c) for c in Certificate.objects.filter(cohort=cohort))
    assert holders == sorted(t for t in targets[:-1] if t[1] != world["somchai"].pk)


@pytest.mark.django_db
def test_without_a_template_every_part_fails_the_batch_once(django_capture_on_commit_callbacks):
    world = certificate_world("cohort-notemplate", template=False)
    with django_capture_on_commit_callbacks(execute=True):
        batch = issuing.start_batch(world["cohort"], by=None, send_email=False, parts=3)
    batch.refresh_from_db()
    assert (batch.status, batch.parts, batch.parts_done, batch.processed) == (
        BatchStatus.FAILED,
        3,
        0,
        0,
    )
    assert batch.errors == [{"name": "", "error": "This cohort has no certificate template yet."}]
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_finished_batch_run_again_does_nothing():
    world, _targets = _world("cohort-again", extra=2)
    batch = CertificateBatch.objects.create(cohort=world["cohort"], send_email=False)
    batch = issuing.run_batch(batch)
    assert batch.ended_here is True
    assert _counts(batch) == (BatchStatus.FINISHED, 1, 5, 5, 5, 0, 0)
    batch = issuing.run_batch(batch)
    assert batch.ended_here is False
    assert _counts(batch) == (BatchStatus.FINISHED, 1, 5, 5, 5, 0, 0)
    assert Certificate.objects.count() == 5


@pytest.mark.django_db
def test_a_part_must_belong_to_the_batch():
    world = certificate_world("cohort-wrong")
    batch = CertificateBatch.objects.create(cohort=world["cohort"], send_email=False, parts=2)
    with pytest.raises(ValueError, match="part 0 of 3, but batch .* has 2 parts"):
        issuing.run_batch(batch, part=0, parts=3)
    with pytest.raises(ValueError, match="no part 2 in batch .* of 2 parts"):
        issuing.run_batch(batch, part=2)
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.targets) == (BatchStatus.QUEUED, 0, None)


@pytest.mark.django_db
def test_the_number_of_parts_follows_the_cohort_and_the_settings(settings):
    world, _targets = _world("cohort-sizes", extra=8)
    cohort = world["cohort"]
    assert Participant.objects.active().filter(cohort=cohort).count() == 12
    assert issuing.batch_parts(cohort) == 1  # 12 of 50 per part
    settings.CERTIFICATE_BATCH_PART_SIZE = 2
    assert issuing.batch_parts(cohort) == 6
    assert issuing.batch_parts(cohort, include_speakers=True) == 7  # 13 holders
    settings.CERTIFICATE_BATCH_PARTS = 4
    assert issuing.batch_parts(cohort, include_speakers=True) == 4
    settings.CERTIFICATE_BATCH_PARTS = 1
    assert issuing.batch_parts(cohort, include_speakers=True) == 1
    settings.CERTIFICATE_BATCH_PART_SIZE = 50
    settings.CERTIFICATE_BATCH_PARTS = 8
    for n in range(40):
        f.participant(cohort, f"more{n}@cohort-sizes.org", family_name=f"More{n:02d}")
    assert issuing.batch_parts(cohort) == 2  # 52 active participants


# -- PostgreSQL, real concurrency -----------------------------------------------------------------


def _overlap(certificates: list[Certificate], targets: list[list], parts: int) -> bool:
    """Whether every part issued a certificate before another part's last one: the parts
    ran at the same time."""
    spans = []
    for part in range(parts):
        mine = {tuple(t) for t in targets[part::parts]}
        times = [c.issued_at for c in certificates if tuple(_holder(c)) in mine]
        spans.append((min(times), max(times)))
    return all(
        start < other_end
        for index, (start, _end) in enumerate(spans)
        for other, (_start, other_end) in enumerate(spans)
        if other != index
    )


@on_postgres
@pytest.mark.postgres
@transactional
@pytest.mark.usefixtures("_sessions_gone")
def test_three_parts_at_once_in_threads_give_one_certificate_each():
    world, targets = _world("cohort-threads", extra=41)  # 45 holders, 15 per part
    cohort = world["cohort"]
    batch = CertificateBatch.objects.create(
        cohort=cohort, include_speakers=True, send_email=False, parts=3
    )
    barrier = threading.Barrier(3)
    results: dict[int, CertificateBatch | BaseException] = {}

    def run(part: int) -> None:
        try:
            mine = CertificateBatch.objects.select_related("cohort__programme").get(pk=batch.pk)
            barrier.wait(timeout=30)
            results[part] = issuing.run_batch(mine, part=part, parts=3)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            results[part] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(part,)) for part in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(results) == [0, 1, 2]
    failures = [r for r in results.values() if isinstance(r, BaseException)]
    assert not failures, failures
    assert sorted(r.ended_here for r in results.values()) == [False, False, True]

    batch.refresh_from_db()
    assert _counts(batch) == (BatchStatus.FINISHED, 3, 45, 45, 45, 0, 0)
    assert batch.targets == targets
    certificates = _assert_one_valid_certificate_each(cohort, targets)
    assert {c.batch_id for c in certificates} == {batch.pk}
    assert _overlap(certificates, targets, 3)


@on_postgres
@pytest.mark.postgres
@transactional
@pytest.mark.usefixtures("_sessions_gone")
def test_two_db_workers_share_the_parts_of_one_batch():
    world, targets = _world("cohort-workers", extra=56)  # 60 holders, 20 per part
    cohort = world["cohort"]
    with override_settings(TASKS=DB_TASKS):
        batch = issuing.start_batch(
            cohort, by=None, include_speakers=True, send_email=False, parts=3
        )
    queued = DBTaskResult.objects.filter(task_path="assessments.tasks.issue_certificates")
    assert sorted(r.args_kwargs["args"] for r in queued) == [
        [batch.pk, 0, 3],
        [batch.pk, 1, 3],
        [batch.pk, 2, 3],
    ]
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--batch"],
            cwd=ROOT,
            env=db_worker_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()

    results = list(queued.all())
    assert {r.status for r in results} == {"SUCCESSFUL"}, [r.traceback for r in results]
    assert sorted(r.return_value["part"] for r in results) == [0, 1, 2]
    assert sorted(r.return_value["ended_batch"] for r in results) == [False, False, True]
    batch.refresh_from_db()
    assert _counts(batch) == (BatchStatus.FINISHED, 3, 60, 60, 60, 0, 0)
    certificates = _assert_one_valid_certificate_each(cohort, targets)
    assert {c.batch_id for c in certificates} == {batch.pk}


@pytest.fixture
def _sessions_gone():
    """After the test, wait until other sessions (threads, worker processes) have left the
    test database, so that it can be flushed and dropped."""
    since = processes.now()
    yield
    close_old_connections()
    wait_for_other_sessions(since)
