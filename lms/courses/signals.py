from django.dispatch import Signal

# Sent after commit when an enrollment is completed for the first time: sender=Enrollment, enrollment=...
course_completed = Signal()
