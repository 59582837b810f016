from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebinarsConfig(AppConfig):
    name = "webinars"
    label = "webinars"
    verbose_name = _("Webinars")

    def ready(self):
        from accounts.personal_data import register

        from .personal_data import WebinarsPersonalData

        # Her registrations, attendance and calendar feed in "Download my data"; erased with her account.
        register(WebinarsPersonalData())
