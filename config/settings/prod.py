"""Production: PostgreSQL, Redis, a Celery worker and beat, SMTP. Refuses to start half-configured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASES, REDIS_URL, SECRET_KEY, env, env_bool

if not SECRET_KEY or len(SECRET_KEY) < 50 or "insecure" in SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value (50+ characters) before starting in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) before starting in production.")

if not REDIS_URL:
    raise ImproperlyConfigured(
        "Set REDIS_URL (redis://host:port) before starting in production: jobs, the cache and rate limits use it."
    )

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", True) else None
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Cookies only over HTTPS. `make stack` serves plain HTTP on loopback and turns this off (SECURE_COOKIES=0), as it
# turns off the HTTPS redirect and HSTS; a real deployment keeps the defaults (docs/deploy.md).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# Uploaded media served by Django itself: only for a single machine without a web server in front (`make stack`);
# otherwise the web server or S3-compatible storage serves them (docs/deploy.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by browsers and proxies), gzip and Brotli copies served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
