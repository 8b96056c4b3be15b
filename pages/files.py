"""Uploaded files: what may be uploaded, and removing files that nothing refers to any more."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024


def delete_file_after_commit(storage, name):
    """Remove a replaced or orphaned upload, once the change that orphaned it is saved."""
    transaction.on_commit(lambda: storage.delete(name))


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
