"""The “Enquiry handlers” group: may read enquiries and mark them handled or spam.

Content editors are given nothing on enquiries, so they never see them.
"""

from django.db import migrations

from genmig.groups import grant

GROUP = "Enquiry handlers"
PERMISSIONS = {"partners": {"enquiry": ["change", "view"]}}


def create_group(apps, schema_editor):
    grant(apps, GROUP, PERMISSIONS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_enquiry"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
