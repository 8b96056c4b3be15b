"""Indexing: one SearchDocument an item and language, kept in step with saves and deletes."""

import html
import re

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Value
from django.utils import translation
from django.utils.html import strip_tags

from genmig.cache import new_generation

from ..markdown import render_markdown
from ..models import Page, Resource, SearchDocument, SearchWord, Update
from .query import CONTROL, POSTGRES_CONFIGS, stem
from .spelling import lowered_words, vocabulary


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


# Elements that start or end a block of text: a heading, a paragraph, an item of a list, a
# cell of a table, a quotation.
BLOCK_TAG = re.compile(
    r"</?(?:h[1-6]|p|li|ul|ol|dl|dt|dd|blockquote|pre|table|thead|tbody|tr|th|td|div|"
    r"figure|figcaption|section|hr|br)\b[^>]*>",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?:;…]$")
BLOCK_SEPARATOR = " · "


def blocks(*texts):
    """Plain text of texts that may hold markup (rendered Markdown), each block kept apart:
    a block that ends a sentence is followed by a space, any other (a heading, an item of a
    list) by " · ", so that "Heading" and "Text of an item" never run together."""
    marked = "\n".join(BLOCK_TAG.sub("\n", re.sub(r"\s+", " ", text)) for text in texts if text)
    pieces = [piece.strip() for piece in plain(marked).split("\n")]
    pieces = [piece for piece in pieces if piece]
    return "".join(
        piece
        + ("" if i == len(pieces) - 1 else " " if SENTENCE_END.search(piece) else BLOCK_SEPARATOR)
        for i, piece in enumerate(pieces)
    )


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
    return plain(title), blocks(*parts), date, text_language


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
        title_words, body_words = lowered_words(document.title), lowered_words(body)
        if connection.vendor == "postgresql":
            document.vector = vector(document.title, body, text_language)
        else:
            document.title_terms = " ".join(stem(w, text_language) for w in title_words)
            document.body_terms = " ".join(stem(w, text_language) for w in body_words)
        # Not stored with the document: added to the vocabulary (add_words).
        document.words = vocabulary(title_words, body_words)
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


def add_words(documents, known=None):
    """Add the words of the documents to the vocabulary of their searched language, with
    their stems in the language of the text; `known`, the words already added, spares
    sending them again."""
    known = {} if known is None else known
    words = {}
    for document in documents:
        key = (document.language, document.text_language)
        words.setdefault(key, set()).update(document.words)
    new = []
    for (language, text_language), found in sorted(words.items()):
        seen = known.setdefault((language, text_language), set())
        new += [
            SearchWord(
                language=language,
                text_language=text_language,
                word=word,
                term=stem(word, text_language)[:40],
            )
            for word in sorted(found - seen)
        ]
        seen |= found
    SearchWord.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)


def index_object(obj):
    """Index (again) one page, update, resource or partner, in every language."""
    kind = kind_of(type(obj))
    SearchDocument.objects.filter(kind=kind, object_id=obj.pk).delete()
    documents = build_documents(kind, obj)
    SearchDocument.objects.bulk_create(documents)
    add_words(documents)


def unindex_object(model, pk):
    SearchDocument.objects.filter(kind=kind_of(model), object_id=pk).delete()


def rebuild_index(batch_size=500):
    """Build the whole index anew from every item, published or not; returns the count."""
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    count, known = 0, {}
    for kind, model in kinds().items():
        batch = []
        for obj in model.objects.order_by("pk").iterator(chunk_size=batch_size):
            batch.extend(build_documents(kind, obj))
            if len(batch) >= batch_size:
                SearchDocument.objects.bulk_create(batch)
                add_words(batch, known)
                count += len(batch)
                batch = []
        if batch:
            SearchDocument.objects.bulk_create(batch)
            add_words(batch, known)
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


def index_after_migrate(using="default", plan=None, **kwargs):
    """After migrate: index existing content the first time (the migration adds the index),
    and again after a migration that changes what is indexed (`rebuilds_search_index`). The
    index is rebuilt in one transaction, so that search keeps answering from the old one
    until the new one is whole."""
    applied = [migration for migration, backwards in plan or [] if not backwards]
    wanted = any(getattr(migration, "rebuilds_search_index", False) for migration in applied)
    if wanted or not SearchDocument.objects.using(using).exists():
        with transaction.atomic(using=using):
            rebuild_index()
