#!/usr/bin/env python
"""P1: requests per second of public pages against a bare Django view, on the same server.

Serves the demo site with gunicorn (2 sync workers, production settings, the production-like
Redis cache when one answers on 127.0.0.1:6379, otherwise the in-process cache) and loads it
with wrk on loopback. The baseline is ``/health/live/``, a view that returns a constant through
the same middleware stack; it is measured before and after the pages and averaged, so drift of
a shared machine during the run affects both sides alike.

    .venv/bin/python bench/public_pages.py [--duration 10] [--connections 16]

Prints one line per page with its ratio to the baseline, records them in
bench/results/public_pages.json (bench/report.py) and exits 1 when a page falls under the
target (0.5). A temporary SQLite database is used unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import REDIS_PUBLIC_PAGES, free_port, record, redis_available, row, signing_key_file

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TARGET = 0.5
FORWARDED_HTTPS = "X-Forwarded-Proto: https"


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fetch(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def page_paths(env: dict) -> dict[str, str]:
    """Ask Django for the URLs of one page of each measured type (English)."""
    script = (
        "import django, json; django.setup()\n"
        "from urllib.parse import urlsplit\n"
        "from django.apps import apps\n"
        "from wagtail.models import Locale\n"
        "en = Locale.objects.get(language_code='en')\n"
        "out = {}\n"
        "for label, model in [('home page', 'HomePage'), ('content page', 'ContentPage'),"
        " ('news article', 'NewsArticlePage')]:\n"
        "    try: cls = apps.get_model('public', model)\n"
        "    except LookupError: continue\n"
        "    page = cls.objects.live().public().filter(locale=en).order_by('path').first()\n"
        "    if page: out[label] = urlsplit(page.get_url()).path\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [PY, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def wrk(url: str, duration: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", FORWARDED_HTTPS, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses under load\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required (Debian package wrk)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="aslp-bench-"))
    port = free_port()
    run_started = time.time()
    cache = REDIS_PUBLIC_PAGES if redis_available() else "locmemcache://bench"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 60,
        "OPENBADGES_SIGNING_KEY": signing_key_file(workdir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
        ),
        "CACHE_URL": cache,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PUBLIC_PAGE_CACHE_SECONDS": "600",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    print(f"Preparing a demo database in {workdir} (cache: {cache.split(':')[0]}) ...")
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "load_demo"], env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    if cache.startswith("redis"):
        run(
            [
                PY,
                "-c",
                "import django; django.setup(); from django.core.cache import cache; cache.clear()",
            ],
            env,
        )
    paths = page_paths(env)

    server = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "aslp_site.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(workdir / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if fetch(base + "/health/live/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start; see " + str(workdir / "gunicorn.log"))

        for label, path in paths.items():
            status, _ = fetch(base + path)
            status2, headers = fetch(base + path)
            if status != 200 or status2 != 200:
                raise SystemExit(f"{label} {path} answered {status}/{status2}")
            print(
                f"  {label:<13} {path}  "
                f"(second request: X-Public-Cache={headers.get('X-Public-Cache')})"
            )

        bare_before = wrk(base + "/health/live/", args.duration, args.connections)
        results = {
            label: wrk(base + path, args.duration, args.connections)
            for label, path in paths.items()
        }
        bare_after = wrk(base + "/health/live/", args.duration, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=10)

    bare = (bare_before + bare_after) / 2
    print()
    print(f"{'page':<28}{'req/s':>10}{'ratio':>8}  target >= {TARGET}")
    print(
        f"{'bare view (baseline)':<28}{bare:>10.0f}{1:>8.2f}  "
        f"(before {bare_before:.0f}, after {bare_after:.0f})"
    )
    failed = False
    rows = [
        row(
            "P1",
            "bare Django view (baseline)",
            bare,
            "req/s",
            detail=f"/health/live/, before {bare_before:.0f}, after {bare_after:.0f}",
        )
    ]
    for label, rps in results.items():
        ratio = rps / bare
        ok = ratio >= TARGET
        failed |= not ok
        print(f"{label:<28}{rps:>10.0f}{ratio:>8.2f}  {'ok' if ok else 'BELOW TARGET'}")
        rows.append(
            row(
                "P1",
                f"{label} {paths[label]}",
                rps,
                "req/s",
                baseline=bare,
                ratio=ratio,
                target=f">= {TARGET}",
                ok=ok,
            )
        )
    missing = {"home page", "content page", "news article"} - results.keys()
    if missing:
        print("not measured (no such page in the demo): " + ", ".join(sorted(missing)))
        failed = True
        for label in sorted(missing):
            rows.append(
                row("P1", f"{label}: no such page in the demo", None, "req/s", ok=False, check=True)
            )
    record(
        "public_pages",
        f"Public pages under load (gunicorn, 2 workers, wrk -c{args.connections})",
        rows,
        started=run_started,
        settings={
            "duration": args.duration,
            "connections": args.connections,
            "cache": cache.split(":")[0],
        },
    )
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
