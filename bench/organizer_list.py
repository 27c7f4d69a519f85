#!/usr/bin/env python
"""P2: the organizers' applications list with 5,000 applications against the same list with 50.

Two cohorts in one fresh PostgreSQL database (so both read the same tables and indexes): a small
one with 50 submitted applications and a large one with 5,000, from 12 economies, in every
status of the selection, with scores, endorsements and coordinators' ranks. An organizer of both
opens each cohort's list through Django's test client (in-process, production settings, no
network) in the ways organizers use it: the first page, a page in the middle, a filter by
economy, by status, by endorsement and by score range, a name search, and each sorting.

Each request is made ``--rounds`` times after a warm-up; the median is compared. The small
cohort's figure is the baseline; the large cohort's ratio must stay within 2x (P2), and both
must make the same number of database queries.

    .venv/bin/python bench/organizer_list.py [--rounds 25] [--rows 5000]

Prints a line per view with both medians, the ratio, the query counts and the rows each page
shows (a filter shows fewer of the 50 than of the 5,000), records them in
bench/results/organizer_list.json (bench/report.py); exits 1 when a ratio is over the target or
the query counts differ. Uses the database ``aslp_bench_list`` on
127.0.0.1 (dropped and created on every run, from a migrated template kept between runs) unless
BENCH_LIST_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from common import fresh_database, record, row, signing_key_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/aslp_bench_list"
TARGET = 2.0
SMALL_SLUG, LARGE_SLUG = "bench-list-50", "bench-list-large"
CODES = ["ROK", "THA", "USA", "JPN", "INA", "PHL", "SGP", "MAS", "AUS", "RUS", "CT", "VN"]
FAMILY = ["Kim", "Wongsakul", "Reyes", "Tanaka", "Rahmawati", "Ivanova", "Tan", "Carter", "Nguyen"]
GIVEN = ["Ji-young", "Somchai", "Maria", "Hiroshi", "Siti", "Elena", "Wei Ling", "David", "Thu Ha"]


def environment(database_url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-" + "l" * 60,
        "OPENBADGES_SIGNING_KEY": signing_key_file(workdir),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "REQUIRE_STAFF_MFA": "false",
        "DATABASE_URL": database_url,
        "CACHE_URL": "locmemcache://bench-list",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def populate(rows: int):
    """The two cohorts and their applications; returns the organizer of both."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from aslp_site.accounts.models import User
    from cohorts.models import (
        Application,
        ApplicationStatus,
        Cohort,
        CohortStatus,
        Economy,
        EconomyQuota,
        EndorsementStatus,
        Programme,
        Role,
        RoleGrant,
    )

    rng = random.Random(2026)
    now = timezone.now()
    programme = Programme.objects.create(slug="bench-list", title="Bench programme", short_name="B")
    economies = {e.code: e for e in Economy.objects.filter(code__in=CODES)}
    missing = set(CODES) - set(economies)
    if missing:
        raise SystemExit(f"economies missing from the reference data: {sorted(missing)}")
    organizer = User.objects.create(
        email="organizer@bench.example.org", password=make_password(None), is_active=True
    )
    weights = [
        (ApplicationStatus.SUBMITTED, 40),
        (ApplicationStatus.WAITLISTED, 15),
        (ApplicationStatus.ACCEPTED, 5),
        (ApplicationStatus.CONFIRMED, 5),
        (ApplicationStatus.OFFER_DECLINED, 2),
        (ApplicationStatus.OFFER_EXPIRED, 1),
        (ApplicationStatus.REJECTED, 25),
        (ApplicationStatus.WITHDRAWN, 7),
    ]
    statuses = [s for s, _ in weights]
    status_weights = [w for _, w in weights]
    endorsements = [
        EndorsementStatus.ENDORSED,
        EndorsementStatus.PENDING,
        EndorsementStatus.DECLINED,
    ]

    for slug, count in ((SMALL_SLUG, 50), (LARGE_SLUG, rows)):
        cohort = Cohort.objects.create(
            programme=programme,
            slug=slug,
            title=f"Bench {count}",
            year=2026,
            status=CohortStatus.CLOSED,
            time_zone="Asia/Seoul",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=1),
            total_seats=count,
            languages=["en", "ko"],
        )
        RoleGrant.objects.create(user=organizer, role=Role.ORGANIZER, cohort=cohort)
        EconomyQuota.objects.bulk_create(
            EconomyQuota(cohort=cohort, economy=economy, seats=count // 10, reserve_places=2)
            for economy in economies.values()
        )
        people = User.objects.bulk_create(
            User(email=f"{slug}-{n}@bench.example.org", password=make_password(None))
            for n in range(count)
        )
        applications = []
        for n, person in enumerate(people):
            k = rng.randrange(len(FAMILY))
            status = rng.choices(statuses, status_weights)[0]
            reviewed = rng.random() < 0.85
            applications.append(
                Application(
                    cohort=cohort,
                    applicant=person,
                    reference=f"BENCH-{slug[-5:].upper()}-{n:05d}",
                    status=status,
                    family_name=FAMILY[k],
                    given_names=f"{GIVEN[k]} {n}",
                    school_name=f"School {rng.randrange(900)}",
                    economy=economies[CODES[n % len(CODES)]],
                    motivation="A school leader's motivation. " * 20,
                    endorsement=rng.choice(endorsements),
                    coordinator_rank=rng.randint(1, 30) if rng.random() < 0.6 else None,
                    review_count=2 if reviewed else 0,
                    score_mean=Decimal(rng.randint(100, 500)) / 100 if reviewed else None,
                    score_spread=Decimal(rng.randint(0, 150)) / 100 if reviewed else None,
                    submitted_at=now - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 50)),
                )
            )
        Application.objects.bulk_create(applications, batch_size=1000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return organizer


def views(rows: int) -> list[tuple[str, dict]]:
    middle = max(1, (rows // 50) // 2)
    return [
        ("first page, by name", {}),
        (f"page {middle} (50 rows: last page)", {"page": str(middle)}),
        ("economy filter", {"economy": "THA"}),
        ("status filter (submitted)", {"status": "submitted"}),
        ("endorsement filter (endorsed)", {"endorsement": "endorsed"}),
        ("score range 3.5 to 4.5", {"score_min": "3.5", "score_max": "4.5"}),
        ("search matching every row", {"q": "school"}),
        ("name search (one row in nine)", {"q": "tanaka"}),
        ("sort by score", {"sort": "score"}),
        ("sort by economy, rank", {"sort": "rank"}),
        ("sort by status", {"sort": "status"}),
        ("sort by submission", {"sort": "-submitted"}),
        ("filters + sort combined", {"economy": "ROK", "sort": "score"}),
    ]


def measure(client, paths: list[str], params: dict, rounds: int) -> list[tuple[float, int, int]]:
    """For each path: the median milliseconds over ``rounds`` requests, the number of queries
    of one request and the number of rows it shows. The paths take turns in every round, so
    that a change of the machine's speed during the run touches them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    shown = []
    for path in paths:
        for _ in range(2):  # warm-up
            response = client.get(path, params)
            if response.status_code != 200:
                raise SystemExit(f"{path} {params} answered {response.status_code}")
            if b'id="filter-errors"' in response.content:
                raise SystemExit(f"{path} {params}: the list refused a filter")
        shown.append(response.content.count(b"data-select-row>"))
        with CaptureQueriesContext(connection) as queries:
            client.get(path, params)
        counts.append(len(queries))  # now: the next request empties the connection's log
    times: list[list[float]] = [[] for _ in paths]
    for _ in range(rounds):
        for n, path in enumerate(paths):
            started = time.perf_counter()
            client.get(path, params)
            times[n].append((time.perf_counter() - started) * 1000)
    return [
        (statistics.median(t), count, rows)
        for t, count, rows in zip(times, counts, shown, strict=True)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    run_started = time.time()
    database_url = os.environ.get("BENCH_LIST_DATABASE_URL", DEFAULT_DATABASE_URL)
    workdir = Path(tempfile.mkdtemp(prefix="aslp-list-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    env = environment(database_url, workdir)
    print(f"Preparing {database_url.rsplit('/', 1)[-1]} ...")
    fresh_database(database_url, env)
    # Production settings serve static files from a hashed manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    organizer = populate(args.rows)
    print(f"  50 and {args.rows:,} applications made in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(organizer)
    paths = {
        slug: reverse("cohorts:manage_applications", kwargs={"slug": slug})
        for slug in (SMALL_SLUG, LARGE_SLUG)
    }

    header = f"{'view':38} {'50 ms':>8} {f'{args.rows:,} ms':>9} {'ratio':>6}  queries  rows"
    print(f"\n{header}")
    failures = []
    worst = 0.0
    rows = []
    for name, params in views(args.rows):
        (small_ms, small_queries, small_rows), (large_ms, large_queries, large_rows) = measure(
            client, [paths[SMALL_SLUG], paths[LARGE_SLUG]], params, args.rounds
        )
        ratio = large_ms / small_ms
        worst = max(worst, ratio)
        flag = ""
        if ratio > TARGET:
            flag = "  over target"
            failures.append(name)
        if small_queries != large_queries:
            flag += "  query counts differ"
            failures.append(name)
        print(
            f"{name:38} {small_ms:8.1f} {large_ms:9.1f} {ratio:5.2f}x  "
            f"{small_queries} / {large_queries}  rows {small_rows} / {large_rows}{flag}"
        )
        rows.append(
            row(
                "P2",
                f"list {args.rows:,} vs 50: {name}",
                large_ms,
                "ms",
                baseline=small_ms,
                ratio=ratio,
                target=f"<= {TARGET:g}x, same queries",
                ok=ratio <= TARGET and small_queries == large_queries,
                detail=f"queries {small_queries} / {large_queries}; rows shown {small_rows} / "
                f"{large_rows}",
            )
        )
    print(f"\nWorst ratio {worst:.2f}x (target <= {TARGET:.1f}x).")
    record(
        "organizer_list",
        f"Organizer list, {args.rows:,} applications against 50 (medians of {args.rounds})",
        rows,
        started=run_started,
        settings={"rows": args.rows, "rounds": args.rounds},
    )
    if failures:
        print("Over the target or with different query counts: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
