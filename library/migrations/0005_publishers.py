"""Publishers may do all that content editors may: the library too."""

from django.db import migrations

from genmig.groups import grant

PERMISSIONS = {
    "library": {
        "picture": ["add", "change", "delete", "view"],
        "document": ["add", "change", "delete", "view"],
    }
}


def allow_publishers(apps, schema_editor):
    grant(apps, "Publishers", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_picture_kind"),
        ("drafts", "0003_review_emails"),
    ]

    operations = [migrations.RunPython(allow_publishers, migrations.RunPython.noop)]
