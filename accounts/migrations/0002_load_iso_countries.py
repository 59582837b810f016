from django.db import migrations


def load_countries(apps, schema_editor):
    from accounts.setup import ensure_countries

    ensure_countries(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
