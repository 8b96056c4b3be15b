"""Every saved version of editors' content (django-reversion), compared and restored in the admin.

Models are registered with django-reversion by their admin (`HistoryAdmin`), once
django-modeltranslation has added every language's column, so that a version holds the text
of every language.

Restoring and recovering a version: pages/restoring.py.
"""

import difflib
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator
from reversion import add_to_revision, create_revision, set_comment, set_user
from reversion.admin import VersionAdmin
from reversion.models import Version

from .restoring import restore

WORDS = re.compile(r"(\s+)")


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


# SequenceMatcher's work grows with the square of what it compares: at most this many words
# and spaces of a side at once, and this many in all for one field; beyond, the lines that
# differ are compared first, and a part that differs too much is marked as a whole.
MAX_COMPARED_TOKENS = 1000
MAX_COMPARED_TOKENS_PER_FIELD = 4000


class _Marker:
    """Both texts of one field as escaped HTML, what differs in <del> and <ins>."""

    def __init__(self):
        self.old_html, self.new_html = [], []
        self.budget = MAX_COMPARED_TOKENS_PER_FIELD

    def same(self, text):
        self.old_html.append(escape(text))
        self.new_html.append(escape(text))

    def changed(self, old_text, new_text):
        for text, tag, html in ((old_text, "del", self.old_html), (new_text, "ins", self.new_html)):
            html.append(f"<{tag}>{escape(text)}</{tag}>" if text.strip() else escape(text))

    def words(self, old_words, new_words):
        """Only the part between what both share at their start and end is compared."""
        head, tail = _same_ends(old_words, new_words)
        self.same("".join(old_words[:head]))
        old_middle = old_words[head : len(old_words) - tail]
        new_middle = new_words[head : len(new_words) - tail]
        size = max(len(old_middle), len(new_middle))
        if size > MAX_COMPARED_TOKENS or len(old_middle) + len(new_middle) > self.budget:
            self.lines("".join(old_middle), "".join(new_middle))
        else:
            self.budget -= len(old_middle) + len(new_middle)
            matcher = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False)
            for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
                removed = "".join(old_middle[old_start:old_end])
                added = "".join(new_middle[new_start:new_end])
                if operation == "equal":
                    self.same(removed)
                else:
                    self.changed(removed, added)
        self.same("".join(old_words[len(old_words) - tail :]))

    def lines(self, old, new):
        """Lines compared first, then the words of the lines that differ, within the budget."""
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        if max(len(old_lines), len(new_lines)) > MAX_COMPARED_TOKENS or (
            len(old_lines) <= 1 and len(new_lines) <= 1
        ):
            self.changed(old, new)
            return
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            removed = "".join(old_lines[old_start:old_end])
            added = "".join(new_lines[new_start:new_end])
            if operation == "equal":
                self.same(removed)
                continue
            old_words, new_words = WORDS.split(removed), WORDS.split(added)
            head, tail = _same_ends(old_words, new_words)
            compared = len(old_words) + len(new_words) - 2 * (head + tail)
            size = max(len(old_words), len(new_words)) - head - tail
            if size > MAX_COMPARED_TOKENS or compared > self.budget:
                self.changed(removed, added)
            else:
                self.words(old_words, new_words)


def _same_ends(old, new):
    """How many items old and new share at their start, and then at their end."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def marked_words(old, new):
    """Both texts as escaped HTML: words only in `old` in <del>, words only in `new` in <ins>."""
    marker = _Marker()
    marker.words(WORDS.split(old), WORDS.split(new))
    return (
        mark_safe("".join(marker.old_html)),  # noqa: S308 (escaped above)
        mark_safe("".join(marker.new_html)),  # noqa: S308 (escaped above)
    )


def differences(model, version_values, current_values):
    """The fields whose value in the version differs from the current one, words marked."""
    language_names = dict(settings.LANGUAGES)
    rows = []
    for field, language in compared_fields(model):
        old = shown(field, version_values.get(field.attname))
        new = shown(field, current_values.get(field.attname))
        if old == new:
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
                "date": localize(template_localtime(version.revision.date_created))
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
                    "date": localize(template_localtime(version.revision.date_created)),
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
            title = _("Recover “%(item)s”") % {"item": version.object_repr}
        else:
            title = _("Version of %(date)s") % {
                "date": localize(template_localtime(version.revision.date_created))
            }
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

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted item as its last version has it; a button brings it back."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(self.model).select_related("revision__user"),
            pk=version_id,
        )
        return self._compare(request, version, None, recover=True)
