from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from accounts.personal_data import register

        from .personal_data import CertificatesPersonalData

        # Her certificates in "Download my data"; anonymised (or deleted) when she deletes her account.
        register(CertificatesPersonalData())
