import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views import defaults

from .jobs import job_get_for_owner


def ratelimited(request, exception=None):
    response = render(request, "core/ratelimited.html", status=429)
    response["Retry-After"] = "600"
    return response


@login_required
def job_detail(request, job_id):
    """Progress of one of the requester's background jobs. Refreshes itself while the job runs (no
    JavaScript needed)."""
    job = job_get_for_owner(job_id, owner_id=request.user.pk)
    if job is None:
        raise Http404
    return render(request, "core/job_detail.html", {"job": job})


def health(request):
    """Liveness for load balancers and `scripts/gunicorn.sh`: answers without touching the database or the cache.
    Also the bare Django view `make bench` measures every step against (the same middleware, nothing else)."""
    response = HttpResponse(b"ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to (Wagtail's admin, files, old browsers): send them to
    the static icon (233 bytes, cached for long under its hashed name) instead of a 404 page on every visit."""
    return HttpResponsePermanentRedirect(static("core/favicon.ico"))


DATABASE_RETRY_AFTER_SECONDS = 10


def server_error(request):
    """The 500 handler (config/urls.py). When the database is out of reach (a restart, a failover, a connection
    refused) the request did nothing and may simply be sent again: 503 with Retry-After, so browsers, the API's
    clients and load balancers know to retry, and the page says so in all three languages. Anything else is the
    ordinary 500 page. Like that page, it needs neither the database nor the catalogues."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(request=request), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
