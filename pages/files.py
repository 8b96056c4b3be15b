"""Uploaded files: what may be uploaded, and removing files that nothing refers to any more."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024


def delete_file_after_commit(storage, name):
    """Remove a replaced or orphaned upload, once the change that orphaned it is saved."""
    transaction.on_commit(lambda: storage.delete(name))


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
