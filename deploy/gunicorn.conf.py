"""Gunicorn settings for the ASLP site.

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py aslp_site.wsgi

Every value comes from the environment with a default fit for one machine behind a TLS proxy
(nginx, deploy/nginx/aslp.conf) on the same host. docs/deployment.md explains each choice.

GUNICORN_BIND                 where to listen: 127.0.0.1:8000, or unix:/run/aslp-web/gunicorn.sock;
                              several addresses separated by commas
GUNICORN_WORKERS              sync worker processes; 2 x CPU cores + 1 by default
GUNICORN_TIMEOUT              seconds a request may keep a worker busy before it is killed (120)
GUNICORN_GRACEFUL_TIMEOUT     seconds workers get to finish their requests on restart (30)
GUNICORN_MAX_REQUESTS         requests after which a worker is replaced (1000; 0 = never) ...
GUNICORN_MAX_REQUESTS_JITTER  ... plus up to this many more, so workers are not replaced together
GUNICORN_FORWARDED_ALLOW_IPS  the proxy's addresses, trusted for X-Forwarded-Proto (127.0.0.1,::1)
GUNICORN_CONTROL_SOCKET       where `gunicornc` finds this server (gunicorn's default when unset)

The access log goes to standard output, one JSON object a line carrying the request id that
RequestIdMiddleware returns in X-Request-ID, so that a line is matched with the application's
own log lines (standard error) and with the reference on the error page.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]

# Sync workers: one request at a time each. A request costs 55-70 ms of worker time on the
# measured 2-core machine (README, deadline rush), mostly Python, but in production a part of it
# is waiting for PostgreSQL, Redis and the object store over the network (a CV is written to the
# bucket during the request, private files are streamed from it); while one worker waits another
# uses the core. Hence twice the cores plus one. Slow clients hold no worker: the proxy buffers
# whole requests and responses. Each worker holds the whole application in memory (about 150 MB).
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", 2 * _cores() + 1)

# The slowest legitimate requests build a ZIP or a spreadsheet of a cohort (submissions,
# certificates, exports) within the request; 120 s leaves room for them. The proxy's read
# timeout must not be shorter.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Replace each worker after about a thousand requests: PDF rendering (letters, badges, the
# programme) and reportlab's font caches make a long-lived process grow.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Gunicorn trusts X-Forwarded-Proto (and friends) only from these addresses. Django itself reads
# X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), so gunicorn must be reachable only by the proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The workers' heartbeat files on a memory file system, never on a disk that may stall.
if os.access("/dev/shm", os.W_OK):  # noqa: S108 - heartbeat files, not data
    worker_tmp_dir = "/dev/shm"  # noqa: S108

if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

proc_name = "aslp-web"

# Standard output: the access log; standard error: gunicorn's own messages and Django's JSON log.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One JSON object a line. Gunicorn escapes double quotes in the values; the path is logged
# without its query string (search words and other people's input stay out of the log).
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(b)s", "duration_ms": %(M)s, '
    '"remote": "%(h)s", "forwarded_for": "%({x-forwarded-for}i)s", "user_agent": "%(a)s"}'
)
