"""The one site settings record, and the editors' right to edit resources, updates and it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "resource": ["add", "change", "delete", "view"],
    "update": ["add", "change", "delete", "view"],
    "sitesettings": ["change", "view"],
}


def forwards(apps, schema_editor):
    apps.get_model("pages", "SiteSettings").objects.get_or_create(pk=1)
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Content editors")
    for model, actions in PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="pages",
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_resources_updates_sitesettings"),
        ("partners", "0003_content_editors_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
