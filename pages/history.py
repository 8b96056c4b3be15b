"""Every saved version of editors' content (django-reversion), compared and restored in the admin.

Models are registered with django-reversion by their admin (`HistoryAdmin`), once
django-modeltranslation has added every language's column, so that a version holds the text
of every language.

Restoring and recovering a version: pages/restoring.py.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator
from reversion import add_to_revision, create_revision, set_comment, set_user
from reversion.admin import VersionAdmin
from reversion.models import Version

from drafts.roles import may_publish_directly

from .marking import MAX_COMPARED_TOKENS, MAX_COMPARED_TOKENS_PER_FIELD, marked_words
from .restoring import restore

__all__ = ["MAX_COMPARED_TOKENS", "MAX_COMPARED_TOKENS_PER_FIELD", "marked_words"]


def saved_time(value):
    """When a version was saved, in the admin's time zone, to the second."""
    local = template_localtime(value)
    return f"{date_format(local, 'DATE_FORMAT')}, {time_format(local, 'H:i:s')}"


def same_text(old, new):
    """Whether two texts read the same: a browser sends line ends as CR LF, and the form
    drops the spaces and line ends around a text."""

    def normal(text):
        return str(text or "").replace("\r\n", "\n").strip()

    return normal(old) == normal(new)


def translated_fields(model):
    """{base field name: {language: column name}} of the model's translated fields."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {
        name: {field.language: field.name for field in columns}
        for name, columns in options.all_fields.items()
    }


def compared_fields(model):
    """(field, language or None) for every field a version keeps that an editor sees."""
    translated = translated_fields(model)
    columns = {column for languages in translated.values() for column in languages.values()}
    language_order = [code for code, _name in settings.LANGUAGES]
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in columns:
            continue
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            continue
        if not field.editable:
            continue
        if field.name in translated:
            for language in language_order:
                column = translated[field.name].get(language)
                if column:
                    fields.append((model._meta.get_field(column), language))
        else:
            fields.append((field, None))
    return fields


def shown(field, value):
    """A field's value as an editor reads it."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.FileField):
        return str(getattr(value, "name", value))
    return str(value)


def differences(model, version_values, current_values):
    """The fields whose value in the version differs from the current one, words marked."""
    language_names = dict(settings.LANGUAGES)
    rows = []
    for field, language in compared_fields(model):
        old = shown(field, version_values.get(field.attname))
        new = shown(field, current_values.get(field.attname))
        if same_text(old, new):
            continue
        old_html, new_html = marked_words(old, new)
        label = getattr(field, "translated_field", field).verbose_name
        rows.append(
            {
                "label": label,
                "language": language_names[language] if language else "",
                "version": old_html,
                "current": new_html,
            }
        )
    return rows


def current_values(obj):
    if obj is None:
        return {}
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


class HistoryAdmin(VersionAdmin):
    """The admin of a content model: each save kept, any version compared and restored."""

    history_latest_first = True
    compare_template = "admin/history/compare.html"

    def construct_change_message(self, request, form, formsets, add=False):
        # A text sent back as it was (but for its line ends) is not reported as changed, so
        # a save that touched one language names that language alone.
        unchanged = {
            name
            for name in form.changed_data
            if isinstance(form.fields[name], forms.CharField)
            and same_text(form[name].initial, form[name].data)
        }
        form.changed_data[:] = [name for name in form.changed_data if name not in unchanged]
        return super().construct_change_message(request, form, formsets, add)

    def delete_model(self, request, obj):
        # The version recovered is the one saved with the deletion, even for an item that had
        # none before (content from before the history was kept).
        with create_revision():
            set_user(request.user)
            set_comment(_("Deleted."))
            add_to_revision(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with create_revision():
            set_user(request.user)
            set_comment(_("Deleted."))
            for obj in queryset:
                add_to_revision(obj)
        super().delete_queryset(request, queryset)

    def _compare(self, request, version, obj, recover):
        opts = self.model._meta
        if request.method == "POST":
            public = version.field_dict.get("published") or getattr(obj, "published", False)
            if public and not may_publish_directly(request.user):
                self.message_user(
                    request,
                    _(
                        "Only a publisher can restore a version of a public item, or a "
                        "version that was public. Nothing was changed."
                    ),
                    messages.ERROR,
                )
                return redirect(request.path)
            try:
                restored, missing = restore(version, request.user)
            except (ValidationError, IntegrityError) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(
                    request,
                    _("This version could not be restored: %(reason)s") % {"reason": text},
                    messages.ERROR,
                )
                return redirect(request.path)
            message = _("Restored the version saved on %(date)s.") % {
                "date": saved_time(version.revision.date_created)
            }
            if recover:
                self.log_addition(request, restored, message)
            else:
                self.log_change(request, restored, message)
            for label, name in missing:
                self.message_user(
                    request,
                    _(
                        "The file “%(name)s” (%(field)s) of that version has been removed "
                        "since, so the item keeps its current one."
                    )
                    % {"name": name, "field": label},
                    messages.WARNING,
                )
            self.message_user(
                request,
                _("“%(item)s” is back as it was on %(date)s; visitors see it now.")
                % {
                    "item": restored,
                    "date": saved_time(version.revision.date_created),
                },
                messages.SUCCESS,
            )
            return redirect(
                reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(restored.pk)],
                )
            )
        if recover:
            title = _("Restore “%(item)s”") % {"item": version.object_repr}
        else:
            title = _("Version of %(date)s") % {"date": saved_time(version.revision.date_created)}
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": title,
            "object": obj,
            "version": version,
            "recover": recover,
            "rows": differences(self.model, version.field_dict, current_values(obj)),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.compare_template, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One version beside the current item, field by field; a button restores it."""
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id
        )
        return self._compare(request, version, obj, recover=False)

    def recoverlist_view(self, request, extra_context=None):
        """The deleted items, each of which can be seen and restored."""
        title = _("Deleted %(name)s") % {"name": self.model._meta.verbose_name_plural}
        return super().recoverlist_view(request, {"title": title, **(extra_context or {})})

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted item as its last version has it; a button brings it back."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(self.model).select_related("revision__user"),
            pk=version_id,
        )
        return self._compare(request, version, None, recover=True)
