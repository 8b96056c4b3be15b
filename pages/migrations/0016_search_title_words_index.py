# PostgreSQL: a GIN index on the title's words alone (the lexemes of weight A of the stored
# vector), so that a search gathers the items matching in their title first without reading
# every match of a common word (pages/search/postgres.py). Nothing on SQLite.

from django.db import migrations

POSTGRES = [
    "CREATE INDEX pages_searchdocument_title_words ON pages_searchdocument"
    " USING gin (ts_filter(vector, '{a}'))",
    # Statistics of the indexed expression, without which the planner guesses its matches.
    "ANALYZE pages_searchdocument",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS pages_searchdocument_title_words"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0015_privacy_page"),
    ]

    operations = [migrations.RunPython(run(POSTGRES), run(POSTGRES_REVERSE))]
