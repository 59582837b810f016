"""The unique constraint and the indexes of the audit entries' countries, built after 0008 filled the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_audit_entry_countries"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="auditentrycountry",
            constraint=models.UniqueConstraint(fields=("entry", "country"), name="accounts_auditcountry_unique"),
        ),
        migrations.AddIndex(
            model_name="auditentrycountry",
            index=models.Index(fields=["country", "-created_at", "-entry"], name="accounts_auditcountry_new"),
        ),
        migrations.AddIndex(
            model_name="auditentrycountry",
            index=models.Index(
                fields=["country", "action", "-created_at", "-entry"], name="accounts_auditcountry_action"
            ),
        ),
    ]
