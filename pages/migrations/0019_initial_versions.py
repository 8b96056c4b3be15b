# Every item of editors' content that has no version in the history gets one, so that the
# first edit of any item can be undone (pages/first_versions.py).

from django.db import migrations


def initial_versions(apps, schema_editor):
    from pages.first_versions import record_missing

    record_missing(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0018_spanish_socios"),
        ("partners", "0015_enquiry_note"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(initial_versions, migrations.RunPython.noop)]
