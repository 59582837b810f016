from django.db import migrations


def load_framework(apps, schema_editor):
    from lms.competencies.framework import ensure_framework

    ensure_framework(apps)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0001_initial")]

    operations = [migrations.RunPython(load_framework, migrations.RunPython.noop)]
