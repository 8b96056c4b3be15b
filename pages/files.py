"""Uploaded files: what may be uploaded, their names, and removing files that nothing refers to
any more: no item, and no version kept in the history (which may bring the file back).
"""

import hashlib
import json
import logging
import struct
from pathlib import PurePath

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from .pictures import open_picture, picture_format

logger = logging.getLogger(__name__)

MAX_PDF_BYTES = 20 * 1024 * 1024
# What Pillow's readers raise, besides OSError, on data that does not follow the format.
PILLOW_ERRORS = (TypeError, IndexError, KeyError, ZeroDivisionError, struct.error)


def file_names_of(model, values):
    """Every stored file that a row of `model` with these values ({field name: value}) names.

    A model whose files are also named elsewhere than in its file fields (the renditions of a
    lead image) says so with `other_file_names(values)`.
    """
    names = set()
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            value = values.get(field.attname)
            if name := getattr(value, "name", value):
                names.add(name)
    if hasattr(model, "other_file_names"):
        names |= model.other_file_names(values)
    return names


def models_with_files():
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "other_file_names")
        or any(isinstance(field, models.FileField) for field in model._meta.concrete_fields)
    ]


def _spellings(name):
    """How a file name can be written inside JSON text: as it is, or with \\u escapes."""
    return {json.dumps(name, ensure_ascii=False)[1:-1], json.dumps(name)[1:-1]}


# Names looked for in one query: the text of every version is searched once for all of them.
NAMES_PER_QUERY = 50


def _chunks(names):
    names = sorted(names)
    for start in range(0, len(names), NAMES_PER_QUERY):
        yield set(names[start : start + NAMES_PER_QUERY])


def _rows_naming_any(names):
    """(model, primary key, which of `names` it names) of every item naming some of them."""
    if not names:
        return
    for model in models_with_files():
        condition = models.Q()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                condition |= models.Q(**{f"{field.attname}__in": names})
        rows = model._default_manager.all()
        for field_name in getattr(model, "other_file_fields", ()):
            # A JSON field: its text is searched, and each row found is read to be sure.
            rows = rows.annotate(**{f"{field_name}_text": Cast(field_name, models.TextField())})
            for name in names:
                for spelling in _spellings(name):
                    condition |= models.Q(**{f"{field_name}_text__contains": spelling})
        for row in rows.filter(condition):
            values = {field.attname: getattr(row, field.attname) for field in model._meta.fields}
            if found := file_names_of(model, values) & names:
                yield model, row.pk, found


def rows_naming(name):
    """(model, primary key) of every item whose files include `name`."""
    return [(model, pk) for model, pk, _found in _rows_naming_any({name})]


def version_file_names(version):
    """Every stored file that a version kept in the history names."""
    model = version.content_type.model_class()
    if model is None or model not in models_with_files():
        return set()
    try:
        (record,) = json.loads(version.serialized_data)
    except (ValueError, TypeError):
        return set()
    return file_names_of(model, record.get("fields", {}))


def _named_by_versions(names):
    from django.contrib.contenttypes.models import ContentType
    from reversion.models import Version

    if not names:
        return set()
    condition = models.Q()
    for name in names:
        for spelling in _spellings(name):
            condition |= models.Q(serialized_data__contains=spelling)
    kinds = ContentType.objects.get_for_models(*models_with_files()).values()
    candidates = Version.objects.filter(condition, content_type__in=kinds, format="json")
    named = set()
    for version in candidates.select_related("content_type").iterator():
        named |= version_file_names(version) & names
    return named


def still_named(names):
    """Those of the file names that an item or a version kept in the history names."""
    named = set()
    for chunk in _chunks(set(names)):
        for _model, _pk, found in _rows_naming_any(chunk):
            named |= found
        named |= _named_by_versions(chunk - named)
    return named


