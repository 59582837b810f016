from django.db import migrations


def create_collection(apps, schema_editor):
    from cms.setup import ensure_submissions_collection

    ensure_submissions_collection(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_trainer_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_collection, migrations.RunPython.noop)]
