"""The item's side of the library: a lead image or a resource file is the library's item.

A new upload goes into the library; what the item shows is then copied from the library's
row (file name, renditions), so a public page reads the item's own row alone.
"""

from pathlib import PurePath

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from pages.files import stored_values

from .models import Document, Picture


def use_library_picture(update):
    """A new upload goes into the library; the lead image is then the library's picture.

    Removing the image (the field's "clear") or the choice of picture removes both.
    """
    (previous,) = stored_values(update, "picture_id") or (None,)
    if update.image and not update.image._committed:
        picture = Picture(name=PurePath(update.image.name).name)
        picture.store(update.image, "updates/renditions", (update.slug or "update")[:50])
        update.picture = picture
    elif update.picture_id == previous and not update.image:
        update.picture = None
    elif update.picture_id is None and previous is not None:
        update.image = ""
    picture = update.picture
    if picture is None:
        if not update.image:
            update.image_renditions = {}
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


def use_library_document(resource):
    """A new upload goes into the library; the file is then the library's document.

    Removing the file (the field's "clear") or the choice of document removes both.
    """
    (previous,) = stored_values(resource, "document_id") or (None,)
    if resource.file and not resource.file._committed:
        document = Document(file=resource.file.file, title=resource.title)
        document.save()
        resource.document = document
    elif resource.document_id == previous and not resource.file:
        resource.document = None
    elif resource.document_id is None and previous is not None:
        resource.file = ""
    if resource.document is not None:
        resource.file = resource.document.file.name
