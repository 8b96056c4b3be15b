"""The “Content editors” group: may edit pages, partners and benefits, and nothing else."""

from django.db import migrations

from genmig.groups import grant

GROUP = "Content editors"
PERMISSIONS = {
    "pages": {"page": ["add", "change", "view"]},
    "partners": {
        "partner": ["add", "change", "delete", "view"],
        "benefit": ["add", "change", "delete", "view"],
    },
}


def create_group(apps, schema_editor):
    grant(apps, GROUP, PERMISSIONS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_initial_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
