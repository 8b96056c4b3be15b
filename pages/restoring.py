"""Restoring and recovering a version kept in the history (pages/history.py).

Restoring saves the item through the ORM as an editor's save does, so the page cache and
timestamps follow. An uploaded file stays as long as a version names it (pages/files.py), so
restoring or recovering brings it back, a lead image with all its renditions; a file removed
before files were kept so (or lost) is not brought back: the item keeps its current file, and
the editor is told so. Restoring never makes two items name one file: an item gets its own
copy of a file that another item names too.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override
from reversion import create_revision, set_comment, set_user

from . import history
from .files import file_names_of, rows_naming
from .images import renamed_renditions


def _version_files(model, field, data):
    """(name, record field, record) of a version's file: a lead image comes with its record."""
    value = data.get(field.attname)
    name = getattr(value, "name", value) or ""
    record_field = getattr(model, "file_records", {}).get(field.name)
    record = (data.get(record_field) or {}) if record_field and name else {}
    return name, record_field, record


def _own_copies(obj, field, name, record_field, record):
    """Copies of the files another item names too, so that no two items share a file.

    Two items came to name one file where a removed file's name was given to a new upload,
    before files named in the history were kept; deleting one item would remove the other's.
    Returns (storage, name) of the copies made.
    """
    values = {field.attname: name, **({record_field: record} if record_field else {})}
    names = file_names_of(type(obj), values)
    others = {
        (model, pk)
        for each in names
        for model, pk in rows_naming(each)
        if not (model is type(obj) and str(pk) == str(obj.pk))
        and not sharing(obj, field, model, pk)
    }
    if not others:
        return []
    storage = field.storage
    copies = {}
    for each in sorted(names):
        with storage.open(each) as original:
            copies[each] = storage.save(each, original, max_length=field.max_length)
    setattr(obj, field.attname, copies[name])
    if record_field:
        setattr(obj, record_field, renamed_renditions(record, copies))
    return [(storage, copy) for copy in copies.values()]


def sharing(obj, field, model, pk):
    """Whether the row names the file as the library's (its own, or the same library item's)."""
    if getattr(model, "library_item", False):
        return True
    choice = getattr(type(obj), "library_choices", {}).get(field.name)
    chosen = getattr(obj, f"{choice}_id", None) if choice else None
    if chosen is None or model is not type(obj):
        return False
    return model._default_manager.filter(pk=pk, **{f"{choice}_id": chosen}).exists()


def restore(version, user):
    """Save the item as the version has it; returns it and the labels of files no longer there."""
    model = version._model
    data = version.field_dict
    obj = model._default_manager.filter(pk=version.object_id).first()
    if obj is None:
        obj = model(pk=version.object_id)
    missing = []
    restored_files = []
    # A file not restored keeps the library item that has the item's current file.
    choices = getattr(model, "library_choices", {})
    current_choices = {choice: getattr(obj, f"{choice}_id", None) for choice in choices.values()}
    kept_choices = []
    with override(settings.LANGUAGE_CODE):
        for field, _language in history.compared_fields(model):
            value = data.get(field.attname)
            if isinstance(field, models.FileField):
                name, record_field, record = _version_files(model, field, data)
                if name == getattr(obj, field.attname).name:
                    continue
                values = {field.attname: name, **({record_field: record} if record_field else {})}
                if not all(field.storage.exists(each) for each in file_names_of(model, values)):
                    missing.append((field.verbose_name, name))
                    if field.name in choices:
                        kept_choices.append(choices[field.name])
                    continue
                setattr(obj, field.attname, name)
                if record_field:
                    setattr(obj, record_field, record)
                if name:
                    restored_files.append((field, name, record_field, record))
                continue
            # An item of the library deleted since: the item keeps the version's file.
            if (
                isinstance(field, models.ForeignKey)
                and value is not None
                and not field.related_model._default_manager.filter(pk=value).exists()
            ):
                value = None
            setattr(obj, field.attname, value)
        for choice in kept_choices:
            setattr(obj, f"{choice}_id", current_choices[choice])
        # The model's own checks (an event's start, a resource's link or file) as in the form.
        obj.clean()
        obj.validate_unique()
        obj.validate_constraints()
        copies = []
        try:
            for restored_file in restored_files:
                copies += _own_copies(obj, *restored_file)
            with transaction.atomic(), create_revision():
                obj.save()
                set_user(user)
                set_comment(
                    _("Restored the version saved on %(date)s.")
                    % {"date": history.saved_time(version.revision.date_created)}
                )
        except BaseException:
            for storage, copy in copies:
                storage.delete(copy)
            raise
    return obj, missing
