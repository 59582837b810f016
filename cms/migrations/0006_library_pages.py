from django.db import migrations


def create_sections(apps, schema_editor):
    from cms.setup import SECTIONS, ensure_site

    ensure_site(apps, sections=[section for section in SECTIONS if section[1] == "resourceindexpage"])


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_resource_library")]

    operations = [migrations.RunPython(create_sections, migrations.RunPython.noop)]
