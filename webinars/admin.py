from django.contrib import admin

from .models import Attendance, Event, Registration, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_at", "ends_at", "status", "venue", "recording_url"]
    readonly_fields = ["status"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """For support. Trainers manage events in the site's own pages, whose services keep the places count,
    the calendar sequence and the notices right; here those fields are read-only."""

    list_display = ["title", "kind", "language", "status", "time_zone", "capacity", "confirmed_count"]
    list_filter = ["kind", "status", "language"]
    search_fields = ["title", "topic"]
    raw_id_fields = ["created_by"]
    filter_horizontal = ["trainers", "countries"]
    readonly_fields = ["uuid", "confirmed_count", "sequence", "created_at", "updated_at"]
    inlines = [SessionInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "queued_at"]
    list_filter = ["status"]
    list_select_related = ["event", "user"]
    search_fields = ["user__email", "user__username", "event__title"]
    raw_id_fields = ["event", "user", "added_by"]

    def has_change_permission(self, request, obj=None):
        return False  # places and the waiting list change only through the services

    def has_add_permission(self, request):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "attended", "source", "marked_at"]
    list_filter = ["source", "attended"]
    list_select_related = ["session", "session__event", "user"]
    raw_id_fields = ["session", "user", "marked_by"]
