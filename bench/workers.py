#!/usr/bin/env python
"""Certificate batches on 1, 2 and 4 RQ workers: wall time and certificates per second.

A fresh PostgreSQL database (``aslp_bench_workers``, or ``BENCH_WORKERS_DATABASE_URL``) gets
one cohort with the certificate template of the tests (English, Korean and Thai wording, a
signatory) and ``--participants`` eligible participants (a third each Korean, Thai and
American, so the certificates are bilingual in Korean, Thai or English only), plus the four
people of the tests' certificate world (three of them eligible). For each worker count the
cohort's certificates are deleted, a batch is started as the admin starts one
(``issuing.start_batch``: RQ backend, Redis database 6 on loopback, e-mail off, the default
number of parts unless ``--parts``), and that many ``manage.py rqworker --burst default``
processes run it (dev settings with DEBUG off, locmem e-mail). The time is measured from the
enqueue to the batch's FINISHED status (worker start-up included, as after a deploy) and,
from the database, from the first part's start to the finish. Every run is checked: one valid
certificate per eligible participant, no serial twice, the batch's counts exact.

    .venv/bin/python bench/workers.py [--participants 600] [--workers 1,2,4] [--parts N]

Prints a table (the first worker count is the baseline), records it in
bench/results/workers.json (bench/report.py) and exits 1 on any missing or duplicate
certificate or a batch that did not finish.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PY, REDIS_WORKERS, ROOT, fresh_database, record, row

DATABASE_URL = os.environ.get(
    "BENCH_WORKERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aslp_bench_workers"
)
REDIS_URL = REDIS_WORKERS
SLUG = "bench-workers"
WORKDIR = Path(tempfile.mkdtemp(prefix="aslp-bench-workers-"))
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "aslp_site.settings.dev",
    "DJANGO_DEBUG": "false",
    "DATABASE_URL": DATABASE_URL,
    "TASKS_BACKEND": "django_tasks_rq.RQBackend",
    "TASKS_REDIS_URL": REDIS_URL,
    "TASKS_LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "DJANGO_MEDIA_ROOT": str(WORKDIR / "media"),
    "DJANGO_PRIVATE_MEDIA_ROOT": str(WORKDIR / "private-media"),
    "LOG_FORMAT": "text",
}


def setup_django() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_cohort(participants: int):
    """The cohort, its template and sessions (the tests' certificate world) and
    ``participants`` more who attended every session; returns (cohort, eligible ids)."""
    from django.test import override_settings

    from assessments.certificates.samples import HOLDERS
    from tests.assessments.certificate_world import certificate_world
    from tests.trainings import factories as f
    from trainings.models import Attendance, AttendanceStatus

    names = {lang: [(n, lat) for code, n, lat in HOLDERS if code == lang] for lang in ("ko", "th")}
    # Users get a password: a fast hasher for the set-up only (the workers never check one).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = certificate_world(SLUG)
        cohort = world["cohort"]
        eligible = [world["kim"].pk, world["somchai"].pk, world["lee"].pk]
        rows = []
        for n in range(participants):
            economy, language = (("ROK", "ko"), ("THA", "th"), ("USA", None))[n % 3]
            native = ""
            if language:
                native, _latin = names[language][n // 3 % len(names[language])]
            person = f.participant(
                cohort,
                f"p{n:04d}@{SLUG}.org",
                economy_code=economy,
                family_name=f"Bench{n:04d}",
                given_names="Given",
                native_name=native,
            )
            eligible.append(person.pk)
            rows += [
                Attendance(activity=s, participant=person, status=AttendanceStatus.PRESENT)
                for s in world["sessions"]
            ]
            if (n + 1) % 100 == 0:
                print(f"\r  {n + 1}/{participants} participants", end="", flush=True)
        Attendance.objects.bulk_create(rows)
    print()
    return cohort, eligible


def clear(cohort) -> None:
    """No certificate left, no job waiting: the next run issues every one."""
    import redis

    from assessments.models import Certificate

    Certificate.objects.filter(cohort=cohort).delete()
    shutil.rmtree(WORKDIR / "private-media" / "certificates", ignore_errors=True)
    redis.Redis.from_url(REDIS_URL).flushdb()


def check(cohort, batch, eligible: list[int]) -> list[str]:
    from assessments.models import BatchStatus, Certificate

    problems = []
    certificates = list(Certificate.objects.filter(cohort=cohort))
    holders = [c.participant_id for c in certificates]
    serials = [c.serial for c in certificates]
    if sorted(holders) != sorted(eligible):
        missing = len(set(eligible) - set(holders))
        doubled = len(holders) - len(set(holders))
        problems.append(f"{missing} missing, {doubled} twice, {len(holders)} in all")
    if len(set(serials)) != len(serials):
        problems.append(f"{len(serials) - len(set(serials))} serials twice")
    if {c.status for c in certificates} != {"valid"}:
        problems.append("a certificate is not valid")
    if {c.batch_id for c in certificates} != {batch.pk}:
        problems.append("a certificate from another batch")
    counts = (batch.status, batch.total, batch.processed, batch.issued, batch.skipped)
    expected = (BatchStatus.FINISHED, len(eligible), len(eligible), len(eligible), 0)
    if counts != expected or batch.failed or batch.parts_done != batch.parts:
        problems.append(f"batch {counts}, failed {batch.failed}, errors {batch.errors[:3]}")
    return problems


def run(cohort, eligible: list[int], workers: int, parts: int | None) -> dict:
    from assessments import issuing

    clear(cohort)
    load_before = Path("/proc/loadavg").read_text().split()[0]
    started = time.perf_counter()
    batch = issuing.start_batch(cohort, by=None, send_email=False, parts=parts)
    processes = [
        subprocess.Popen(
            [PY, "manage.py", "rqworker", "--burst", "--name", f"bench-{workers}-{i}", "default"],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(workers)
    ]
    seconds = None
    while True:
        batch.refresh_from_db()
        if not batch.is_active:
            seconds = time.perf_counter() - started
            break
        if all(p.poll() is not None for p in processes):
            break  # the workers stopped with the batch unfinished
        time.sleep(0.05)
    errors = []
    for process in processes:
        _out, err = process.communicate(timeout=600)
        if process.returncode != 0:
            errors.append(err.decode()[-2000:])
    batch.refresh_from_db()
    problems = check(cohort, batch, eligible) + errors
    if seconds is None:
        problems.append("the workers stopped before the batch finished")
    work = (batch.finished_at - batch.started_at).total_seconds() if batch.finished_at else None
    return {
        "workers": workers,
        "parts": batch.parts,
        "seconds": seconds,
        "work": work,
        "issued": batch.issued,
        "load": (load_before, Path("/proc/loadavg").read_text().split()[0]),
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=600)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, the first the baseline")
    parser.add_argument("--parts", type=int, default=None, help="parts per batch (default: auto)")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    run_started = time.time()

    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        print(f"No Redis at {REDIS_URL}: {exc}")
        return 1
    print(f"Fresh database {DATABASE_URL.rsplit('/', 1)[-1]} ...")
    fresh_database(DATABASE_URL, ENV)
    setup_django()
    print(f"A cohort of {args.participants} eligible participants (and the tests' four) ...")
    cohort, eligible = make_cohort(args.participants)
    print(f"  {os.cpu_count()} CPUs, load average {Path('/proc/loadavg').read_text().strip()}")

    results = []
    try:
        for workers in counts:
            print(f"  {workers} worker(s) ...", end="", flush=True)
            result = run(cohort, eligible, workers, args.parts)
            results.append(result)
            shown = f"{result['seconds']:.1f} s" if result["seconds"] else "unfinished"
            print(f" {shown}, {len(result['problems'])} problem(s)")
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        shutil.rmtree(WORKDIR, ignore_errors=True)

    header = (
        f"{'workers':>7}{'parts':>7}{'seconds':>9}{'cert/s':>8}{'ratio':>7}"
        f"{'work s':>8}{'work cert/s':>12}  load before/after"
    )
    print(f"\n{header}\n{'-' * len(header)}")
    base = results[0]
    failed = False
    rows = []
    for result in results:
        item = f"certificate batch, {result['workers']} RQ worker(s)"
        if result["workers"] == base["workers"]:
            item += " (baseline)"
        if result["problems"] or not result["seconds"]:
            failed = True
            print(f"{result['workers']:>7}  FAILED: " + "; ".join(result["problems"]))
            rows.append(
                row(
                    "P3",
                    item,
                    None,
                    "cert/s",
                    target="every certificate exactly once",
                    ok=False,
                    check=True,
                    detail="; ".join(result["problems"])[:300],
                )
            )
            continue
        rate = len(eligible) / result["seconds"]
        base_rate = len(eligible) / base["seconds"] if base["seconds"] else float("nan")
        work_rate = len(eligible) / result["work"]
        print(
            f"{result['workers']:>7}{result['parts']:>7}{result['seconds']:>9.1f}{rate:>8.1f}"
            f"{rate / base_rate:>7.2f}{result['work']:>8.1f}{work_rate:>12.1f}"
            f"  {result['load'][0]} / {result['load'][1]}"
        )
        rows.append(
            row(
                "P3",
                item,
                rate,
                "cert/s",
                baseline=base_rate,
                baseline_unit=f"cert/s with {base['workers']} worker(s)",
                ratio=rate / base_rate,
                target="every certificate exactly once",
                ok=True,
                check=True,
                detail=(
                    f"{len(eligible)} in {result['seconds']:.1f} s, {result['parts']} parts; "
                    f"work {work_rate:.1f}/s"
                ),
            )
        )
    record(
        "workers",
        f"Certificate batches of {len(eligible)} on RQ workers",
        rows,
        started=run_started,
        settings={"participants": args.participants, "workers": counts, "parts": args.parts},
    )
    print(
        f"\n{len(eligible)} certificates per run. seconds: enqueue to FINISHED, worker start-up "
        "included; work s: the batch's first part started to its last part finished.\n"
        f"Ratio: certificates per second over the {base['workers']}-worker run's."
    )
    if failed:
        print("Missing or duplicate certificates, or an unfinished batch: see above.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
