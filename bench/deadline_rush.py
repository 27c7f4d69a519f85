#!/usr/bin/env python
"""R7/P4: 200 applicants submitting with a CV in the last minute before the deadline.

Serves the site with gunicorn (2 sync workers, production settings, plain HTTP on loopback)
on a fresh PostgreSQL database and drives it with locust, used as a library:

* each simulated applicant has a session made beforehand (as after signing in), opens the
  application form (GET, for the CSRF token), then at its moment posts the whole form with a
  CV and an endorsement letter (multipart, unique bytes per person) and ``action=submit``;
* the moments crowd towards the deadline, which falls ``--window`` seconds into the run; about
  one applicant in twelve submits after it and must be refused;
* the baseline is the same gunicorn answering ``/health/live/`` (a constant through the same
  middleware) to the same number of users on the same schedule, measured first.

Afterwards the receipts are delivered by the task worker (``db_worker --batch``, as in
production) and every submission that got a success answer is checked in the database: status
submitted before the deadline, a receipt e-mail sent to the applicant with the reference, an
audit entry, and the stored CV's SHA-256 (the recorded one and that of the bytes on disk) equal
to the hash of the bytes that applicant uploaded.

    .venv/bin/python bench/deadline_rush.py [--users 200] [--window 60] [--workers 2]

Prints requests, server errors, lost submissions, late acceptances and p50/p95/p99 latencies
with their ratios to the baseline, records them in bench/results/deadline_rush.json
(bench/report.py); exits 1 on any server error, lost submission or late
acceptance. The database (``aslp_bench_rush`` on 127.0.0.1 unless BENCH_RUSH_DATABASE_URL is
set) is dropped and created on every run, from a migrated template kept between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from common import (
    REDIS_DEADLINE_RUSH,
    free_port,
    fresh_database,
    redis_available,
    row,
    signing_key_file,
)
from common import record as record_results

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
COHORT_SLUG = "bench-rush"
APPLY_PATH = f"/apply/{COHORT_SLUG}/"
HEALTH_PATH = "/health/live/"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/aslp_bench_rush"
QUOTA_CODES = ["ROK", "THA", "USA", "JPN", "INA", "PHL", "SGP", "MAS", "AUS", "RUS", "CT", "VN"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
# Known applicants of the run, kept as plain data so that the Django side and the locust side
# (separate processes) agree on them.
SEED = 20260
# Opens the form and submits a few times before the measurements, so that every gunicorn worker
# has loaded its templates and code (as on a server that has been up for a while).
WARM_UP_EMAIL = "warm-up@bench.example.org"

# -- Django side (run in a subprocess: ``deadline_rush.py django <step>``) ---------------------


def django_setup_step(users: int) -> dict:
    """The programme, the cohort (open; the deadline is set just before the load), applicants
    with verified e-mail and a session each."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from aslp_site.accounts.models import User
    from cohorts.models import (
        ApplicationQuestion,
        Cohort,
        CohortStatus,
        Economy,
        EconomyQuota,
        Programme,
        QuestionKind,
        RubricCriterion,
    )

    now = timezone.now()
    programme, _ = Programme.objects.get_or_create(
        slug="aslp",
        defaults={
            "title": "APEC School Leadership Program",
            "short_name": "ASLP",
            "organisation_name": "Institute for APEC Collaborative Education",
        },
    )
    cohort = Cohort.objects.create(
        programme=programme,
        slug=COHORT_SLUG,
        title="ASLP rush",
        year=now.year,
        status=CohortStatus.OPEN,
        time_zone="Asia/Seoul",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=1),
        total_seats=30,
        languages=["en", "ko"],
        essay_word_limit=500,
    )
    economies = {e.code: e for e in Economy.objects.filter(code__in=QUOTA_CODES)}
    EconomyQuota.objects.bulk_create(
        [
            EconomyQuota(cohort=cohort, economy=e, seats=3, reserve_places=2)
            for e in economies.values()
        ]
    )
    RubricCriterion.objects.create(cohort=cohort, title="Leadership experience", weight=1)
    theme = ApplicationQuestion.objects.create(
        cohort=cohort,
        kind=QuestionKind.SINGLE_CHOICE,
        label="Which workshop theme matters most for your school?",
        choices="Digital transformation\nInclusive education\nTeachers' professional growth",
        required=True,
        sort_order=1,
    )
    change = ApplicationQuestion.objects.create(
        cohort=cohort,
        kind=QuestionKind.LONG_TEXT,
        label="Describe one change you led at your school.",
        required=True,
        sort_order=2,
    )
    unusable = make_password(None)
    people = User.objects.bulk_create(
        [
            User(
                email=f"rush{n:03d}@bench.example.org",
                first_name=f"Given{n}",
                last_name=f"Family{n}",
                preferred_language="ko" if n % 3 == 0 else "en",
                time_zone="Asia/Seoul",
                password=unusable,
            )
            for n in range(users)
        ]
        + [
            User(
                email=WARM_UP_EMAIL,
                first_name="Warm",
                last_name="Up",
                time_zone="Asia/Seoul",
                password=unusable,
            )
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people]
    )
    sessions = []
    for person in people:
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        sessions.append({"email": person.email, "session": store.session_key})
    return {
        "applicants": [s for s in sessions if s["email"] != WARM_UP_EMAIL],
        "warm_up": next(s for s in sessions if s["email"] == WARM_UP_EMAIL),
        "economies": [economies[c].pk for c in QUOTA_CODES if c in economies],
        "theme_question": theme.pk,
        "theme_choices": theme.choice_list(),
        "change_question": change.pk,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


def django_verify_step(records_path: str) -> dict:
    """Check every success answer against the database, the receipts and the stored files."""
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import ModelLogEntry

    from cohorts.models import Application, ApplicationFile, ApplicationStatus, Cohort, FileKind

    records = json.loads(Path(records_path).read_text())
    cohort = Cohort.objects.get(slug=COHORT_SLUG)
    closes = cohort.closes_at.timestamp()
    apps = {
        a.applicant.email: a
        for a in Application.objects.filter(cohort=cohort).select_related("applicant")
    }
    cvs = {
        f.application_id: f
        for f in ApplicationFile.objects.filter(
            application__cohort=cohort, kind=FileKind.CV, is_current=True
        )
    }
    receipts: dict[str, list[tuple[str, str]]] = {}
    task_states = {"successful": 0, "other": 0}
    planned = {record["email"] for record in records}
    for task in DBTaskResult.objects.filter(task_path="cohorts.tasks.deliver_email"):
        kwargs = (task.args_kwargs or {}).get("kwargs", {})
        for address in kwargs.get("to", []):
            receipts.setdefault(address, []).append((task.status, kwargs.get("body", "")))
            if address in planned:
                task_states["successful" if task.status == "SUCCESSFUL" else "other"] += 1
    content_type = ContentType.objects.get_for_model(Application)
    audited = set(
        ModelLogEntry.objects.filter(
            content_type=content_type, action="cohorts.submit"
        ).values_list("object_id", flat=True)
    )

    lost, problems = [], {}
    late_client = 0
    stored_bytes_checked = 0
    confirmed_emails = set()
    for record in records:
        if not record["success"]:
            continue
        confirmed_emails.add(record["email"])
        if record["sent_at"] >= closes:
            late_client += 1
        app = apps.get(record["email"])
        why = []
        if app is None or app.status != ApplicationStatus.SUBMITTED or not app.reference:
            why.append("not submitted")
        else:
            if app.submitted_at is None or app.submitted_at >= cohort.closes_at:
                why.append("submitted at or after the deadline")
            cv = cvs.get(app.pk)
            if cv is None or cv.sha256 != record["cv_sha256"]:
                why.append("CV hash differs")
            else:
                with cv.file.open("rb") as handle:
                    if hashlib.sha256(handle.read()).hexdigest() != record["cv_sha256"]:
                        why.append("stored CV bytes differ")
                    stored_bytes_checked += 1
            delivered = [
                body
                for status, body in receipts.get(record["email"], [])
                if status == "SUCCESSFUL" and app.reference in body
            ]
            if not delivered:
                why.append("no receipt delivered")
            if str(app.pk) not in audited:
                why.append("no audit entry")
        if why:
            lost.append(record["email"])
            for reason in why:
                problems[reason] = problems.get(reason, 0) + 1
    submitted = [
        a
        for email, a in apps.items()
        if email in planned and a.status == ApplicationStatus.SUBMITTED
    ]
    late_database = sum(1 for a in submitted if a.submitted_at >= cohort.closes_at)
    unconfirmed = sum(1 for a in submitted if a.applicant.email not in confirmed_emails)
    refused_late = [
        r for r in records if r["sent_at"] >= closes and r["status"] == 403 and not r["success"]
    ]
    late_with_data = sum(
        1
        for r in refused_late
        if r["email"] in apps and apps[r["email"]].status == ApplicationStatus.SUBMITTED
    )
    return {
        "closes_at": closes,
        "success_answers": len(confirmed_emails),
        "submitted_in_database": len(submitted),
        "lost": len(lost),
        "lost_examples": lost[:5],
        "problems": problems,
        "late_client": late_client,
        "late_database": late_database + late_with_data,
        "unconfirmed": unconfirmed,
        "stored_bytes_checked": stored_bytes_checked,
        "receipt_tasks": task_states,
    }


def django_main(argv: list[str]) -> int:
    step = argv[0]
    if step == "setup":
        result = django_setup_step(int(argv[1]))
    elif step == "verify":
        result = django_verify_step(argv[1])
    else:
        raise SystemExit(f"unknown step {step}")
    print("RESULT " + json.dumps(result))
    return 0


# -- Preparing the server --------------------------------------------------------------------


def http_status(port: int, path: str) -> int:
    """A GET on loopback with a bare socket (this process imports no HTTP client before
    locust patches the standard library)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = sock.recv(64).decode("latin-1")
    return int(head.split()[1])


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def django_step(env: dict, *args: str) -> dict:
    out = run(
        [PY, str(Path(__file__).resolve()), "django", *args],
        env,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def set_deadline(url: str, closes_at: float) -> None:
    import psycopg

    moment = dt.datetime.fromtimestamp(closes_at, tz=dt.UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE cohorts_cohort SET closes_at = %s WHERE slug = %s", [moment, COHORT_SLUG]
        )


# -- What the applicants send ----------------------------------------------------------------

GIVEN = ["Ji-young", "Somchai", "Maria", "Hiroshi", "Siti", "Elena", "Wei Ling", "David", "Thu Ha"]
FAMILY = ["Kim", "Wongsakul", "Reyes", "Tanaka", "Rahmawati", "Ivanova", "Tan", "Carter", "Nguyen"]
NATIVE = [
    "김지영",
    "สมชาย วงศ์สกุล",
    "",
    "田中 博",
    "",
    "Елена Иванова",
    "陈伟玲",
    "",
    "Nguyễn Thu Hà",
]
ESSAY = (
    "I have led a primary school for twelve years, and the biggest change of that time was "
    "moving from a school where every teacher worked alone to one where teachers plan, observe "
    "and improve lessons together. "
)


def pdf_bytes(rng: random.Random, title: str, payload: int) -> bytes:
    """A valid one-page PDF with ``payload`` random bytes in an extra stream (unique bytes)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    page = b"BT /F1 14 Tf 60 760 Td (" + text + b") Tj ET"
    noise = rng.randbytes(payload)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]], boundary):
    chunks = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        chunks.append(f"{head}{value}\r\n".encode())
    for name, filename, content, content_type in files:
        chunks.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def plan_applicants(setup: dict, window: float, seed: int) -> list[dict]:
    """Who sends what, and when (seconds after the start of the load)."""
    rng = random.Random(seed)
    plans = []
    count = len(setup["applicants"])
    for n, person in enumerate(setup["applicants"]):
        roll = rng.random()
        if roll < 0.08:
            submit_at = window + rng.uniform(0.05, 8.0)  # too late: must be refused
        elif roll < 0.13:
            submit_at = window - rng.uniform(0.05, 1.5)  # the very last seconds
        else:
            submit_at = window * (1 - (1 - rng.random()) ** 0.6) * 0.97  # crowding to the end
        open_at = min(max(0.0, submit_at - rng.uniform(3, 25)), window - 2)
        cv = pdf_bytes(rng, f"CV of applicant {n}", rng.randint(120_000, 400_000))
        letter = pdf_bytes(rng, f"Endorsement of applicant {n}", rng.randint(30_000, 80_000))
        k = n % len(GIVEN)
        fields = [
            ("family_name", FAMILY[k]),
            ("given_names", f"{GIVEN[k]}"),
            ("native_name", NATIVE[k]),
            ("gender", rng.choice(["female", "male", "other", "undisclosed"])),
            ("position", rng.choice(["principal", "vice_principal", "lead_teacher"])),
            ("position_detail", "Principal"),
            ("school_name", f"Rush Test School {n}"),
            ("school_level", rng.choice(["primary", "lower_secondary", "upper_secondary"])),
            ("years_experience", str(rng.randint(5, 30))),
            ("economy", str(setup["economies"][n % len(setup["economies"])])),
            ("preferred_language", "ko" if n % 3 == 0 else "en"),
            ("time_zone", rng.choice(["Asia/Seoul", "Asia/Bangkok", "America/New_York"])),
            ("phone", f"+82 10 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"),
            ("motivation", ESSAY * rng.randint(3, 9)),
            (f"question_{setup['theme_question']}", rng.choice(setup["theme_choices"])),
            (f"question_{setup['change_question']}", "Weekly peer observation, " * 10),
            ("action", "submit"),
        ]
        if n == 0:
            warm_fields = fields
            warm_files = [
                ("cv", "CV warm-up.pdf", cv, "application/pdf"),
                ("endorsement_letter", "Letter.pdf", letter, "application/pdf"),
            ]
        boundary = f"----aslp-rush-{n:03d}-{rng.getrandbits(64):016x}"
        rest = multipart(
            fields,
            [
                ("cv", f"CV {FAMILY[k]}.pdf", cv, "application/pdf"),
                ("endorsement_letter", "Endorsement letter.pdf", letter, "application/pdf"),
            ],
            boundary,
        )
        plans.append(
            {
                "index": n,
                "email": person["email"],
                "session": person["session"],
                "open_at": open_at,
                "submit_at": submit_at,
                "boundary": boundary,
                "body_rest": rest,
                "cv_sha256": hashlib.sha256(cv).hexdigest(),
                "upload_bytes": len(cv) + len(letter),
            }
        )
    assert count == len(plans)
    warm_boundary = "----aslp-rush-warm-up"
    plans[0]["warm_up"] = {
        "boundary": warm_boundary,
        "body_rest": multipart(warm_fields, warm_files, warm_boundary),
    }
    return plans


