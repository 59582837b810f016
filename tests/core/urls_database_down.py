"""The site's URLs and two that fail (tests/core/test_resilience.py): one as when the database is out of reach, one
with an ordinary bug."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def bug(request):
    raise ValueError("an ordinary bug")


urlpatterns = [path("database-down/", database_down), path("bug/", bug), *site_urlpatterns]
