"""The OpenAPI schema (drf-spectacular): only ``/api/v1/`` (not Wagtail's admin API, which is DRF too), and every
operation documents its error responses in the one error format (``exceptions.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

PATH_PREFIX = "/api/v1/"

ERROR_DESCRIPTIONS = {
    400: _("A query parameter is not valid (see `fields`)."),
    401: _("No credentials, or a token that is unknown, revoked or expired."),
    403: _("The caller may not read this."),
    404: _("Not found, or outside the caller's scope."),
    429: _("Too many requests: wait for as many seconds as the Retry-After header says."),
}


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text=_("A stable, machine-readable code, e.g. not_found, throttled."))
    message = serializers.CharField(help_text=_("What went wrong, in the caller's language."))
    fields = serializers.DictField(
        child=serializers.JSONField(), help_text=_("For status 400: the problems with each parameter.")
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ApiAutoSchema(AutoSchema):
    """Adds the error responses a view can give (its ``api_errors``) to what it documents."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status_code in getattr(self.view, "api_errors", ()):
            response = OpenApiResponse(ErrorSerializer, description=str(ERROR_DESCRIPTIONS[status_code]))
            responses.setdefault(str(status_code), self._get_response_for_code(response, str(status_code)))
        return responses


def only_this_api(endpoints, **kwargs):
    """Preprocessing hook: the endpoints under ``/api/v1/``."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PATH_PREFIX)]
