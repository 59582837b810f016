from django.contrib import admin

from .models import Job

SECRET_FIELDS = ["args", "kwargs", "result"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task_name", "status", "created_at", "published_at", "finished_at", "runs", "publish_attempts"]
    list_filter = ["status", "task_name"]
    search_fields = ["id", "task_name", "label"]
    # Arguments and results may hold personal data or one-time passwords: not shown to staff.
    exclude = SECRET_FIELDS
    readonly_fields = [field.name for field in Job._meta.fields if field.name not in SECRET_FIELDS]
    ordering = ["-created_at"]
