"""What the benchmarks in bench/ share: a free loopback port, whether Redis answers, a fresh
PostgreSQL database cloned from a migrated template, and ``record``, which writes a benchmark's
figures in the common form that ``bench/report.py`` turns into one table.

Plain sockets only, so that a script may import this module before locust patches the
standard library.

Databases and Redis numbers of the benchmarks, chosen so that they never meet the tests':
PostgreSQL ``aslp_bench_list``, ``aslp_bench_rush``, ``aslp_bench_workers`` (and their
``*_template``), never ``test_*`` or ``h_*``; Redis databases 7 (public pages), 5 (deadline
rush), 6 (certificate workers), never 8-15 (one per pytest-xdist worker, tests/ops/redis_db.py)
or 1-3 (the development defaults of ``.env.example``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
REDIS_PUBLIC_PAGES = "redis://127.0.0.1:6379/7"
REDIS_DEADLINE_RUSH = "redis://127.0.0.1:6379/5"
REDIS_WORKERS = "redis://127.0.0.1:6379/6"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def migrations_fingerprint() -> str:
    """Changes when any migration of the project or a dependency pin changes."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("*/*/migrations/*.py")):
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def fresh_database(url: str, env: dict) -> None:
    """Drop and create the PostgreSQL database of ``url``, cloned from a migrated template that
    is rebuilt whenever the migrations change, then migrate (a no-op unless something is new).
    ``env`` is the environment ``manage.py migrate`` runs in (its DATABASE_URL is ``url``)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    template = migrated_template(url, f"{name}_template", env)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        check=True,
    )


def migrated_template(url: str, template: str, env: dict) -> str:
    """Make sure the PostgreSQL database ``template``, on the server of ``url``, holds the
    current migrations applied in ``env`` (to be copied from); it is rebuilt when the migrations
    change, under an advisory lock so that runs started together build it once."""
    import psycopg

    parts = urlsplit(url)
    fingerprint = migrations_fingerprint()
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('aslp migrated template'))")
        try:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            ).fetchone()
            if row is None or row[0] != fingerprint:
                print(f"  building {template} (once per change of migrations) ...", flush=True)
                conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{template}"')
                subprocess.run(
                    [PY, "manage.py", "migrate", "--noinput", "-v0"],
                    cwd=ROOT,
                    env={**env, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{template}"))},
                    check=True,
                )
                conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('aslp migrated template'))")
    return template


def signing_key_file(workdir: Path) -> str:
    """A throwaway Open Badges signing key in ``workdir`` (production settings need one)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(workdir) / "openbadges-bench-key.pem"
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return str(path)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def _number(value):
    """JSON has no NaN or infinity: an unmeasured figure is ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def row(
    what: str,
    item: str,
    value: float | None,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_unit: str = "",
    ratio: float | None = None,
    target: str = "",
    ok: bool | None = None,
    detail: str = "",
    check: bool = False,
) -> dict:
    """One line of the table. ``what`` is the quality-bar line (P1, P2, P3, P4, R7);
    ``value`` the measured figure in ``unit``; ``baseline`` the same run's baseline figure;
    ``ratio`` the figure the target is about (value over baseline unless said otherwise);
    ``target`` in words; ``ok`` whether it was met (``None``: no target, informational).
    ``check=True`` marks a correctness check (a count that must be exact, such as lost
    submissions) rather than a speed target: ``bench/report.py`` exits non-zero on a failed
    check but only reports a missed speed target."""
    return {
        "what": what,
        "item": item,
        "value": _number(value),
        "unit": unit,
        "baseline": _number(baseline),
        "baseline_unit": baseline_unit or unit,
        "ratio": _number(ratio),
        "target": target,
        "ok": ok,
        "detail": detail,
        "check": check,
    }


def record(
    bench: str, title: str, rows: list[dict], *, started: float, settings: dict | None = None
) -> Path:
    """Write ``bench/results/<bench>.json``: the rows, when the run started and ended
    (``started`` is a ``time.time()``), the machine's cores and load average, and the
    settings of the run (its command-line options)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{bench}.json"
    data = {
        "bench": bench,
        "title": title,
        "script": f"bench/{bench}.py",
        "started": dt.datetime.fromtimestamp(started, tz=dt.UTC).isoformat(timespec="seconds"),
        "finished": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average": load_average(),
        "settings": settings or {},
        "rows": rows,
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    print(f"Figures recorded in {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path
