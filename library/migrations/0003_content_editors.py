from django.db import migrations

from genmig.groups import grant

PERMISSIONS = {
    "library": {
        "picture": ["add", "change", "delete", "view"],
        "document": ["add", "change", "delete", "view"],
    }
}


def allow_editors(apps, schema_editor):
    grant(apps, "Content editors", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_existing_uploads"),
        ("partners", "0003_content_editors_group"),
    ]

    operations = [migrations.RunPython(allow_editors, migrations.RunPython.noop)]
