"""The deployment files (compose.yaml, deploy/, docs/deployment.md) against the code they run.

They are not run by CI (there is no Docker engine, no systemd as init), so these tests check what
can be checked here: the files parse, name what the guide says, use only environment variables
that .env.example documents, schedule only management commands that exist, and the gunicorn
configuration loads with the documented values and writes one JSON access line per request
carrying the request id.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = ROOT / "compose.yaml"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
CRON = DEPLOY / "cron" / "aslp"
WEB_UNIT = DEPLOY / "systemd" / "aslp-web.service"
WORKER_UNIT = DEPLOY / "systemd" / "aslp-worker@.service"
DOCKERFILE = DEPLOY / "Dockerfile"
GUIDE = ROOT / "docs" / "deployment.md"

ENV_CALL = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def env_example_names() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        name, sep, _value = line.partition("=")
        if sep and NAME.match(name.strip()) and not line.startswith("#"):
            names.add(name.strip())
    return names


def app_env_names() -> set[str]:
    """Every variable the settings read (env("X"), env.str("X"), env.list("X"), ...)."""
    names = {"DJANGO_SETTINGS_MODULE"}  # read by Django itself (manage.py, aslp_site/wsgi.py)
    for path in (ROOT / "aslp_site" / "settings").glob("*.py"):
        names |= set(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def load_compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def compose_env_names(compose: dict) -> set[str]:
    """Variables compose sets in containers or interpolates from .env."""
    names = set()
    for service in compose["services"].values():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.partition("=")[::2] for item in environment)
        names |= set(environment)
    text = COMPOSE.read_text(encoding="utf-8")
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))  # ${NAME}, ${NAME:?...}
    names |= set(re.findall(r"\$\$([A-Z][A-Z0-9_]*)", text))  # $$NAME in container shells
    names |= set(re.findall(r"os\.environ\[['\"]([A-Z][A-Z0-9_]*)", text))  # healthcheck
    return names


def unit_env_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Environment="):
            names.add(line.removeprefix("Environment=").partition("=")[0])
    return names


def gunicorn_env_names() -> set[str]:
    tree = ast.parse(GUNICORN_CONF.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if NAME.match(node.value) and "_" in node.value:
                names.add(node.value)
    return names


def cron_entries() -> list[tuple[bool, str, str]]:
    """(active, schedule, command) of every cron line, including the commented-out options."""
    entries = []
    line_re = re.compile(r"^(#\s*)?((?:[\d*/,-]+\s+){5})(\S+)\s+(.+)$")
    for line in CRON.read_text(encoding="utf-8").splitlines():
        match = line_re.match(line)
        if match:
            active = match.group(1) is None
            entries.append((active, match.group(2).strip(), f"{match.group(3)} {match.group(4)}"))
    return entries


def managed_commands(entries) -> list[str]:
    return [m for _a, _s, command in entries for m in re.findall(r"manage\.py (\w+)", command)]


# -- compose.yaml ------------------------------------------------------------------------------


def test_compose_names_the_services_of_the_guide():
    compose = load_compose()
    services = compose["services"]
    assert set(services) == {
        "web",
        "worker",
        "migrate",
        "postgres",
        "redis-cache",
        "redis-queue",
        "minio",
        "createbuckets",
    }
    assert set(compose["volumes"]) == {"postgres-data", "redis-queue-data", "minio-data"}
    web, worker, migrate = services["web"], services["worker"], services["migrate"]
    assert web["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "aslp_site.wsgi"]
    assert worker["command"] == ["python", "manage.py", "rqworker", "default"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert worker["deploy"]["replicas"] == 2
    for service in (web, worker, migrate):
        assert service["build"] == {"context": ".", "dockerfile": "deploy/Dockerfile"}
        assert service["env_file"] == [".env"]
        assert service["environment"]["MEDIA_STORAGE"] == "s3"
        assert service["environment"]["S3_ENDPOINT_URL"] == "http://minio:9000"
        assert service["environment"]["S3_ADDRESSING_STYLE"] == "path"
        assert service["environment"]["TASKS_BACKEND"] == "django_tasks_rq.RQBackend"
    for service in (web, worker):
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["depends_on"]["createbuckets"] == {
            "condition": "service_completed_successfully"
        }
    assert "/health/live/" in " ".join(web["healthcheck"]["test"])
    assert services["postgres"]["image"] == "postgres:15"


def test_compose_gives_cache_and_queues_their_own_redis():
    services = load_compose()["services"]
    cache = services["redis-cache"]["command"]
    queue = services["redis-queue"]["command"]
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert cache[cache.index("--save") + 1] == ""
    assert cache[cache.index("--appendonly") + 1] == "no"
    assert "volumes" not in services["redis-cache"]
    assert queue[queue.index("--maxmemory-policy") + 1] == "noeviction"
    assert queue[queue.index("--appendonly") + 1] == "yes"
    assert services["redis-queue"]["volumes"] == ["redis-queue-data:/data"]
    env = services["web"]["environment"]
    assert env["CACHE_URL"].startswith("redis://redis-cache:")
    assert env["SESSION_CACHE_URL"].startswith("redis://redis-queue:")
    assert env["TASKS_REDIS_URL"].startswith("redis://redis-queue:")
    assert env["SESSION_CACHE_URL"] != env["TASKS_REDIS_URL"]


def test_compose_bucket_policies():
    script = load_compose()["services"]["createbuckets"]["command"][0]
    public = re.search(r"public-read\.json <<JSON\n(.*?)\nJSON", script, re.S).group(1)
    policy = json.loads(public.replace("$$S3_PUBLIC_BUCKET", "media"))
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"AWS": ["*"]}
    # Reading Wagtail's images only: no listing, no documents (private collections).
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == [
        "arn:aws:s3:::media/images/*",
        "arn:aws:s3:::media/original_images/*",
    ]
    assert 'mc anonymous set none "local/$$S3_PRIVATE_BUCKET"' in script


# -- environment variables -------------------------------------------------------------------


def test_every_app_variable_the_deploy_files_use_is_in_env_example():
    referenced = (
        compose_env_names(load_compose())
        | unit_env_names(WEB_UNIT)
        | unit_env_names(WORKER_UNIT)
        | gunicorn_env_names()
        | set(re.findall(r"^([A-Z][A-Z0-9_]*)=", CRON.read_text(encoding="utf-8"), re.M))
        | set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", DOCKERFILE.read_text(encoding="utf-8")))
    )
    used_by_app = referenced & app_env_names()
    # The extraction found the variables the set-up cannot do without.
    assert {
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "CACHE_URL",
        "SESSION_CACHE_URL",
        "TASKS_REDIS_URL",
        "S3_ENDPOINT_URL",
        "S3_PUBLIC_BUCKET",
        "S3_PRIVATE_BUCKET",
        "OPENBADGES_SIGNING_KEY",
        "DJANGO_ALLOWED_HOSTS",
    } <= used_by_app
    assert sorted(used_by_app - env_example_names()) == []


def test_gunicorn_variables_are_not_read_by_the_app():
    names = gunicorn_env_names()
    assert names == {
        "GUNICORN_BIND",
        "GUNICORN_WORKERS",
        "GUNICORN_TIMEOUT",
        "GUNICORN_GRACEFUL_TIMEOUT",
        "GUNICORN_MAX_REQUESTS",
        "GUNICORN_MAX_REQUESTS_JITTER",
        "GUNICORN_FORWARDED_ALLOW_IPS",
        "GUNICORN_CONTROL_SOCKET",
        "GUNICORN_LOG_LEVEL",
    }
    assert names & app_env_names() == set()


# -- cron ------------------------------------------------------------------------------------


def test_cron_runs_existing_commands_with_production_settings():
    entries = cron_entries()
    commands = managed_commands(entries)
    assert sorted(commands) == sorted(
        [
            "send_reminders",
            "expire_offers",
            "publish_scheduled",
            "apply_retention",
            "backup",
            "searchpromotions_garbage_collect",
            "clearsessions",
            "prune_db_task_results",
        ]
    )
    known = get_commands()
    assert [name for name in commands if name not in known] == []
    inactive = sorted(managed_commands([e for e in entries if not e[0]]))
    assert inactive == ["clearsessions", "prune_db_task_results"]
    settings_line = re.compile(r"^DJANGO_SETTINGS_MODULE=aslp_site\.settings\.production$", re.M)
    assert settings_line.search(CRON.read_text(encoding="utf-8"))
    # /etc/cron.d format: the user, then the command.
    for _active, _schedule, command in entries:
        assert command.startswith("aslp "), command
        if "manage.py" in command:
            assert command.startswith("aslp cd /srv/aslp && "), command


def test_cron_schedules_every_command_written_for_cron():
    """A management command of the project whose docstring says it is for cron is in the file."""
    scheduled = set(managed_commands(cron_entries()))
    for_cron = set()
    for path in ROOT.glob("*/management/commands/*.py"):
        for_cron |= {path.stem} if "(for cron" in path.read_text(encoding="utf-8")[:400] else set()
    for path in ROOT.glob("aslp_site/*/management/commands/*.py"):
        for_cron |= {path.stem} if "(for cron" in path.read_text(encoding="utf-8")[:400] else set()
    assert for_cron == {"send_reminders", "expire_offers", "apply_retention"}
    assert for_cron <= scheduled


# -- gunicorn --------------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, **environ) -> dict:
    for name in gunicorn_env_names():
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    namespace: dict = {"__file__": str(GUNICORN_CONF)}
    exec(compile(GUNICORN_CONF.read_text(encoding="utf-8"), str(GUNICORN_CONF), "exec"), namespace)  # noqa: S102
    return namespace


def test_gunicorn_conf_defaults(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["worker_class"] == "sync"
    assert conf["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert conf["timeout"] == 120
    assert conf["graceful_timeout"] == 30
    assert conf["max_requests"] == 1000
    assert conf["max_requests_jitter"] == 100
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["accesslog"] == "-"
    assert "control_socket" not in conf


def test_gunicorn_conf_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch,
        GUNICORN_BIND="unix:/run/aslp-web/gunicorn.sock, 10.0.0.5:8000",
        GUNICORN_WORKERS="7",
        GUNICORN_TIMEOUT="300",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_MAX_REQUESTS_JITTER="0",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.0/8",
        GUNICORN_CONTROL_SOCKET="/run/aslp-web/gunicorn.ctl",
    )
    from gunicorn.config import Config

    config = Config()
    for name, value in conf.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's own validators
    assert config.bind == ["unix:/run/aslp-web/gunicorn.sock", "10.0.0.5:8000"]
    assert config.workers == 7
    assert config.timeout == 300
    assert config.graceful_timeout == 20
    assert config.max_requests == 0
    assert config.forwarded_allow_ips == ["10.0.0.0/8"]
    assert config.control_socket == "/run/aslp-web/gunicorn.ctl"
    assert config.access_log_format == conf["access_log_format"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_health_live_and_logs_json_with_the_request_id(tmp_path):
    """Real gunicorn with production settings: one JSON access line per request on stdout."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = tmp_path / "signing-key.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = free_port()
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.production",
        "DJANGO_SECRET_KEY": "deploy-files-test-only-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "aslp.example.org",
        "OPENBADGES_SIGNING_KEY": str(key),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_CONTROL_SOCKET": str(tmp_path / "gunicorn.ctl"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        server = subprocess.Popen(
            [str(gunicorn), "-c", str(GUNICORN_CONF), "aslp_site.wsgi"],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=err,
        )
    try:
        url = f"http://127.0.0.1:{port}/health/live/"
        headers = {"Host": "aslp.example.org", "User-Agent": 'probe "quoted"'}
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = urllib.request.urlopen(  # noqa: S310 - loopback
                    urllib.request.Request(url, headers=headers), timeout=5
                )
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "gunicorn did not answer:\n" + stderr.read_text(encoding="utf-8")[-2000:]
                    )
                time.sleep(0.3)
        assert answer.status == 200
        assert answer.read() == b"ok"
        request_id = answer.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
        given = urllib.request.urlopen(  # noqa: S310 - loopback
            urllib.request.Request(url, headers={**headers, "X-Request-ID": "probe-id-0001"}),
            timeout=5,
        )
        assert given.headers["X-Request-ID"] == "probe-id-0001"
    finally:
        server.terminate()
        server.wait(timeout=60)
    lines = [
        json.loads(line) for line in stdout.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert [(line["request_id"], line["status"]) for line in lines][-2:] == [
        (request_id, 200),
        ("probe-id-0001", 200),
    ]
    last = lines[-1]
    assert last["method"] == "GET"
    assert last["path"] == "/health/live/"
    assert last["bytes"] == "2"
    assert last["user_agent"] == 'probe "quoted"'
    assert isinstance(last["duration_ms"], int)


# -- systemd ---------------------------------------------------------------------------------


def read_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def test_systemd_units():
    web = read_unit(WEB_UNIT)["Service"]
    worker = read_unit(WORKER_UNIT)["Service"]
    assert web["ExecStart"] == (
        "/srv/aslp/.venv/bin/gunicorn -c deploy/gunicorn.conf.py aslp_site.wsgi"
    )
    assert web["Type"] == "notify"
    assert worker["ExecStart"] == (
        "/srv/aslp/.venv/bin/python manage.py rqworker default --name aslp-%H-%i"
    )
    # The running task is not signalled on stop (it finishes first).
    assert worker["KillMode"] == "mixed"
    for service in (web, worker):
        assert service["User"] == "aslp"
        assert service["WorkingDirectory"] == "/srv/aslp"
        assert service["EnvironmentFile"] == "/srv/aslp/.env"
        assert service["NoNewPrivileges"] == "yes"
        assert service["ProtectSystem"] == "strict"
        assert service["ReadWritePaths"].split()[0] == "/srv/aslp/var"
        assert service["PrivateTmp"] == "yes"
    # Stopping waits longer than gunicorn's graceful timeout (30 s by default).
    graceful = re.search(
        r'_int\("GUNICORN_GRACEFUL_TIMEOUT", (\d+)\)', GUNICORN_CONF.read_text(encoding="utf-8")
    )
    assert int(web["TimeoutStopSec"]) > int(graceful.group(1)) == 30


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verify(tmp_path):
    """The units as systemd reads them, with this checkout standing in for /srv/aslp."""
    for unit, name in ((WEB_UNIT, "aslp-web.service"), (WORKER_UNIT, "aslp-worker@1.service")):
        (tmp_path / name).write_text(
            unit.read_text(encoding="utf-8").replace("/srv/aslp", str(ROOT))
        )
    result = subprocess.run(
        ["systemd-analyze", "verify", "aslp-web.service", "aslp-worker@1.service"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


# -- Dockerfile and guide --------------------------------------------------------------------


def test_dockerfile():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("FROM ")] == [
        "FROM python:3.11-slim"
    ]
    assert "apt-get install -y --no-install-recommends gettext fonts-noto-core" in text
    assert "RUN pip install ." in text
    # The image runs as an unprivileged user, set before the command.
    instructions = [line.split()[0] for line in text.splitlines() if re.match(r"^[A-Z]+ ", line)]
    assert instructions[-3:] == ["USER", "EXPOSE", "CMD"]
    assert "USER aslp" in text


def test_guide_names_only_files_that_exist():
    text = GUIDE.read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:deploy|docs)/[\w./@-]+)`", text))
    assert {
        "deploy/gunicorn.conf.py",
        "deploy/cron/aslp",
        "deploy/systemd/aslp-web.service",
        "deploy/systemd/aslp-worker@.service",
    } <= paths
    missing = sorted(p for p in paths if p != "docs/backup.md" and not (ROOT / p).exists())
    assert missing == []
