from . import views, views_calendar

app_name = "webinars"

urlpatterns = [
    # Public and learner pages (views): the list of events, an event, registering and cancelling.
    *views.urlpatterns,
    # Calendars (views_calendar): an event's .ics file, the private feed and its renewal.
    *views_calendar.urlpatterns,
]
