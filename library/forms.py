"""The library in the forms of the items that use it: a file chosen is kept through an error."""

from pathlib import PurePath

from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext

from .models import Document, Picture


class ThumbnailFileWidget(AdminFileWidget):
    """The current picture or logo shown as a thumbnail, not as the path of its file."""

    template_name = "library/widgets/thumbnail_file_input.html"


def _keep(upload, field_name, title):
    if field_name == "logo":
        picture = Picture(name=PurePath(upload.name).name)
        picture.store_logo(upload, slugify(title)[:50] or "logo")
        picture.save()
        return picture
    if field_name == "image":
        picture = Picture(name=PurePath(upload.name).name)
        picture.store(upload, "updates/renditions", slugify(title)[:50] or "update")
        picture.save()
        return picture
    document = Document(file=upload, title=title or PurePath(upload.name).stem)
    document.save()
    return document


class KeepUploadsMixin:
    """When a save fails, a file just chosen goes into the library and stays chosen.

    `kept_uploads` maps a file field to the field choosing from the library; the form shown
    again has the new library item chosen, and says so next to the file field.
    """

    kept_uploads = {}

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for file_field, choice_field in self.kept_uploads.items():
            upload = self.cleaned_data.get(file_field)
            if not isinstance(upload, UploadedFile) or file_field in self._errors:
                continue
            if choice_field not in self.fields:
                continue
            slug = self.data.get("slug") or self.data.get("title_en") or self.data.get("name") or ""
            kept = _keep(upload, file_field, slug)
            self.data = self.data.copy()
            self.data[self.add_prefix(choice_field)] = str(kept.pk)
            self.cleaned_data[choice_field] = kept
            note = format_html(
                '<strong class="kept-upload">{}</strong> {}',
                gettext("Your file %(name)s is kept; you don't need to choose it again.")
                % {"name": PurePath(upload.name).name},
                self.fields[file_field].help_text,
            )
            # The bound field, made while checking the form, keeps its own copy of the text.
            self.fields[file_field].help_text = self[file_field].help_text = note
