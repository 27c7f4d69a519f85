"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import environ

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# Keys anonymous survey answers are paired and drafts found with (assessments/keys.py); the
# secret key when unset. Keep it stable: changing it stops pre/post pairing across the change.
SURVEY_KEY_SECRET = env("SURVEY_KEY_SECRET", default="")
# A bulk issue of certificates runs in parts of this many holders, at most this many parts, one
# task each, so that several workers share a cohort (assessments/issuing.py start_batch).
CERTIFICATE_BATCH_PART_SIZE = env.int("CERTIFICATE_BATCH_PART_SIZE", default=50)
CERTIFICATE_BATCH_PARTS = env.int("CERTIFICATE_BATCH_PARTS", default=8)
# Static Regular/Bold instances of the certificate fonts (manage.py prepare_certificate_fonts).
CERTIFICATE_FONT_DIR = Path(
    env.str("CERTIFICATE_FONT_DIR", default=str(BASE_DIR / "var" / "certificate-fonts"))
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "aslp_site.core",
    "aslp_site.accounts",
    "aslp_site.public",
    "cohorts",
    "trainings",
    "assessments",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Trigram indexes for substring search (aslp_site.core.trigram); harmless on SQLite.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "aslp_site.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aslp_site.core.middleware.ContentSecurityPolicyMiddleware",
    "aslp_site.core.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "aslp_site.accounts.middleware.UserPreferencesMiddleware",
    "aslp_site.accounts.middleware.StaffMFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aslp_site.core.middleware.PrivatePageNoStoreMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "aslp_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "aslp_site.core.context_processors.site_context",
            ],
        },
    },
]

WSGI_APPLICATION = "aslp_site.wsgi.application"

# An unset or empty DATABASE_URL means the embedded default, SQLite next to manage.py.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache and rate-limit counters use the default cache; sessions may use their own (a
# Redis database that never evicts). Redis in production: CACHE_URL=redis://host:6379/1.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://aslp"),
    "sessions": env.cache(
        "SESSION_CACHE_URL", default=env.str("CACHE_URL", default="") or "locmemcache://sessions"
    ),
}
# Where sessions live: "db" (the embedded default), "cache" (the sessions cache only, e.g. Redis)
# or "cached_db" (read from the cache, written through to the database).
SESSION_STORE = env.str("SESSION_STORE", default="db")
if SESSION_STORE not in ("db", "cache", "cached_db"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SESSION_STORE must be 'db', 'cache' or 'cached_db'.")
SESSION_ENGINE = f"django.contrib.sessions.backends.{SESSION_STORE}"
SESSION_CACHE_ALIAS = "sessions"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Permissions only (admin access and Programme screens from programme roles).
    "cohorts.backends.ProgrammeRoleBackend",
]

# Internationalisation. English is the source language; more interface languages come from
# translation files in locale/ plus an entry here (or EXTRA_LANGUAGES in the environment).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
]
for _code_name in env.list("EXTRA_LANGUAGES", default=[]):
    _code, _sep, _name = _code_name.partition(":")
    LANGUAGES.append((_code, _name or _code))
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# Per-language date formats that differ from Django's (aslp_site/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["aslp_site.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Private uploads (CVs, letters, submissions) never live under MEDIA_ROOT; they are served
# only through permission-checked views.
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
# Files: local folders by default; S3-compatible object storage with MEDIA_STORAGE=s3, public
# uploads in one bucket and private ones in another that is never public (django-storages).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _s3 = {
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("S3_ADDRESSING_STYLE", default="") or None,
        "signature_version": "s3v4",
        # Never replace a stored file that happens to have the same name.
        "file_overwrite": False,
        # Buckets carry their own policy; many S3-compatible stores ignore object ACLs.
        "default_acl": None,
    }
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": env.str("S3_PUBLIC_BUCKET"),
                "querystring_auth": False,
                # A CDN or the bucket's public address, e.g. media.aslp.example.org
                "custom_domain": env.str("S3_PUBLIC_DOMAIN", default="") or None,
                "object_parameters": {"CacheControl": "public, max-age=86400"},
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": env.str("S3_PRIVATE_BUCKET"),
                # Private files are streamed by permission-checked views; a storage URL, should
                # one ever be made, is signed and short-lived.
                "querystring_auth": True,
                "querystring_expire": 60,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        },
    }
    # Public media then come from the bucket's address (CSP allows it below).
    from urllib.parse import urlsplit as _urlsplit

    _public_domain = STORAGES["default"]["OPTIONS"]["custom_domain"]
    _endpoint = _urlsplit(_s3["endpoint_url"] or "")
    MEDIA_ORIGINS = [
        f"https://{_public_domain}"
        if _public_domain
        else (
            f"{_endpoint.scheme}://{_endpoint.netloc}"
            if _endpoint.netloc
            else "https://*.amazonaws.com"
        )
    ]
