from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One published-or-not item as the site search sees it in one language (pages/search/).

    Kept up to date by signals on every save and delete; `manage.py rebuild_search_index`
    builds it anew. Whether a visitor may find an item is decided when searching, through its
    model's `published()`, never here.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        UPDATE = "update", _("Update")
        RESOURCE = "resource", _("Resource")
        PARTNER = "partner", _("Partner")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("item"))
    language = models.CharField(_("searched in"), max_length=8)
    text_language = models.CharField(
        _("language of the text"),
        max_length=8,
        help_text=_("The searched language, or English while the item is not translated."),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    # SQLite: the stemmed words, which the FTS5 table (migration 0009) indexes.
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # PostgreSQL: the weighted text-search vector, under a GIN index (migration 0009).
    vector = SearchVectorField(null=True)

    class Meta:
        ordering = ["kind", "object_id", "language"]
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="one_search_document_per_language"
            )
        ]
        indexes = [models.Index(fields=["language", "kind", "object_id"])]

    def __str__(self):
        return f"{self.title} ({self.language})"


class SearchWord(models.Model):
    """A word of the indexed texts under one searched language, as written (lower-cased),
    with the language of those texts and its stem there: the vocabulary that spelling
    suggestions are drawn from (pages/search/spelling.py).

    Filled as items are indexed and built anew with the index; words of items since deleted
    or unpublished may remain, so a word is suggested only if a published item has it.
    """

    language = models.CharField(_("searched in"), max_length=8)
    text_language = models.CharField(_("language of the text"), max_length=8)
    word = models.CharField(_("word"), max_length=40)
    term = models.CharField(_("stem"), max_length=40)

    class Meta:
        ordering = ["language", "word"]
        verbose_name = _("search vocabulary word")
        verbose_name_plural = _("search vocabulary words")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "text_language", "word"], name="one_search_word_per_language"
            )
        ]

    def __str__(self):
        return f"{self.word} ({self.language})"
