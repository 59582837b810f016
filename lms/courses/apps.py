from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "lms.courses"
    label = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from webinars.signals import attendance_marked

        from . import attendance

        # Attendance at a live session completes the course activities that stand for it.
        attendance_marked.connect(attendance.on_attendance_marked, dispatch_uid="courses-session-attendance")

        from certificates.subjects import subject_provider_register

        from .certificates import trainer_subject_keys

        # A trainer sees the certificates of her courses and workshops (certificates knows only subject keys).
        subject_provider_register(trainer_subject_keys)

        from accounts.personal_data import register

        from .personal_data import CoursesPersonalData

        # Her enrollments and progress in "Download my data"; anonymised when she deletes her account.
        register(CoursesPersonalData())
