from django.contrib import admin

from .models import Activity, Announcement, Cohort, Course, Enrollment, Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug"]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["position", "kind", "required", "is_active", "titles"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "enrollment_mode", "format", "enrolled_count", "is_listed", "published_at"]
    list_filter = ["enrollment_mode", "format", "is_listed", "subject"]
    search_fields = ["title", "search_text"]
    filter_horizontal = ["trainers", "prerequisites", "competencies"]
    readonly_fields = ["uuid", "languages", "enrolled_count", "is_listed", "published_at", "created_at"]
    inlines = [ActivityInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "institution", "created_at"]
    search_fields = ["name"]
    autocomplete_fields = ["country", "region", "institution", "members"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "status", "source", "created_at", "completed_at"]
    list_filter = ["status", "source"]
    search_fields = ["user__full_name", "user__email", "course__title"]
    raw_id_fields = ["user", "course", "cohort", "enrolled_by", "last_activity"]
    list_select_related = ["user", "course"]
    readonly_fields = ["completed_at"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["subject", "course", "author", "created_at"]
    raw_id_fields = ["course", "author"]
