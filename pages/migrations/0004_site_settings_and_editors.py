"""The one site settings record, and the editors' right to edit resources, updates and it."""

from django.db import migrations

from genmig.groups import grant

PERMISSIONS = {
    "pages": {
        "resource": ["add", "change", "delete", "view"],
        "update": ["add", "change", "delete", "view"],
        "sitesettings": ["change", "view"],
    }
}


def forwards(apps, schema_editor):
    apps.get_model("pages", "SiteSettings").objects.get_or_create(pk=1)
    grant(apps, "Content editors", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_resources_updates_sitesettings"),
        ("partners", "0003_content_editors_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
