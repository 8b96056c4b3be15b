"""The item's side of the library: a lead image or a resource file is the library's item.

A new upload goes into the library; what the item shows is then copied from the library's
row (file name, renditions), so a public page reads the item's own row alone. An item given
a file by other means (a version restored from the history) gets that file's library item,
one made for it if none has it.
"""

from pathlib import PurePath

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from pages.files import stored_values

from .models import Document, Picture


def _chosen(item, file_field, choice_field, model, from_upload, from_file):
    """The library item the item's file is now, after an editor's change or a restore.

    Only removing the file (the field's "clear") removes it; leaving the choice of library
    item empty keeps the file there is.
    """
    previous_choice, previous_file = stored_values(item, f"{choice_field}_id", file_field) or (
        None,
        "",
    )
    file = getattr(item, file_field)
    choice_id = getattr(item, f"{choice_field}_id")
    chosen = getattr(item, choice_field) if choice_id else None
    if file and not file._committed:
        return from_upload(item)
    if file and file.name != (previous_file or ""):
        # Given a file (a version restored): the library item that has it.
        if chosen is not None and chosen.file.name == file.name:
            return chosen
        return model.objects.filter(file=file.name).first() or from_file(item)
    if chosen is not None and choice_id != previous_choice:
        return chosen  # chosen from the library
    if not file:
        return None  # the file removed
    if chosen is not None and chosen.file.name == file.name:
        return chosen
    return model.objects.filter(file=file.name).first() or from_file(item)


def _picture_from_upload(update):
    picture = Picture(name=PurePath(update.image.name).name)
    picture.store(update.image, "updates/renditions", (update.slug or "update")[:50])
    return picture


def _picture_from_file(update):
    picture = Picture(
        file=update.image.name,
        name=PurePath(update.image.name).name,
        renditions=update.image_renditions,
    )
    picture.measure()
    return picture


def use_library_picture(update):
    """Before an update is saved: its lead image is the library's picture, and its copy."""
    picture = _chosen(update, "image", "picture", Picture, _picture_from_upload, _picture_from_file)
    update.picture = picture
    if picture is None:
        update.image, update.image_renditions = "", {}
        return
    changed = picture.pk is None
    if not update.image_decorative:
        # One description serves both: the update's, or else the one the library has.
        for code, _name in settings.LANGUAGES:
            field = build_localized_fieldname("alt", code)
            own = build_localized_fieldname("image_alt", code)
            if getattr(update, own) and not getattr(picture, field):
                setattr(picture, field, getattr(update, own))
                changed = True
            elif not getattr(update, own) and getattr(picture, field):
                setattr(update, own, getattr(picture, field))
    if changed:
        picture.save()
    update.picture = picture
    update.image, update.image_renditions = picture.file.name, picture.renditions


def _document_from_upload(resource):
    return Document(file=resource.file.file, title=resource.title)


def _document_from_file(resource):
    document = Document(file=resource.file.name, title=resource.title)
    try:
        document.size = resource.file.size
    except OSError:
        document.size = 0
    return document


def use_library_document(resource):
    """Before a resource is saved: its file is the library's document."""
    document = _chosen(
        resource, "file", "document", Document, _document_from_upload, _document_from_file
    )
    if document is not None and document.pk is None:
        document.save()
    resource.document = document
    resource.file = document.file.name if document else ""
