"""What a release's migrations leave for the workers still running the release before it:
a column added for the new code has a default in the database, so the old code's inserts,
which do not name it, still store what visitors send."""

import pytest
from django.contrib.auth.models import Group
from django.db.models.sql import InsertQuery

from partners.models import Enquiry


@pytest.mark.django_db
def test_an_enquiry_stored_without_the_note_column_is_kept_with_an_empty_note():
    enquiry = Enquiry(topic="other", name="Amina", email="amina@example.org", message="Hello")
    known_before = [f for f in Enquiry._meta.concrete_fields if f.name not in ("id", "note")]
    for field in known_before:
        field.pre_save(enquiry, add=True)
    query = InsertQuery(Enquiry)
    query.insert_values(known_before, [enquiry])
    sql, _params = query.get_compiler("default").as_sql()[0]
    assert '"note"' not in sql
    query.get_compiler("default").execute_sql()
    stored = Enquiry.objects.get(email="amina@example.org")
    assert stored.note == "" and stored.message == "Hello"


@pytest.mark.django_db
def test_publishers_may_do_all_that_content_editors_may():
    editors = set(Group.objects.get(name="Content editors").permissions.all())
    publishers = set(Group.objects.get(name="Publishers").permissions.all())
    assert editors and editors <= publishers
    assert {"add_picture", "change_document"} <= {p.codename for p in publishers}


@pytest.mark.django_db
def test_a_migration_that_changes_the_index_rebuilds_it_without_emptying_it_first():
    from django.db.migrations.loader import MigrationLoader

    from pages.models import SearchDocument, SearchWord
    from pages.search import index_after_migrate

    loader = MigrationLoader(None)
    migration = loader.get_migration("pages", "0022_search_vocabulary")
    assert migration.rebuilds_search_index
    before = SearchDocument.objects.count()
    assert before
    SearchWord.objects.all().delete()
    SearchDocument.objects.update(body="stale")
    index_after_migrate(plan=[(migration, False)])
    assert SearchDocument.objects.count() == before
    assert not SearchDocument.objects.filter(body="stale").exists()
    assert SearchWord.objects.exists()
    # Other migrations leave a whole index alone.
    SearchDocument.objects.update(body="kept")
    index_after_migrate(
        plan=[(MigrationLoader(None).get_migration("pages", "0020_link_check_run"), False)]
    )
    assert not SearchDocument.objects.exclude(body="kept").exists()