elif MEDIA_STORAGE == "filesystem":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }
    MEDIA_ORIGINS = []
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Background tasks: the database backend run by `manage.py db_worker` by default; with
# TASKS_BACKEND=django_tasks_rq.RQBackend, Redis queues run by `manage.py rqworker default`
# (any number of workers on any number of machines).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
RQ_QUEUES = {
    "default": {
        "URL": env.str("TASKS_REDIS_URL", default="redis://127.0.0.1:6379/2"),
        # A certificate batch part may run for minutes; RQ's own default is 180 s.
        "DEFAULT_TIMEOUT": env.int("TASKS_TIMEOUT", default=3600),
    }
}
# Workers run django-tasks' job class (no --job-class flag needed) and log job ids, not arguments.
RQ = {"JOB_CLASS": "django_tasks_rq.Job", "WORKER_CLASS": "aslp_site.core.worker.Worker"}
RQ_SHOW_ADMIN_LINK = False

# E-mail. Providers through django-anymail: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend
# with the provider's settings as ANYMAIL_<NAME> variables (ANYMAIL_POSTMARK_SERVER_TOKEN=...).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in environ.os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ASLP <noreply@aslp.example.org>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Wagtail
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", default="APEC School Leadership Program")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# A signed-in person sent to the sign-in page (e.g. from an admin page they may not use) sees the
# form instead of being bounced back, which would loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
LOGIN_REDIRECT_URL = "accounts_profile"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No Gravatar pictures in the admin: they would send a hash of each staff address to a third party
# (and the Content-Security-Policy allows images only from our own origins).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the admin's release check (a request from the editor's browser to wagtail.org): upgrades
# come with the pinned dependencies of a release of this project.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# CMS pictures: decodable bitmaps only (never SVG, which can carry scripts), of a bounded size.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
# Documents always pass through Wagtail's view, which honours collection privacy; on object
# storage its default would redirect to the bucket's permanent public address instead.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "pptx", "txt", "csv"]
# Wagtail does not look inside documents: every one is served as an attachment (with nosniff and
# "default-src 'none'"), never shown inline, and none is larger than 10 MB (R9).
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILSEARCH_HITS_MAX_AGE = 14

# Open Badges 3.0 credentials of certificates (assessments/badges.py, docs/open-badges.md).
# The Ed25519 signing key: PEM text (newlines may be written \n) or the path of a PEM file;
# `manage.py openbadges_key` makes one. Unset outside production: a key made once and kept in
# OPENBADGES_DEV_KEY_FILE (production settings refuse to start without the key).
OPENBADGES_SIGNING_KEY = env.str("OPENBADGES_SIGNING_KEY", default="")
# The key's id (letters, digits, . _ -), named in every credential; its JWK thumbprint if unset.
OPENBADGES_KEY_ID = env.str("OPENBADGES_KEY_ID", default="")
# Public keys of earlier signing keys, so their credentials still verify: "kid=PEM" entries
# separated by commas or newlines (PEM newlines may be written \n), or the path of a file of them.
OPENBADGES_RETIRED_PUBLIC_KEYS = env.str("OPENBADGES_RETIRED_PUBLIC_KEYS", default="")
OPENBADGES_DEV_KEY_FILE = BASE_DIR / "var" / "openbadges-dev-key.pem"
OPENBADGES_ISSUER_NAME = env.str("OPENBADGES_ISSUER_NAME", default=WAGTAIL_SITE_NAME)

# Accounts (django-allauth)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ASLP] "
ACCOUNT_ADAPTER = "aslp_site.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "aslp_site.accounts.forms.SignupPreferencesForm"
# A reset request for an unknown address gets the same answer and sends no mail at all.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Tell people by mail when their password or e-mail address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so that the policy is visible in one place.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="ASLP")
# Staff (Django staff, superusers, Wagtail admin access) must set up an authenticator app.
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=True)

# Security headers (hardened further in production.py)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

from csp.constants import NONE, SELF  # noqa: E402

# Enforced. No inline script or style on our pages; the admins add 'unsafe-inline' for what
# Wagtail and Django write (aslp_site.core.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # One exception: allauth's e-mail change page hides a form with style="display: none".
        "style-src": [
            SELF,
            "'unsafe-hashes'",
            "'sha256-ZdHxw9eWtnxUb3mk6tBS+gIiVUPE3pGM470keHPDFlE='",
        ],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        "frame-src": [
            SELF,
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    }
}

# Public page cache (see aslp_site/core/middleware.py): anonymous GETs of public pages are
# served from the cache and the cache is emptied whenever a page, snippet or setting changes.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

# Logs go to standard error: JSON lines with the request id (LOG_FORMAT=json, the production
# default) or plain text. Every request gets an id (X-Request-ID, see aslp_site/core/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "aslp_site.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Wagtail logs every page action at INFO; the audit log in the admin keeps them.
        "wagtail": {"level": "WARNING"},
        # One line per task run at INFO is noise in the worker and in load_demo.
        "django_tasks": {"level": env("TASKS_LOG_LEVEL", default="WARNING")},
        "rq.worker": {"level": env("TASKS_LOG_LEVEL", default="WARNING")},
    },
}

# Error reports to Sentry when SENTRY_DSN is set (no personal data is sent).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        # Frames' local variables would carry names and addresses (a `user` prints its e-mail).
        include_local_variables=False,
    )

# Unique constraints with NULLs counted as equal (nulls_distinct=False) exist on PostgreSQL, the
# production database; SQLite skips them, and the forms check the same uniqueness anyway.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
