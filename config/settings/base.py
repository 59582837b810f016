"""Settings shared by every runtime mode. Everything that differs between machines comes from the
environment (``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``EMAIL_URL``, ...)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from cms import embeds

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default  # an empty variable counts as unset


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours, top layer first (see ARCHITECTURE.md).
    "demo",
    "cms",
    "lms.courses",
    "lms.quizzes",
    "lms.competencies",
    "lms.reports",
    "webinars",
    "certificates",
    "accounts",
    "core",
    # Wagtail; our app config replaces wagtail.users to fit our user model.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.MaktabaUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "polymorphic",
    "rest_framework",
    "drf_spectacular",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy (core/security.py): outside the page cache, so that cached pages
    # get them too; after WhiteNoise, which answers for static files before this.
    "core.security.SecurityHeadersMiddleware",
    # gzip for HTML and JSON only, never for streamed downloads (core/compression.py, with its BREACH note), after
    # WhiteNoise (static files come precompressed) and before ConditionalGet (ETags from the uncompressed body).
    "core.compression.CompressTextMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # The anonymous page cache (core/page_cache.py): storing goes outside the session, CSRF and messages middleware
    # so that it sees the cookies they set; fetching goes after them, once the visitor is known.
    "core.page_cache.UpdatePageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.page_cache.FetchPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite (WAL) is the embedded default; PostgreSQL in production and in the tests.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'maktaba.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Users.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
# Pages restricted to signed-in people send visitors to our sign-in page, not to Wagtail's own (`/_util/login/`,
# which our page pattern shadows: one sign-in page, with its rate limits and username accounts).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
ACCOUNT_ACTIVATION_TIMEOUT = 60 * 60 * 24 * 7
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Recorded at most this often per user, so the record costs one UPDATE an hour, not one per request.
LAST_ACTIVITY_INTERVAL = timedelta(hours=1)

# Languages. Adding one is an entry here plus a catalogue in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("ar", "العربية"),
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # our own named formats per language (WEBINAR_DAY_AND_TIME_FORMAT)
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# Static files and media.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Cache: local memory in the embedded default, Redis (a database other than the broker's) otherwise.
REDIS_URL = env("REDIS_URL")


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server as ``url`` with another database number."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{db}").geturl()


# Whole pages for anonymous visitors (core/page_cache.py) live in their own alias ("pages"), on their own Redis
# database, so that they never push rate-limit counters out; each lives PAGE_CACHE_SECONDS at most (0: no page cache).
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_MAX_QUERY = 500  # longer query strings are never cached
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_db_url(REDIS_URL, 1),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        PAGE_CACHE_ALIAS: {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_db_url(REDIS_URL, 2),
            "TIMEOUT": PAGE_CACHE_SECONDS or None,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        PAGE_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "maktaba-pages",
            "TIMEOUT": PAGE_CACHE_SECONDS or None,
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# Rate limits (django-ratelimit through core.ratelimit). Fail open: when the cache is down, sign-in must
# still work; the limits come back with the cache.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_VIEW = "core.views.ratelimited"
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY") or None
RATES = {
    "login-ip": env("RATE_LOGIN_IP", "30/10m"),
    "login-account": env("RATE_LOGIN_ACCOUNT", "10/10m"),
    "signup-ip": env("RATE_SIGNUP_IP", "10/h"),
    "password-reset-ip": env("RATE_PASSWORD_RESET_IP", "10/h"),
    "lookup-ip": env("RATE_LOOKUP_IP", "60/10m"),
    "batch-check-user": env("RATE_BATCH_CHECK_USER", "30/h"),
    "reports-export-user": env("RATE_REPORTS_EXPORT_USER", "20/h"),
    "resource-submit-user": env("RATE_RESOURCE_SUBMIT_USER", "10/d"),
    "data-export-user": env("RATE_DATA_EXPORT_USER", "3/d"),
    "account-delete-user": env("RATE_ACCOUNT_DELETE_USER", "10/h"),
}

# The REST API (/api/v1/, lms/reports/api/, docs/api.md). Its authentication, permissions, throttles, pagination
# and error format are set on its views, so that Wagtail's admin API (also DRF) keeps its own; what is here are safe
# defaults for any other DRF view and the API's rates (per user or token owner, per anonymous IP address, and for
# verification by code), counted in the default cache like the rates above.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lms.reports.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_RATE_USER", "3600/h"),
        "anon": env("API_RATE_ANON", "120/h"),
        "verify": env("API_RATE_VERIFY", "60/10m"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maktaba API",
    "DESCRIPTION": "Read-only access for ministries' and partners' systems and for learners. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["lms.reports.api.schema.only_this_api"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
}

# Email.
EMAIL_URL = env("EMAIL_URL")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Maktaba <noreply@maktaba.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL and EMAIL_URL.startswith("file://"):
    # file:///path: each message written to a file in that folder (a loopback stack whose emails tests count).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = unquote(urlsplit(EMAIL_URL).path)
elif EMAIL_URL:
    _email = urlsplit(EMAIL_URL)
    _email_options = parse_qs(_email.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "submission" or "tls" in _email_options
    EMAIL_USE_SSL = _email.scheme == "smtps" or "ssl" in _email_options
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery. Without REDIS_URL tasks run in-process; with it they go through Redis to a worker.
CELERY_BROKER_URL = redis_db_url(REDIS_URL, 0) if REDIS_URL else "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Publishing gives up quickly: a job that cannot be published stays in the outbox for the relay.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "core.relay_outbox", "schedule": float(env("JOBS_RELAY_EVERY_SECONDS", "30"))},
    "purge-finished-jobs": {"task": "core.purge_finished_jobs", "schedule": crontab(minute=17)},
    "close-overdue-attempts": {"task": "quizzes.close_overdue_attempts", "schedule": 60.0},
    "event-reminders": {"task": "webinars.send_due_reminders", "schedule": 300.0},
    "reports-refresh-tallies": {"task": "reports.refresh_tallies", "schedule": 60.0},
    "reports-refresh-active": {"task": "reports.refresh_active", "schedule": crontab(minute=7)},
    "reports-rebuild-tallies": {"task": "reports.rebuild_tallies", "schedule": crontab(hour=2, minute=41)},
}
# Ministries' dashboard: a count below this is shown as "<5" (and enough other counts hidden with it that it cannot
# be recovered by subtraction). Without a worker and beat (the embedded default) counts are refreshed on commit.
REPORTS_SUPPRESS_BELOW = int(env("REPORTS_SUPPRESS_BELOW", "5"))
REPORTS_REFRESH_ON_COMMIT = CELERY_TASK_ALWAYS_EAGER
# A quiz answer that arrives this long after the attempt's deadline is still accepted: it was sent in time
# over a slow connection. Later ones are refused and the attempt is graded on what was saved.
QUIZ_DEADLINE_GRACE_SECONDS = int(env("QUIZ_DEADLINE_GRACE_SECONDS", "5"))
# A job left unpublished longer than this is picked up by the relay.
JOBS_RELAY_AFTER = timedelta(seconds=int(env("JOBS_RELAY_AFTER_SECONDS", "10")))
# A job that finds the database out of reach (a restart, a failover) is sent again after this many seconds, up to
# 60 times (core.jobs.JobTask).
JOBS_DATABASE_RETRY_SECONDS = float(env("JOBS_DATABASE_RETRY_SECONDS", "10"))
JOBS_KEEP_FINISHED = timedelta(days=30)

# Wagtail's own background work (reference index, search index, renditions) runs through django-tasks,
# separately from Celery. The immediate backend does it in-process; the dummy one would silently skip it.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Wagtail.
WAGTAIL_SITE_NAME = "Maktaba"
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "odt",
    "ppt",
    "pptx",
    "odp",
    "xls",
    "xlsx",
    "ods",
    "txt",
    "csv",
    "zip",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",  # images offered as downloads (OER)
    "mp4",
    "webm",
    "vtt",  # lesson videos and their caption tracks
]
# Documents uploaded in the admin are checked by size and content (cms/documents.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.documents.DocumentForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILEMBEDS_FINDERS = []  # No oEmbed fetching over the internet; allow-listed iframes are our own blocks.
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILUSERS_PASSWORD_REQUIRED = False
SITE_URL = WAGTAILADMIN_BASE_URL

# Security headers common to every mode; prod.py turns on HTTPS-only settings. See docs/decisions/0015.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview panel frames its own preview view, which allows that itself
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # editors' avatars: no request (and e-mail hash) to a third party
WAGTAIL_ENABLE_UPDATE_CHECK = False  # nor to releases.wagtail.org from the dashboard: versions are pinned here
# Content-Security-Policy (core/security.py), one for every page: no inline script or style anywhere and no nonce
# (the page cache keeps whole pages). Images and media may come from S3-compatible storage (docs/deploy.md):
# CSP_MEDIA_SOURCES lists its origins. Iframes only from the embed providers' allow-list (cms/embeds.py).
_MEDIA_SOURCES = ["'self'", *env_list("CSP_MEDIA_SOURCES")]
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": [*_MEDIA_SOURCES, "data:"],
    "media-src": _MEDIA_SOURCES,
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": embeds.frame_origins(),
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Wagtail's admin is not ours: it still has inline scripts and styles, shows images the editor has just picked as
# blob: addresses, and its preview panel frames the page being edited. (Django's admin works under SECURE_CSP.)
SECURE_CSP_ADMIN_PREFIXES = ["/cms-admin/"]
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": [*_MEDIA_SOURCES, "data:", "blob:"],
    "media-src": [*_MEDIA_SOURCES, "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'", *embeds.frame_origins()],
    "frame-ancestors": ["'self'"],
}
# Powerful features nobody here needs are off for the page and every frame in it; full screen is for our pages and
# the embedded players and simulations.
SECURE_PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self", *embeds.frame_origins()],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # A failing Wagtail background task is only logged: make sure it reaches the error log.
        "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "maktaba": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

MAKTABA_NAME = _("Maktaba")
# When a teacher deletes her account, her certificates stay verifiable with her name withheld (True), or are deleted
# with it (False). See docs/decisions/0010-personal-data.md.
MAKTABA_ERASURE_KEEPS_CERTIFICATES = env_bool("MAKTABA_ERASURE_KEEPS_CERTIFICATES", True)

# The layers of ARCHITECTURE.md, top first; packages in one entry are siblings that never import each other.
# `make lint` checks imports (import-linter) and foreign keys (`manage.py check_layers`) against it.
MAKTABA_LAYERS = [["config"], ["demo"], ["cms"], ["lms"], ["webinars", "certificates"], ["accounts"], ["core"]]

# Webinars: BigBlueButton's API (https://host/bigbluebutton/api/) and its shared secret; without them only
# meeting links are offered. The join link shows this long before a session starts.
BBB_URL = env("BBB_URL", "")
BBB_SECRET = env("BBB_SECRET", "")
WEBINAR_JOIN_OPENS_BEFORE = timedelta(minutes=int(env("WEBINAR_JOIN_OPENS_MINUTES", "15")))
