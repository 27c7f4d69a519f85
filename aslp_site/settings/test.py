"""Settings for the test suite: fast hashing, in-memory e-mail, tasks run immediately.

Uses PostgreSQL when DATABASE_URL is set (as in CI), SQLite otherwise.
"""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sessions",
    },
}
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default="/tmp/aslp-test-media")  # noqa: S108
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default="/tmp/aslp-test-private")  # noqa: S108
if MEDIA_STORAGE == "filesystem":
    STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
WAGTAILADMIN_BASE_URL = "http://testserver"
PUBLIC_PAGE_CACHE_SECONDS = 600
