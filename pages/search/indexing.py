"""Indexing: one SearchDocument an item and language, kept in step with saves and deletes."""

import html

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Value
from django.utils import translation
from django.utils.html import strip_tags

from genmig.cache import new_generation

from ..markdown import render_markdown
from ..models import Page, Resource, SearchDocument, Update
from .query import CONTROL, POSTGRES_CONFIGS, stem_words


def kinds():
    """The models the search covers, by SearchDocument.Kind, imported late (partners app)."""
    from partners.models import Partner

    return {
        SearchDocument.Kind.PAGE: Page,
        SearchDocument.Kind.UPDATE: Update,
        SearchDocument.Kind.RESOURCE: Resource,
        SearchDocument.Kind.PARTNER: Partner,
    }


def kind_of(model):
    return next((kind for kind, m in kinds().items() if m is model), None)


def plain(text):
    """Plain words of a text that may hold markup, without control characters."""
    return CONTROL.sub(" ", html.unescape(strip_tags(text or ""))).strip()


def translated(obj, name, language):
    """The field in `language`, and the language it is really in (English when missing)."""
    value = getattr(obj, f"{name}_{language}", None)
    if value:
        return value, language
    return getattr(obj, f"{name}_{settings.LANGUAGE_CODE}", "") or "", settings.LANGUAGE_CODE


def country_name(partner, language):
    """The partner's country as visitors of `language` read it ("Kenia" in Spanish)."""
    if not partner.country:
        return ""
    with translation.override(language):
        return str(partner.country.name)


def document_fields(kind, obj, language):
    """(title, body, date, text language) of one item in one language."""
    title_field = "name" if kind == SearchDocument.Kind.PARTNER else "title"
    title, text_language = translated(obj, title_field, language)
    parts = []
    if kind == SearchDocument.Kind.PARTNER:
        parts = [translated(obj, "description", text_language)[0], country_name(obj, language)]
        date = None
    elif kind == SearchDocument.Kind.RESOURCE:
        parts = [translated(obj, "summary", text_language)[0], obj.publisher, str(obj.year)]
        date = None
    else:
        parts = [translated(obj, "summary", text_language)[0]]
        body = translated(obj, "body", text_language)[0]
        parts.append(render_markdown(body) if body else "")
        date = obj.date if kind == SearchDocument.Kind.UPDATE else None
    return plain(title), plain("\n".join(p for p in parts if p)), date, text_language


def build_documents(kind, obj):
    documents = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            url = obj.get_absolute_url()
        title, body, date, text_language = document_fields(kind, obj, language)
        document = SearchDocument(
            kind=kind,
            object_id=obj.pk,
            language=language,
            text_language=text_language,
            title=title[:300],
            body=body,
            url=url[:300],
            date=date,
        )
        if connection.vendor == "postgresql":
            document.vector = vector(document.title, body, text_language)
        else:
            document.title_terms = " ".join(stem_words(title, text_language))
            document.body_terms = " ".join(stem_words(body, text_language))
        documents.append(document)
    return documents


def vector(title, body, language):
    """The weighted tsvector of a title and text, computed by PostgreSQL as the row is
    inserted (an UPDATE afterwards wrote every row twice, leaving the table twice its
    size until vacuumed)."""
    from django.contrib.postgres.search import SearchVector

    config = POSTGRES_CONFIGS.get(language, "simple")
    return SearchVector(Value(title), weight="A", config=config) + SearchVector(
        Value(body), weight="B", config=config
    )


def index_object(obj):
    """Index (again) one page, update, resource or partner, in every language."""
    kind = kind_of(type(obj))
    SearchDocument.objects.filter(kind=kind, object_id=obj.pk).delete()
    SearchDocument.objects.bulk_create(build_documents(kind, obj))


def unindex_object(model, pk):
    SearchDocument.objects.filter(kind=kind_of(model), object_id=pk).delete()


def rebuild_index(batch_size=500):
    """Build the whole index anew from every item, published or not; returns the count."""
    SearchDocument.objects.all().delete()
    count = 0
    for kind, model in kinds().items():
        batch = []
        for obj in model.objects.order_by("pk").iterator(chunk_size=batch_size):
            batch.extend(build_documents(kind, obj))
            if len(batch) >= batch_size:
                SearchDocument.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            SearchDocument.objects.bulk_create(batch)
            count += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # statistics for the planner: the table is new
            cursor.execute("ANALYZE pages_searchdocument")
    # bulk_create sends no signal: cached results pages are made stale here.
    new_generation()
    transaction.on_commit(new_generation, robust=True)
    return count


def object_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(instance)


def object_deleted(sender, instance, **kwargs):
    unindex_object(sender, instance.pk)


def index_if_empty(using="default", **kwargs):
    """After migrate: index existing content the first time (the migration adds the index)."""
    if not SearchDocument.objects.using(using).exists():
        rebuild_index()
