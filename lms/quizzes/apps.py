from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "lms.quizzes"
    label = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from accounts.personal_data import register

        from .personal_data import QuizzesPersonalData

        # Her attempts and answers in "Download my data"; her own words erased with her account.
        register(QuizzesPersonalData())
