from django.db import migrations


def grant(apps, schema_editor):
    from cms.setup import ensure_trainer_permissions

    ensure_trainer_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_library_pages"),
        ("accounts", "0003_role_groups"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
