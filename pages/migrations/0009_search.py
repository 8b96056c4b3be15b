# The site search index: the table both databases use, then what each database searches with.
# PostgreSQL: the pg_trgm extension, a GIN index on the stored tsvector and a trigram index
# on titles (GiST, read nearest first for spelling suggestions). SQLite: an FTS5 table over
# the stemmed words, kept in step by triggers.

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX pages_searchdocument_vector ON pages_searchdocument USING gin (vector)",
    "CREATE INDEX pages_searchdocument_title_trgm ON pages_searchdocument"
    " USING gist (title gist_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS pages_searchdocument_title_trgm",
    "DROP INDEX IF EXISTS pages_searchdocument_vector",
]
SQLITE = [
    "CREATE VIRTUAL TABLE pages_searchdocument_fts USING fts5("
    "title_terms, body_terms, content='pages_searchdocument', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER pages_searchdocument_fts_insert AFTER INSERT ON pages_searchdocument BEGIN"
    " INSERT INTO pages_searchdocument_fts(rowid, title_terms, body_terms)"
    " VALUES (new.id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER pages_searchdocument_fts_delete AFTER DELETE ON pages_searchdocument BEGIN"
    " INSERT INTO pages_searchdocument_fts(pages_searchdocument_fts, rowid, title_terms, body_terms)"
    " VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER pages_searchdocument_fts_update AFTER UPDATE ON pages_searchdocument BEGIN"
    " INSERT INTO pages_searchdocument_fts(pages_searchdocument_fts, rowid, title_terms, body_terms)"
    " VALUES ('delete', old.id, old.title_terms, old.body_terms);"
    " INSERT INTO pages_searchdocument_fts(rowid, title_terms, body_terms)"
    " VALUES (new.id, new.title_terms, new.body_terms); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS pages_searchdocument_fts_update",
    "DROP TRIGGER IF EXISTS pages_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS pages_searchdocument_fts_insert",
    "DROP TABLE IF EXISTS pages_searchdocument_fts",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0008_schedule"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("page", "Page"),
                            ("update", "Update"),
                            ("resource", "Resource"),
                            ("partner", "Partner"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField(verbose_name="item")),
                ("language", models.CharField(max_length=8, verbose_name="searched in")),
                (
                    "text_language",
                    models.CharField(
                        help_text="The searched language, or English while the item is not translated.",
                        max_length=8,
                        verbose_name="language of the text",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("body", models.TextField(blank=True, verbose_name="text")),
                ("url", models.CharField(max_length=300, verbose_name="address")),
                ("date", models.DateField(blank=True, null=True, verbose_name="date")),
                ("title_terms", models.TextField(blank=True)),
                ("body_terms", models.TextField(blank=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index entries",
                "ordering": ["kind", "object_id", "language"],
                "indexes": [
                    models.Index(
                        fields=["language", "kind", "object_id"],
                        name="pages_searc_languag_cf7089_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id", "language"),
                        name="one_search_document_per_language",
                    )
                ],
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
