"""What the benchmarks in bench/ share: a free loopback port, whether Redis answers, and a
fresh PostgreSQL database cloned from a migrated template.

Plain sockets only, so that a script may import this module before locust patches the
standard library.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


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
    template = f"{name}_template"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    fingerprint = migrations_fingerprint()
    migrate = [PY, "manage.py", "migrate", "--noinput", "-v0"]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        ).fetchone()
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if row is None or row[0] != fingerprint:
            print("  building the migrated template database (once per change of migrations) ...")
            conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{template}"')
            template_env = {**env, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{template}"))}
            subprocess.run(migrate, cwd=ROOT, env=template_env, check=True)
            conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    subprocess.run(migrate, cwd=ROOT, env={**env, "DATABASE_URL": url}, check=True)


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
