"""The URLconf that the API's answers carry (``request.urlconf``) once the view has run, for the middleware that
looks at it afterwards: it has no ``i18n_patterns``, so LocaleMiddleware does not turn the API's 404s into redirects
to ``/<lang>/api/v1/...`` (which Wagtail's catch-all would otherwise make look valid). Requests are still resolved
with the root URLconf: Django reads ``request.urlconf`` before the view only if middleware set it."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("lms.reports.api.urls"))]


def mark_api_response(request) -> None:
    request.urlconf = __name__
