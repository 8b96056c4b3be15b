"""The library's files named by drafts not yet published: a draft's lead image or file is
the library item's number in its values, a picture in its text is `[[image:N]]`.

A file a draft names is in use: deleting it would leave the draft unpublishable.
"""

from django.db import models

from .usage import SHORTCODE

FIELD_WHERE = {"picture": "lead image", "document": "file", "logo_picture": "logo"}


def _references(draft, library_model):
    """(where, number) of each library item of `library_model` that the draft names."""
    model = draft.content_type.model_class()
    if model is None:
        return []
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is library_model:
            value = draft.data.get(field.name)
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                found.append((FIELD_WHERE.get(field.name, "file"), int(value)))
    if library_model._meta.label == "library.Picture":
        for value in draft.data.values():
            if isinstance(value, str):
                found += [("text", int(number)) for number in SHORTCODE.findall(value)]
    return found


def open_drafts():
    from drafts.models import Draft

    return Draft.objects.active().select_related("content_type")


def drafts_using(item):
    """[(draft, where)] of the open drafts that name this picture or document."""
    uses = []
    for draft in open_drafts():
        for where, number in _references(draft, type(item)):
            if number == item.pk and (draft, where) not in uses:
                uses.append((draft, where))
    return uses


def numbers_in_drafts(library_model):
    """The numbers of every item of `library_model` that some open draft names."""
    return {number for draft in open_drafts() for _w, number in _references(draft, library_model)}
