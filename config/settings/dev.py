"""The embedded default (`make run`): SQLite, in-process jobs, local-memory cache, email on the console."""

from .base import *  # noqa: F403
from .base import env, env_list

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# One dev-server process: its local-memory cache is the only one, so rate limits hold.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003"]
