"""The library: pictures and documents uploaded once and used by any number of items.

A picture's renditions (every width and format visitors get) are made once, when it is
uploaded; the updates that show it name the same files. A file that an item uses cannot be
deleted (the items refer to it with a protected key, the texts by its number).
"""

from pathlib import PurePath

from django.conf import settings
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.signals import post_delete
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from pages.files import (
    content_hashed_name,
    delete_files_after_commit,
    delete_files_with_rows,
    validate_pdf,
)
from pages.images import rendition_names, validate_lead_image

from .rendering import logo_context, picture_context

LOGO_FOLDER = "partners/logos/"


class Picture(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo or picture")
        LOGO = "logo", _("Logo")

    file = models.FileField(
        _("image"),
        upload_to="library/",
        max_length=200,
        validators=[validate_lead_image],
        help_text=_(
            "A JPEG, PNG or WebP file of at most 10 MB, best at least 1472 pixels wide. "
            "The site makes the smaller copies itself, once."
        ),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("To find the picture again; the name of the uploaded file if left empty."),
    )
    alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it, in a sentence: "
            "“Four speakers on a panel at the Global Forum in Geneva”."
        ),
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("Who took or made it, for example “© IOM 2025 / Muse Mohammed”."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=200,
        blank=True,
        help_text=_("Under what terms the site may show it, for example “IOM, all rights”."),
    )
    # A logo is kept as one small WebP file (partners/logos.py), not in photo renditions.
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.PHOTO, editable=False
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    size = models.PositiveIntegerField(_("size"), default=0, editable=False)
    # The sizes and formats made from the image on upload: widths, names and the sharing crop.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded = models.DateTimeField(_("uploaded"), auto_now_add=True)

    # Where new pictures' renditions are stored; those of an update's form keep theirs.
    folder = "library/renditions"

    class Meta:
        ordering = ["-uploaded", "-pk"]
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")

    def __str__(self):
        return self.name or PurePath(self.file.name).name

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.store(self.file, self.folder)
        super().save(*args, **kwargs)

    # Items name the files of the library's rows too: restoring one makes no copy of them.
    library_item = True
    other_file_fields = ("renditions",)
    file_records = {"file": "renditions"}

    @staticmethod
    def other_file_names(values):
        return rendition_names(values.get("renditions"))

    def store(self, upload, folder, stem=None):
        """Make and store every rendition of an upload, once; the file kept is the largest JPEG."""
        from pages.models.updates import store_renditions

        original = PurePath(upload.name).name
        self.name = self.name or original
        stem = stem or slugify(PurePath(original).stem)[:50] or "picture"
        self.file, self.renditions = store_renditions(upload, stem, folder)
        self.measure()

    def store_logo(self, upload, stem):
        """Store an upload as a logo: one WebP file, scaled down, where partners' logos are."""
        from partners.logos import process_logo

        self.kind = self.Kind.LOGO
        self.name = self.name or PurePath(upload.name).name
        content = process_logo(upload, stem or "logo")
        self.width, self.height = get_image_dimensions(content)
        self.size = content.size
        self.renditions = {}
        self.file = default_storage.save(f"{LOGO_FOLDER}{content.name}", content)

    def measure(self):
        info = self.renditions or {}
        self.width, self.height = info.get("width"), info.get("height")
        sources = info.get("sources", {}).values()
        self.size = sum(size for entries in sources for *_n, size in entries)

    @property
    def as_image(self):
        """What templates need to show the picture, from the row alone: no file is opened."""
        if self.kind == self.Kind.LOGO:
            return logo_context(self.file, self.width, self.height, self.alt)
        return picture_context(self.file.storage, self.file, self.renditions, self.alt)


def _delete_picture_files(sender, instance, **kwargs):
    names = rendition_names(instance.renditions) | (
        {instance.file.name} if instance.file else set()
    )
    delete_files_after_commit(default_storage, names)


post_delete.connect(_delete_picture_files, sender=Picture, dispatch_uid="delete-library-pictures")


class Document(models.Model):
    file = models.FileField(
        _("PDF file"),
        upload_to="resources/",
        max_length=200,
        validators=[validate_pdf],
        help_text=_("A PDF of at most 20 MB."),
    )
    title = models.CharField(_("title"), max_length=250)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the document is written in."),
    )
    size = models.PositiveIntegerField(_("size"), default=0, editable=False)
    uploaded = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    library_item = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.size = self.file.size
            self.file.name = content_hashed_name(self.file.file)
        super().save(*args, **kwargs)


delete_files_with_rows(Document, "file")
