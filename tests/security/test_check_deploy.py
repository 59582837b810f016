"""Issue #9: `manage.py check --deploy` under the production settings reports nothing, not even a warning, and
the production session and CSRF cookies are Secure, HttpOnly (session) and SameSite=Lax."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "maktaba.example.org",
    "REDIS_URL": "redis://127.0.0.1:6399/0",
    "DATABASE_URL": "sqlite:////tmp/maktaba-security-check.sqlite3",
}
# What a deployment might have in its environment that would loosen the production defaults.
LOOSENING = {"SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "BEHIND_PROXY"}
LOOSENING |= {"SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "DEBUG"}


def run(*args: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in LOOSENING}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **PROD}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_warning_at_all():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout, output
    assert "WARNINGS" not in output
    assert "security.W" not in output


def test_production_cookies_are_secure_httponly_and_lax():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({n: "
        "getattr(s, n) for n in ('SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', "
        "'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_SAMESITE', 'LANGUAGE_COOKIE_SECURE', 'DEBUG', 'SECURE_SSL_REDIRECT')}))"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
    }
