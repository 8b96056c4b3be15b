"""The “Publishers” group: what Content editors may do, and approve and publish their drafts.

Both groups may read the list of drafts.
"""

from django.db import migrations

from genmig.groups import grant

GROUP = "Publishers"
EDITORS = "Content editors"
DRAFTS = {"drafts": {"draft": ["view"]}}


def create_group(apps, schema_editor):
    grant(apps, GROUP, DRAFTS)
    grant(apps, EDITORS, DRAFTS)
    Group = apps.get_model("auth", "Group")
    publishers = Group.objects.get(name=GROUP)
    publishers.permissions.add(*Group.objects.get(name=EDITORS).permissions.all())


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="drafts", codename="view_draft")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0001_drafts"),
        # Publishers get all that Content editors may do, the library included.
        ("library", "0003_content_editors"),
        ("pages", "0016_search_title_words_index"),
        ("partners", "0012_cache_recent_submissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
