# A session step's sessions move from ``webinars.Session.activity_key`` (one key per session) to
# ``Activity.sessions`` (a session may be the step of several lessons and courses). The links are copied before
# webinars drops the key (``run_before``: webinars does not know lms, so the order is stated here).

from django.db import migrations, models


def copy_links(apps, schema_editor):
    Activity = apps.get_model("courses", "Activity")
    Session = apps.get_model("webinars", "Session")
    for session in Session.objects.exclude(activity_key=None).iterator():
        for activity in Activity.objects.filter(translation_key=session.activity_key, kind="session"):
            activity.sessions.add(session)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("webinars", "0001_events_sessions_registrations"),
    ]
    run_before = [("webinars", "0002_session_steps_in_lms")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="sessions",
            field=models.ManyToManyField(blank=True, related_name="course_steps", to="webinars.session"),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
    ]
