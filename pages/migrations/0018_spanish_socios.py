# One Spanish word for GenMig's partners: "socios" (the texts loaded with the site said
# "asociados" in some places). Editors' Spanish texts are changed word for word; the search
# index is emptied so that it is built again, with the new words, once migrations end.

import re

from django.db import migrations

WORD = re.compile(r"\b([Aa])sociad(o|a|os|as)\b")
FIELDS = {
    ("pages", "Page"): ["title_es", "nav_title_es", "summary_es", "body_es"],
    ("pages", "Resource"): ["title_es", "summary_es"],
    ("pages", "Update"): ["title_es", "summary_es", "body_es"],
    ("partners", "Benefit"): ["text_es"],
    ("partners", "Partner"): ["description_es"],
}


def socios(text):
    return WORD.sub(lambda m: ("S" if m[1] == "A" else "s") + "oci" + m[2], text)


def to_socios(apps, schema_editor):
    for (app, name), fields in FIELDS.items():
        model = apps.get_model(app, name)
        for row in model.objects.all():
            updates = {
                field: socios(getattr(row, field))
                for field in fields
                if getattr(row, field) and WORD.search(getattr(row, field))
            }
            if updates:
                model.objects.filter(pk=row.pk).update(**updates)


class Migration(migrations.Migration):
    # The Spanish texts changed: the index is rebuilt after migrate (pages/search/indexing.py).
    rebuilds_search_index = True
    dependencies = [
        ("pages", "0017_site_settings_embed_video"),
        ("partners", "0014_partner_country_field"),
    ]

    operations = [migrations.RunPython(to_socios, migrations.RunPython.noop)]
