from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("webinars", "0002_session_steps_in_lms"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
