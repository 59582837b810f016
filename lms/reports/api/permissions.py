"""Who may call what. Each permission asks the selector that decides it, with the caller's ``Scope``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from ..selectors import registry_allowed
from .selectors import api_certificates_allowed


class HasGeographicScope(BasePermission):
    """Ministry officials (their country or region), site administrators (their partner site's country) and
    superusers, as for the certificate registry."""

    message = _("Only ministry officials, site administrators and superusers may read teachers' records.")

    def has_permission(self, request, view) -> bool:
        return registry_allowed(view.get_scope())


class MayListCertificates(BasePermission):
    """Whoever has a geographic scope, and trainers (the certificates of their own courses and events)."""

    message = _("Only ministry officials, site administrators, trainers and superusers may list certificates.")

    def has_permission(self, request, view) -> bool:
        return api_certificates_allowed(request.user, view.get_scope())
