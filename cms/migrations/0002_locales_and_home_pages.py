from django.db import migrations


def create_site(apps, schema_editor):
    from cms.setup import ensure_site

    ensure_site(apps, sections=[])  # the section pages come with their models, in later migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_site, migrations.RunPython.noop)]
