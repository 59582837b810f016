from . import views, views_attendance, views_calendar, views_manage

app_name = "webinars"

urlpatterns = [
    # Public and learner pages (views): the list of events, an event, registering and cancelling, joining.
    *views.urlpatterns,
    # Calendars (views_calendar): an event's .ics file, the private feed and its renewal.
    *views_calendar.urlpatterns,
    # Trainers (views_manage): their events, sessions, participants, the waiting list, exports.
    *views_manage.urlpatterns,
    # Trainers (views_attendance): the roster of a session, attendance from the meeting, the sign-in sheet.
    *views_attendance.urlpatterns,
]
