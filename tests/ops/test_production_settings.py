"""Production settings read every service from the environment (README's configuration table).

Each case starts a fresh interpreter, since settings are read once at start-up.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PRINT = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.SESSION_ENGINE,
    "caches": {alias: conf["BACKEND"] for alias, conf in settings.CACHES.items()},
    "cache_locations": {alias: conf.get("LOCATION") for alias, conf in settings.CACHES.items()},
    "storages": {alias: conf["BACKEND"] for alias, conf in settings.STORAGES.items()},
    "private_options": settings.STORAGES["private"].get("OPTIONS", {}),
    "public_options": settings.STORAGES["default"].get("OPTIONS", {}),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "tasks": settings.TASKS["default"]["BACKEND"],
    "rq_url": settings.RQ_QUEUES["default"]["URL"],
    "anymail": settings.ANYMAIL,
    "email": settings.EMAIL_BACKEND,
    "formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "redirect_exempt": getattr(settings, "SECURE_REDIRECT_EXEMPT", []),
    "https": {
        "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
                 settings.SECURE_HSTS_PRELOAD],
        "ssl_redirect": settings.SECURE_SSL_REDIRECT,
        "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
        "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
                           settings.LANGUAGE_COOKIE_SECURE],
        "csp_enforced": "CONTENT_SECURITY_POLICY_REPORT_ONLY" not in dir(settings),
        "trusted_proxies": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    },
}, default=str))
"""


def production(tmp_path, **overrides) -> subprocess.CompletedProcess:
    key = tmp_path / "key.pem"
    if not key.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("DJANGO_", "DATABASE", "CACHE", "SESSION", "TASKS", "S3_", "ANYMAIL")
        )
        and name not in ("MEDIA_STORAGE", "EMAIL_BACKEND", "LOG_FORMAT", "SENTRY_DSN")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aslp_site.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="aslp.example.org",
        OPENBADGES_SIGNING_KEY=str(key),
        **overrides,
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_defaults_need_no_service(tmp_path):
    values = read(production(tmp_path))
    assert values["engine"] == "django.contrib.sessions.backends.db"
    assert values["caches"] == {
        "default": "django.core.cache.backends.locmem.LocMemCache",
        "sessions": "django.core.cache.backends.locmem.LocMemCache",
    }
    assert values["storages"]["private"] == "django.core.files.storage.FileSystemStorage"
    assert values["private_options"]["base_url"] is None
    assert values["tasks"] == "django_tasks_db.DatabaseBackend"
    assert values["formatter"] == "json"
    assert values["redirect_exempt"] == ["^health/"]
    assert values["img_src"] == ["'self'", "data:", "blob:"]


def test_https_only_with_hsts_secure_cookies_and_the_proxy_count(tmp_path):
    values = read(production(tmp_path, TRUSTED_PROXY_COUNT="1"))
    assert values["https"] == {
        "hsts": [31536000, True, True],
        "ssl_redirect": True,
        "proxy_ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "secure_cookies": [True, True, True],
        "csp_enforced": True,
        "trusted_proxies": 1,
    }


def test_redis_for_cache_sessions_and_task_queues(tmp_path):
    values = read(
        production(
            tmp_path,
            CACHE_URL="redis://cache.internal:6379/1",
            SESSION_STORE="cache",
            SESSION_CACHE_URL="redis://queue.internal:6379/3",
            TASKS_BACKEND="django_tasks_rq.RQBackend",
            TASKS_REDIS_URL="redis://queue.internal:6379/2",
        )
    )
    assert values["engine"] == "django.contrib.sessions.backends.cache"
    assert values["caches"] == {
        "default": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.core.cache.backends.redis.RedisCache",
    }
    assert values["cache_locations"] == {
        "default": "redis://cache.internal:6379/1",
        "sessions": "redis://queue.internal:6379/3",
    }
    assert values["tasks"] == "django_tasks_rq.RQBackend"
    assert values["rq_url"] == "redis://queue.internal:6379/2"


def test_sessions_follow_the_cache_when_no_session_cache_is_named(tmp_path):
    values = read(
        production(tmp_path, CACHE_URL="redis://cache.internal:6379/1", SESSION_STORE="cached_db")
    )
    assert values["engine"] == "django.contrib.sessions.backends.cached_db"
    assert values["cache_locations"]["sessions"] == "redis://cache.internal:6379/1"


def test_object_storage_keeps_private_files_in_their_own_signed_bucket(tmp_path):
    values = read(
        production(
            tmp_path,
            MEDIA_STORAGE="s3",
            S3_ENDPOINT_URL="https://objects.example.org",
            S3_PUBLIC_BUCKET="aslp-media",
            S3_PRIVATE_BUCKET="aslp-private",
        )
    )
    assert values["storages"]["default"] == "storages.backends.s3.S3Storage"
    assert values["storages"]["private"] == "storages.backends.s3.S3Storage"
    public, private = values["public_options"], values["private_options"]
    assert (public["bucket_name"], private["bucket_name"]) == ("aslp-media", "aslp-private")
    assert public["querystring_auth"] is False
    assert private["querystring_auth"] is True
    assert private["querystring_expire"] == 60
    assert private["object_parameters"] == {"CacheControl": "private, no-store"}
    assert public["file_overwrite"] is False and private["file_overwrite"] is False
    # Public images come from the bucket's host, which the content security policy allows.
    assert values["img_src"] == ["'self'", "data:", "blob:", "https://objects.example.org"]


def test_a_public_domain_is_what_the_policy_allows(tmp_path):
    values = read(
        production(
            tmp_path,
            MEDIA_STORAGE="s3",
            S3_PUBLIC_BUCKET="aslp-media",
            S3_PRIVATE_BUCKET="aslp-private",
            S3_PUBLIC_DOMAIN="media.aslp.example.org",
        )
    )
    assert values["public_options"]["custom_domain"] == "media.aslp.example.org"
    assert values["img_src"][-1] == "https://media.aslp.example.org"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be 'filesystem' or 's3'"),
        ({"MEDIA_STORAGE": "s3", "S3_PUBLIC_BUCKET": "aslp-media"}, "S3_PRIVATE_BUCKET"),
        ({"SESSION_STORE": "cookies"}, "SESSION_STORE must be 'db', 'cache' or 'cached_db'"),
    ],
)
def test_a_wrong_service_setting_stops_the_start(tmp_path, overrides, message):
    result = production(tmp_path, **overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_anymail_settings_come_from_anymail_variables(tmp_path):
    values = read(
        production(
            tmp_path,
            EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
            ANYMAIL_POSTMARK_SERVER_TOKEN="token-123",
            ANYMAIL_IGNORED_EMPTY="",
        )
    )
    assert values["email"] == "anymail.backends.postmark.EmailBackend"
    assert values["anymail"] == {"POSTMARK_SERVER_TOKEN": "token-123"}


def test_text_logs_on_request(tmp_path):
    assert read(production(tmp_path, LOG_FORMAT="text"))["formatter"] == "text"


def test_every_variable_the_settings_read_has_an_example_value():
    import re

    read_by_settings = set()
    for path in (BASE_DIR / "aslp_site" / "settings").glob("*.py"):
        if path.name == "test.py":
            continue
        read_by_settings |= set(
            re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text("utf-8"))
        )
    example = {
        line.split("=", 1)[0]
        for line in (BASE_DIR / ".env.example").read_text("utf-8").splitlines()
        if re.match(r"^[A-Z][A-Z0-9_]*=", line)
    }
    assert len(read_by_settings) > 40
    assert read_by_settings - example == set()