def warm_up(port: int, setup: dict, plans: list[dict], rounds: int) -> list[int]:
    """Open the form and submit it ``rounds`` times as the warm-up applicant; the statuses."""
    import http.client

    cookies = {setup["session_cookie"]: setup["warm_up"]["session"]}
    statuses = []
    body_rest = plans[0]["warm_up"]["body_rest"]
    boundary = plans[0]["warm_up"]["boundary"]

    def send(method: str, body: bytes | None = None, content_type: str = "") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, APPLY_PATH, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value.strip()
        conn.close()
        return response.status, text

    for _ in range(rounds):
        status, html = send("GET")
        statuses.append(status)
        found = CSRF_INPUT.search(html)
        token = found.group(1) if found else ""
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{token}\r\n"
        ).encode()
        status, _html = send("POST", head + body_rest, f"multipart/form-data; boundary={boundary}")
        statuses.append(status)
    return statuses


# -- The load ---------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


def run_load(base: str, plans: list[dict], setup: dict, *, baseline: bool, before_start=None):
    """Run one locust load and return one record per user. Every user makes its two requests
    on its schedule, then stops."""
    from http.cookiejar import Cookie

    import gevent
    from locust import FastHttpUser, constant, events, task
    from locust.env import Environment
    from locust.exception import StopUser

    queue = list(plans)
    records: list[dict] = []
    state = {"start": 0.0}
    session_cookie = setup["session_cookie"]

    def cookie(name: str, value: str) -> Cookie:
        return Cookie(
            0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
            False, None, None, {},
        )  # fmt: skip

    def wait_until(offset: float) -> None:
        delay = state["start"] + offset - time.time()
        if delay > 0:
            gevent.sleep(delay)

    class Applicant(FastHttpUser):
        host = base
        wait_time = constant(0)
        network_timeout = 120.0
        connection_timeout = 30.0
        concurrency = 1

        @task
        def rush(self):
            if not queue:
                raise StopUser()
            plan = queue.pop(0)
            record = {
                "email": plan["email"],
                "cv_sha256": plan["cv_sha256"],
                "success": False,
                "status": 0,
                "sent_at": time.time(),
            }
            try:
                self.applicant(plan, record)
            finally:
                # Recorded whatever happened (an exception here counts as no answer).
                records.append(record)
            raise StopUser()

        def applicant(self, plan: dict, record: dict) -> None:
            if not baseline:
                self.client.cookiejar.set_cookie(cookie(session_cookie, plan["session"]))
            wait_until(plan["open_at"])
            started = time.time()
            path = HEALTH_PATH if baseline else APPLY_PATH
            with self.client.get(path, name="open", catch_response=True) as response:
                record["open_status"] = response.status_code
                record["open_ms"] = (time.time() - started) * 1000
                token = None
                if not baseline and response.status_code == 200:
                    found = CSRF_INPUT.search(response.text or "")
                    token = found.group(1) if found else None
                if response.status_code >= 400 or (not baseline and token is None):
                    response.failure(f"form not served ({response.status_code})")
            wait_until(plan["submit_at"])
            record["sent_at"] = time.time()
            if baseline:
                with self.client.get(HEALTH_PATH, name="send", catch_response=True) as response:
                    record["status"] = response.status_code
            else:
                boundary = plan["boundary"]
                body = (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                    f"\r\n\r\n{token or ''}\r\n"
                ).encode() + plan["body_rest"]
                with self.client.post(
                    APPLY_PATH,
                    data=body,
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                    allow_redirects=False,
                    name="send",
                    catch_response=True,
                ) as response:
                    status = record["status"] = response.status_code
                    location = response.headers.get("Location", "") if response.headers else ""
                    record["success"] = status == 302 and "/status/" in location
                    if status == 200:
                        found = re.search(
                            r'class="[^"]*error[^"]*"[^>]*>([^<]{0,200})', response.text or ""
                        )
                        record["form_error"] = found.group(1).strip() if found else "form shown"
                    if status >= 500 or status == 0:
                        response.failure(f"server error {status}")
                    else:
                        response.success()
            record["ms"] = (time.time() - record["sent_at"]) * 1000

    env = Environment(user_classes=[Applicant], events=events)
    runner = env.create_local_runner()
    if before_start is not None:
        before_start()
    state["start"] = time.time()
    # Every user is started at once (each then waits for its own moments); a slower ramp-up
    # would make locust replace the users that have finished. Its warning about a high spawn
    # rate does not apply to users that wait.
    logging.getLogger("locust.runners").setLevel(logging.ERROR)
    runner.start(len(plans), spawn_rate=len(plans))
    deadline = state["start"] + max(p["submit_at"] for p in plans) + 180
    while len(records) < len(plans) and time.time() < deadline:
        gevent.sleep(0.5)
    runner.quit()
    return records


