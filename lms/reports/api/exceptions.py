"""One error format for the whole API, in the caller's language::

    {"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {}}}

``fields`` lists what was wrong with each query parameter (status 400 only). Addresses under ``/api/v1/`` that
match no endpoint answer the same way (``not_found``), instead of an HTML page or a redirect into the site."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def error_body(*, status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: Django reports it (a 500), as everywhere else
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        body = error_body(
            status_code=response.status_code,
            code="invalid",
            message=_("Some of the request's parameters are not valid."),
            fields=fields,
        )
    else:
        detail = getattr(exc, "detail", None) or response.data.get("detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(status_code=response.status_code, code=str(code), message=str(detail))
    response.data = body
    return response


@csrf_exempt  # it changes nothing, whatever the method: answer in JSON rather than with the CSRF failure page
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Anything under ``/api/v1/`` that is not an endpoint."""
    from .urlconf import mark_api_response

    mark_api_response(request)
    body = error_body(
        status_code=status.HTTP_404_NOT_FOUND,
        code="not_found",
        message=_("There is no such address in the API. See the schema at /api/v1/schema/."),
    )
    response = JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
    add_never_cache_headers(response)
    return response
