from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from accounts.models import User
        from certificates.models import Certificate
        from lms.courses.models import Enrollment
        from webinars.models import Attendance

        from . import signals

        for model, receiver in (
            (User, signals.teacher_changed),
            (Enrollment, signals.enrollment_changed),
            (Certificate, signals.certificate_changed),
            (Attendance, signals.attendance_changed),
        ):
            post_save.connect(receiver, sender=model, dispatch_uid=f"reports-{model.__name__}-saved")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"reports-{model.__name__}-deleted")