# -- Main -------------------------------------------------------------------------------------


def main() -> int:
    # Locust patches the standard library with gevent: import it before any HTTP client.
    import locust  # noqa: F401

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--window", type=float, default=60.0, help="seconds from the start to the deadline"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_RUSH_DATABASE_URL", DEFAULT_DATABASE_URL)
    workdir = Path(tempfile.mkdtemp(prefix="aslp-rush-"))
    port = free_port()
    run_started = time.time()
    cache = REDIS_DEADLINE_RUSH if redis_available() else "locmemcache://bench"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-" + "r" * 60,
        "OPENBADGES_SIGNING_KEY": signing_key_file(workdir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        # Receipts are queued in the database, as in production, and delivered afterwards by
        # the worker to Django's in-memory outbox.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    print(f"Preparing {urlsplit(database_url).path.lstrip('/')} and {workdir} ...")
    fresh_database(database_url, env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    if cache.startswith("redis"):
        run([PY, "-c", "import django; django.setup(); from django.core.cache import cache; "
             "cache.clear()"], env)  # fmt: skip
    setup = django_step(env, "setup", str(args.users))
    plans = plan_applicants(setup, args.window, SEED)
    upload_mb = sum(p["upload_bytes"] for p in plans) / 1e6

    error_log = workdir / "gunicorn.log"
    access_log = workdir / "access.log"
    server = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "aslp_site.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
            "--error-logfile",
            str(error_log),
            "--capture-output",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if http_status(port, HEALTH_PATH) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not start; see {error_log}")

        warm = warm_up(port, setup, plans, rounds=3 * args.workers)
        if any(status >= 500 for status in warm):
            raise SystemExit(f"warm-up answered {warm}; see {error_log}")
        print(
            f"Baseline: {args.users} users asking for {HEALTH_PATH} on the rush's schedule "
            f"({args.window:.0f} s) ..."
        )
        baseline = run_load(base, plans, setup, baseline=True)
        print(
            f"Rush: {args.users} applicants, deadline {args.window:.0f} s into the run, "
            f"{upload_mb:.1f} MB of CVs and letters ..."
        )
        deadline_box = {}
        rush_log_offset = access_log.stat().st_size if access_log.exists() else 0

        def before_start():
            deadline_box["closes"] = time.time() + args.window
            set_deadline(database_url, deadline_box["closes"])

        rush = run_load(base, plans, setup, baseline=False, before_start=before_start)
    finally:
        server.terminate()
        server.wait(timeout=30)

    records_path = workdir / "records.json"
    records_path.write_text(json.dumps(rush))
    started = time.time()
    run([PY, "manage.py", "db_worker", "--batch", "--no-startup-delay"], env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    worker_seconds = time.time() - started
    checks = django_step(env, "verify", str(records_path))
    tracebacks = error_log.read_text(errors="replace").count("Traceback")

    closes = deadline_box["closes"]
    # Time spent inside the workers (without waiting for a free one), from the access log.
    served: dict[tuple[str, str], list[float]] = {}
    with access_log.open("rb") as handle:
        handle.seek(rush_log_offset)
        for line in handle.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[3].isdigit():
                served.setdefault((parts[0], parts[1]), []).append(int(parts[3]) / 1000)
    served_get = served.get(("GET", APPLY_PATH), [])
    served_post = served.get(("POST", APPLY_PATH), [])

    def figures(rows, key):
        values = [r[key] for r in rows if key in r]
        return percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)

    def server_errors(rows) -> int:
        return sum(
            1
            for r in rows
            for code in (r.get("open_status"), r.get("status"))
            if code is not None and (code >= 500 or code == 0)
        )

    requests = 2 * len(rush)
    errors = server_errors(rush)
    base_errors = server_errors(baseline)
    before = [r for r in rush if r["sent_at"] < closes]
    after = [r for r in rush if r["sent_at"] >= closes]
    accepted = sum(1 for r in rush if r["success"])
    refused_late = sum(1 for r in after if r["status"] == 403)
    boundary_refused = sum(1 for r in before if r["status"] == 403)
    form_errors = [r for r in before if r["status"] == 200]
    other = [
        r
        for r in rush
        if not r["success"] and r["status"] not in (0, 200, 403) and r["status"] < 500
    ]
    missing = len(plans) - len(rush)

    b50, b95, b99 = figures(baseline, "ms")
    s50, s95, s99 = figures(rush, "ms")
    o50, o95, o99 = figures(rush, "open_ms")
    ob50, ob95, ob99 = figures(baseline, "open_ms")
    print()
    print(f"{'requests':<36}{'count':>7}{'5xx':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    print(
        f"{'baseline ' + HEALTH_PATH + ' (2 per user)':<36}{2 * len(baseline):>7}"
        f"{base_errors:>6}{b50:>9.0f}{b95:>9.0f}{b99:>9.0f}"
    )
    print(f"{'application form GET':<36}{len(rush):>7}{'':>6}{o50:>9.0f}{o95:>9.0f}{o99:>9.0f}")
    label = "submit POST with CV and letter"
    print(f"{label:<36}{len(rush):>7}{'':>6}{s50:>9.0f}{s95:>9.0f}{s99:>9.0f}")
    print(f"{'all rush requests':<36}{requests:>7}{errors:>6}")
    print(
        f"{'  of which inside a worker: form GET':<36}{len(served_get):>7}{'':>6}"
        f"{percentile(served_get, 0.5):>9.0f}{percentile(served_get, 0.95):>9.0f}"
        f"{percentile(served_get, 0.99):>9.0f}"
    )
    print(
        f"{'  of which inside a worker: submit':<36}{len(served_post):>7}{'':>6}"
        f"{percentile(served_post, 0.5):>9.0f}{percentile(served_post, 0.95):>9.0f}"
        f"{percentile(served_post, 0.99):>9.0f}"
    )
    print(
        f"ratio submit / baseline: p50 {s50 / b50:.1f}x, p95 {s95 / b95:.1f}x, "
        f"p99 {s99 / b99:.1f}x (form GET p95 {o95 / ob95:.1f}x)"
    )
    print()
    print(
        f"Submissions: {accepted} accepted, {len(before)} sent before the deadline, "
        f"{len(after)} after it ({refused_late} refused with 403); "
        f"{boundary_refused} sent in the last instant and refused, "
        f"{len(form_errors)} answered with form errors, {len(other)} other answers"
        + (f", {missing} applicants never finished." if missing else ".")
    )
    print(
        f"Receipts: {checks['receipt_tasks']['successful']} delivered by the worker in "
        f"{worker_seconds:.1f} s ({checks['receipt_tasks']['other']} not); "
        f"{checks['stored_bytes_checked']} stored CVs re-read and hashed."
    )
    print(
        f"Checks: server errors {errors} (tracebacks in the log: {tracebacks}); "
        f"lost submissions {checks['lost']}"
        + (f" {checks['problems']}" if checks["problems"] else "")
        + f"; late acceptances {checks['late_client'] + checks['late_database']} "
        f"(answers {checks['late_client']}, database {checks['late_database']}); "
        f"submitted without a success answer {checks['unconfirmed']}."
    )
    if form_errors:
        print("form errors, first: " + repr(form_errors[0].get("form_error")))
    failed = (
        errors
        or base_errors
        or tracebacks
        or checks["lost"]
        or checks["late_client"]
        or checks["late_database"]
        or form_errors
        or other
        or missing
        or accepted != checks["success_answers"]
    )
    unexpected = len(form_errors) + len(other) + missing + abs(accepted - checks["success_answers"])
    late = checks["late_client"] + checks["late_database"]
    rows = [
        row(
            "R7",
            "deadline rush: server errors",
            errors + base_errors + tracebacks,
            "",
            target="0",
            ok=not (errors or base_errors or tracebacks),
            check=True,
            detail=f"{requests} rush requests; tracebacks in the log {tracebacks}",
        ),
        row(
            "R7",
            "deadline rush: lost submissions",
            checks["lost"],
            "",
            target="0",
            ok=not checks["lost"],
            check=True,
            detail=(
                f"{accepted} accepted of {len(before)} sent in time "
                f"({boundary_refused} refused in the last instant); receipts, audit entries "
                f"and {checks['stored_bytes_checked']} CV hashes checked"
            ),
        ),
        row(
            "R7",
            "deadline rush: late acceptances",
            late,
            "",
            target="0",
            ok=not late,
            check=True,
            detail=f"{len(after)} sent after the deadline, {refused_late} refused with 403",
        ),
        row(
            "R7",
            "deadline rush: unexpected answers",
            unexpected,
            "",
            target="0",
            ok=not unexpected,
            check=True,
            detail=(
                f"form errors {len(form_errors)}, other {len(other)}, unfinished {missing}, "
                f"success answers without a submission "
                f"{abs(accepted - checks['success_answers'])}"
            ),
        ),
        row(
            "P4",
            "deadline rush: submit POST p95",
            s95,
            "ms",
            baseline=b95,
            baseline_unit=f"ms p95 of {HEALTH_PATH}",
            ratio=s95 / b95 if b95 else None,
            target="reported",
            detail=f"p50 {s50:.0f} ms ({s50 / b50:.1f}x), p99 {s99:.0f} ms; {len(rush)} posts",
        ),
        row(
            "P4",
            "deadline rush: form GET p95",
            o95,
            "ms",
            baseline=ob95,
            baseline_unit=f"ms p95 of {HEALTH_PATH}",
            ratio=o95 / ob95 if ob95 else None,
            target="reported",
            detail=f"p50 {o50:.0f} ms, p99 {o99:.0f} ms",
        ),
        row(
            "P4",
            "deadline rush: submit inside a worker p95",
            percentile(served_post, 0.95),
            "ms",
            target="reported",
            detail=(
                f"p50 {percentile(served_post, 0.5):.0f} ms; the rest of the latency is "
                f"the wait for one of {args.workers} workers"
            ),
        ),
    ]
    record_results(
        "deadline_rush",
        f"Deadline rush: {args.users} applicants, {args.workers} gunicorn workers",
        rows,
        started=run_started,
        settings={"users": args.users, "window": args.window, "workers": args.workers},
    )
    if args.keep:
        print(f"work directory kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "django":
        sys.path.insert(0, str(ROOT))
        sys.exit(django_main(sys.argv[2:]))
    sys.exit(main())