def delete_unnamed_files(storage, names):
    """Remove the files that no item and no version in the history names; returns those.

    A file the storage fails to remove (object storage not answering, a permission) is left
    as an orphan and logged.
    """
    removed = []
    for name in sorted(set(names) - still_named(names)):
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not remove the upload %s, which nothing refers to now", name)
        else:
            removed.append(name)
    return removed


def delete_files_after_commit(storage, names):
    """Remove replaced or orphaned uploads, once the change that orphaned them is saved.

    A file that a version kept in the history names stays, so that restoring or recovering
    that version brings it back; it goes when the last such version is pruned
    (`prune_versions`). The change is saved by then: a file that cannot be removed is left
    and logged, not an error page.
    """
    names = set(names)
    if not names:
        return

    def remove():
        try:
            delete_unnamed_files(storage, names)
        except Exception:
            logger.exception("Could not tell whether the uploads %s are still used", names)

    transaction.on_commit(remove)


def delete_file_after_commit(storage, name):
    delete_files_after_commit(storage, {name})


def content_hashed_name(upload):
    """`report.pdf` becomes `report-<hash of its content>.pdf`.

    Uploads are served as immutable for a year; a replaced document must get a new address,
    or browsers and proxies keep showing the old one under the name they already have.
    """
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name)
    return f"{name.stem[:80]}-{digest.hexdigest()[:12]}{name.suffix.lower()}"


def hash_new_upload(instance, field_name):
    """Before a save: give a newly uploaded file of the field its content-hashed name."""
    file = getattr(instance, field_name)
    if file and not file._committed:
        file.name = content_hashed_name(file.file)


def stored_file_name(instance, field_name):
    """The file the database row refers to now, before a save replaces it."""
    if instance.pk is None:
        return None
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    return rows.values_list(field_name, flat=True).first()


def stored_values(instance, *field_names):
    """What the database row holds now for these fields, before a save changes them."""
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values_list(*field_names).first()


def delete_if_replaced(instance, field_name, previous_name):
    """After a save: remove the file the row referred to before, if it no longer does."""
    current = getattr(instance, field_name)
    if previous_name and previous_name != current.name:
        delete_file_after_commit(current.storage, previous_name)


def delete_files_with_rows(model, *field_names):
    """Remove a model's uploads when its rows are deleted, one by one or a queryset at once."""

    def remove(sender, instance, **kwargs):
        for field_name in field_names:
            file = getattr(instance, field_name)
            if file:
                delete_file_after_commit(file.storage, file.name)

    post_delete.connect(
        remove, sender=model, weak=False, dispatch_uid=f"delete-files:{model._meta.label}"
    )


def validate_pdf(file):
    """Accept a PDF document of at most 20 MB, judged by its content, not its name."""
    if file.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the largest accepted is 20 MB."),
            code="too_large",
            params={"size": file.size / 1024 / 1024},
        )
    position = file.tell()
    file.seek(0)
    header = file.read(5)
    file.seek(position)
    if header != b"%PDF-" or not file.name.lower().endswith(".pdf"):
        raise ValidationError(
            _("Upload a PDF document (a file ending in .pdf); other formats are not accepted."),
            code="not_pdf",
        )


def read_image(file, accepted_formats, max_pixels, fit):
    """Read an uploaded image as storing it will: (format, width, height).

    An image of an accepted format and size is decoded in full, as storing it will (upright,
    in sRGB, at the scale `fit` needs; pages/pictures.py), so a file cut short or damaged past
    its header is found here, not on saving. The format is None for anything the site cannot
    read; all three are None for a decompression bomb, which Pillow refuses to open at all.
    A JPEG with a second picture inside (MPO) counts as the JPEG it is. The file is left
    where it was.
    """
    position = file.tell() if hasattr(file, "tell") else 0
    image_format, width, height = None, 0, 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = picture_format(image)
            width, height = image.size
        if image_format in accepted_formats and width * height <= max_pixels:
            open_picture(file, fit)
    except Image.DecompressionBombError:
        return None, None, None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) + PILLOW_ERRORS:
        image_format = None
    finally:
        file.seek(position)
    return image_format, width, height
