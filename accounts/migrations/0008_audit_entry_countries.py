"""The countries each audit entry concerns, copied onto the entry (decision record 0013), and filled for the entries
written before.

The table is filled before its unique constraint and indexes are built (faster on a long log), in the next
migration: PostgreSQL does not alter a table in the transaction that wrote rows to it with deferred foreign-key
checks. The entries written before this migration did not record their countries: they are reconstructed from the
actors' role grants and the subjects' countries as they are now, which is the best reconstruction available (a role
granted or withdrawn, or a teacher who moved, since the entry was written is not reflected). One INSERT … SELECT, the
same SQL on SQLite and PostgreSQL; UNION removes duplicates (an actor with two roles in one country, a subject of her
own country)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    quote = schema_editor.connection.ops.quote_name
    table = {
        name: quote(apps.get_model("accounts", name)._meta.db_table)
        for name in ("AuditEntry", "AuditEntryCountry", "RoleGrant", "PartnerSite", "User")
    }
    schema_editor.execute(
        f"INSERT INTO {table['AuditEntryCountry']} (entry_id, country_id, action, created_at) "  # noqa: S608 (table names only)
        f"SELECT e.id, g.country_id, e.action, e.created_at FROM {table['AuditEntry']} e "
        f"JOIN {table['RoleGrant']} g ON g.user_id = e.actor_id WHERE g.country_id IS NOT NULL "
        "UNION "
        f"SELECT e.id, p.country_id, e.action, e.created_at FROM {table['AuditEntry']} e "
        f"JOIN {table['RoleGrant']} g ON g.user_id = e.actor_id "
        f"JOIN {table['PartnerSite']} p ON p.id = g.partner_site_id "
        "UNION "
        f"SELECT e.id, u.country_id, e.action, e.created_at FROM {table['AuditEntry']} e "
        f"JOIN {table['User']} u ON u.id = e.subject_id WHERE u.country_id IS NOT NULL"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_auditentry_action_new"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEntryCountry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(max_length=40, verbose_name="action")),
                ("created_at", models.DateTimeField(verbose_name="when")),
                (
                    "country",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.country",
                        verbose_name="country",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="countries",
                        to="accounts.auditentry",
                        verbose_name="audit entry",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit entry country",
                "verbose_name_plural": "audit entry countries",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
