# The vocabulary of the indexed texts, for spelling suggestions (pages/search/spelling.py).
# PostgreSQL: a trigram index on the words (GiST, read nearest first). SQLite: an FTS5 table
# of the words' trigrams, kept in step by triggers. The search index is built anew right after
# migrate (pages.search.index_after_migrate): texts keep their headings and list items apart,
# and the vocabulary is filled.

from django.db import migrations, models

# The trigram index on titles, which suggestions read until now, is no longer read.
POSTGRES = [
    "CREATE INDEX pages_searchword_trgm ON pages_searchword USING gist (word gist_trgm_ops)",
    "DROP INDEX IF EXISTS pages_searchdocument_title_trgm",
]
POSTGRES_REVERSE = [
    "CREATE INDEX IF NOT EXISTS pages_searchdocument_title_trgm ON pages_searchdocument"
    " USING gist (title gist_trgm_ops)",
    "DROP INDEX IF EXISTS pages_searchword_trgm",
]
# The words with their ends marked ("^^word$"), so that a short word shares trigrams with
# its misspellings; contentless, the words themselves being in pages_searchword.
SQLITE = [
    "CREATE VIRTUAL TABLE pages_searchword_trigrams USING fts5("
    "word, content='', tokenize='trigram')",
    "CREATE TRIGGER pages_searchword_trigrams_insert AFTER INSERT ON pages_searchword BEGIN"
    " INSERT INTO pages_searchword_trigrams(rowid, word) VALUES (new.id, '^^' || new.word || '$');"
    " END",
    "CREATE TRIGGER pages_searchword_trigrams_delete AFTER DELETE ON pages_searchword BEGIN"
    " INSERT INTO pages_searchword_trigrams(pages_searchword_trigrams, rowid, word)"
    " VALUES ('delete', old.id, '^^' || old.word || '$'); END",
    "CREATE TRIGGER pages_searchword_trigrams_update AFTER UPDATE ON pages_searchword BEGIN"
    " INSERT INTO pages_searchword_trigrams(pages_searchword_trigrams, rowid, word)"
    " VALUES ('delete', old.id, '^^' || old.word || '$');"
    " INSERT INTO pages_searchword_trigrams(rowid, word) VALUES (new.id, '^^' || new.word || '$');"
    " END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS pages_searchword_trigrams_update",
    "DROP TRIGGER IF EXISTS pages_searchword_trigrams_delete",
    "DROP TRIGGER IF EXISTS pages_searchword_trigrams_insert",
    "DROP TABLE IF EXISTS pages_searchword_trigrams",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    # The index is rebuilt after migrate, with the word list and the new excerpts, in one
    # transaction: search answers from the old index meanwhile (pages/search/indexing.py).
    rebuilds_search_index = True
    dependencies = [
        ("pages", "0021_library_references"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=8, verbose_name="searched in")),
                (
                    "text_language",
                    models.CharField(max_length=8, verbose_name="language of the text"),
                ),
                ("word", models.CharField(max_length=40, verbose_name="word")),
                ("term", models.CharField(max_length=40, verbose_name="stem")),
            ],
            options={
                "verbose_name": "search vocabulary word",
                "verbose_name_plural": "search vocabulary words",
                "ordering": ["language", "word"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("language", "text_language", "word"),
                        name="one_search_word_per_language",
                    )
                ],
            },
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
