from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task_name", "status", "created_at", "published_at", "finished_at", "runs", "publish_attempts"]
    list_filter = ["status", "task_name"]
    search_fields = ["id", "task_name", "label"]
    readonly_fields = [field.name for field in Job._meta.fields]
    ordering = ["-created_at"]
