"""What the admin's change forms and lists add for editors: publishing on a schedule, one
language at a time, the languages an item still lacks, and a preview of its Markdown.

Mixins for the content ModelAdmins (placed before TranslationAdmin in their bases), so that
each admin class only names them.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from genmig.formats import admin_datetime

from .markdown import render_markdown
from .models import Scheduled

SCHEDULE_FIELDS = ["publish_at", "unpublish_at"]
# How far ahead the start page and the "coming up" list filter look.
SOON = datetime.timedelta(days=14)


def going_live_soon(now=None):
    """Published items whose publishing time comes within SOON: visitors see them then."""
    now = now or timezone.now()
    return Q(published=True, publish_at__gt=now, publish_at__lte=now + SOON)


def expiring_soon(now=None):
    """Published items whose end time comes within SOON: visitors lose them then."""
    now = now or timezone.now()
    return Q(published=True, unpublish_at__gt=now, unpublish_at__lte=now + SOON)


admin_time = admin_datetime


class VisibilityFilter(admin.SimpleListFilter):
    title = _("visible to visitors")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return Scheduled.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case Scheduled.State.DRAFT:
                return queryset.filter(published=False)
            case Scheduled.State.SCHEDULED:
                return queryset.filter(published=True, publish_at__gt=now)
            case Scheduled.State.PUBLIC:
                return queryset.published(now)
            case Scheduled.State.EXPIRED:
                return queryset.filter(published=True, unpublish_at__lte=now)
        return queryset


class ComingUpFilter(admin.SimpleListFilter):
    title = _("publishing schedule")
    parameter_name = "soon"

    def lookups(self, request, model_admin):
        return [
            ("live", gettext("Going live in the next 14 days")),
            ("expiring", gettext("Expiring in the next 14 days")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.filter(going_live_soon())
            case "expiring":
                return queryset.filter(expiring_soon())
        return queryset


class ScheduleAdminMixin:
    """Publishing times, taken and shown in settings.ADMIN_TIME_ZONE; lists say what
    visitors see now: draft, scheduled for a time, public (until a time) or expired."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        fieldsets.append(
            (
                _("Publishing schedule"),
                {
                    "fields": SCHEDULE_FIELDS,
                    "classes": ["schedule"],
                    "description": _(
                        "Optional. A published item becomes visible at its publishing time "
                        "and disappears at its end time, on its own."
                    ),
                },
            )
        )
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in SCHEDULE_FIELDS and field is not None:
            # Django's label points at neither input of the date and time pair: name each.
            for widget, part in zip(field.widget.widgets, (_("date"), _("time")), strict=True):
                widget.attrs["aria-label"] = f"{db_field.verbose_name}: {part}"
            field.help_text = format_html(
                "{} <strong>{}</strong>",
                db_field.help_text,
                gettext("Times are in %(zone)s time (IOM headquarters).")
                % {"zone": settings.ADMIN_TIME_ZONE},
            )
        return field

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        position = columns.index("published") + 1 if "published" in columns else len(columns)
        columns.insert(position, "visibility")
        return columns

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), VisibilityFilter, ComingUpFilter]

    @admin.display(description=_("visitors see it"), ordering="publish_at")
    def visibility(self, obj):
        state = obj.schedule_state()
        if state == Scheduled.State.SCHEDULED:
            text = gettext("Scheduled for %(time)s") % {"time": admin_time(obj.publish_at)}
        elif state == Scheduled.State.EXPIRED:
            text = gettext("Expired %(time)s") % {"time": admin_time(obj.unpublish_at)}
        elif state == Scheduled.State.PUBLIC and obj.unpublish_at:
            text = gettext("Public until %(time)s") % {"time": admin_time(obj.unpublish_at)}
        else:
            text = state.label
        return format_html('<span class="visibility visibility-{}">{}</span>', state, text)


class LanguageFormMixin:
    """The change form groups each language's fields together, one language shown at a time
    (a switch of links and CSS :target, no script), says which languages an item still lacks,
    and shows each Markdown text as visitors will see it."""

    change_form_template = "admin/language_change_form.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.markdown_fields():
            for code, _name in settings.LANGUAGES:
                setattr(self, f"preview_{field}_{code}", self._preview(field, code))

    @property
    def media(self):
        # Progressive enhancement: the preview follows the text as it is typed.
        media = super().media
        if self.markdown_fields():
            media += forms.Media(js=["js/admin-markdown-preview.js"])
        return media

    def preview_url_name(self):
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_markdown_preview"

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.markdown_preview_view))
        return [
            path("markdown-preview/", preview, name=self.preview_url_name()),
            *super().get_urls(),
        ]

    def markdown_preview_view(self, request):
        """The Markdown sent, rendered as the public pages render it, for the live preview."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        text = request.POST.get("text", "")
        html = (
            render_markdown(text)
            if text.strip()
            else gettext("Nothing to preview: the text is empty.")
        )
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    def translated_fields(self):
        """The model's translated fields, in the model's order."""
        return [f.name for f in self.model._meta.fields if f.name in self.trans_opts.fields]

    def markdown_fields(self):
        """Translated fields that visitors see rendered from Markdown (`body` → `body_html`)."""
        return [f for f in self.translated_fields() if hasattr(self.model, f"{f}_html")]

    def _preview(self, field, code):
        def preview(obj):
            text = getattr(obj, f"{field}_{code}", "") if obj is not None else ""
            empty = gettext("Nothing to preview: the text is empty.")
            return format_html(
                '<div class="markdown-preview prose" lang="{}" data-source="id_{}_{}" '
                'data-url="{}" aria-live="polite">{}</div>',
                code,
                field,
                code,
                reverse(f"{self.admin_site.name}:{self.preview_url_name()}"),
                render_markdown(text) if text else empty,
            )

        preview.short_description = _("preview")
        return preview

    def missing_languages(self, obj):
        """{language code: [verbose names]} of the texts written in English but not there."""
        default = settings.LANGUAGE_CODE
        missing = {}
        for code, _name in settings.LANGUAGES:
            if code == default:
                continue
            lacking = [
                self.model._meta.get_field(field).verbose_name
                for field in self.translated_fields()
                if getattr(obj, f"{field}_{default}", None) and not getattr(obj, f"{field}_{code}")
            ]
            if lacking:
                missing[code] = lacking
        return missing

    @admin.display(description=_("translations"))
    def translation_status(self, obj):
        names = dict(settings.LANGUAGES)
        missing = self.missing_languages(obj) if obj is not None and obj.pk else None
        if missing is None:
            return gettext(
                "English is required; French and Spanish may be added now or later. "
                "Until then visitors get the English text, marked as English."
            )
        if not missing:
            return gettext("Complete in every language.")
        return format_html(
            '<ul class="missing-languages">{}</ul><p>{}</p>',
            format_html_join(
                "",
                "<li><strong>{}</strong>: {}</li>",
                (
                    (
                        names[code],
                        gettext("not translated yet: %(fields)s")
                        % {"fields": ", ".join(str(field) for field in fields)},
                    )
                    for code, fields in missing.items()
                ),
            ),
            gettext("Visitors get the English text there, marked as English."),
        )

    def get_readonly_fields(self, request, obj=None):
        previews = [
            f"preview_{field}_{code}"
            for field in self.markdown_fields()
            for code, _name in settings.LANGUAGES
        ]
        return [*super().get_readonly_fields(request, obj), "translation_status", *previews]

    def get_fieldsets(self, request, obj=None):
        """The admin's fieldsets with every translated field moved into its language's own
        fieldset; those come first, after a line on what is missing."""
        fieldsets = super().get_fieldsets(request, obj)
        languages = [code for code, _name in settings.LANGUAGES]
        translated = {
            f"{field}_{code}": code for field in self.translated_fields() for code in languages
        }
        markdown = self.markdown_fields()
        by_language = {code: [] for code in languages}
        others = []
        for name, options in fieldsets:
            fields = []
            for field in options.get("fields", ()):
                if isinstance(field, str) and field in translated:
                    code = translated[field]
                    by_language[code].append(field)
                    if field.removesuffix(f"_{code}") in markdown:
                        by_language[code].append(f"preview_{field}")
                elif field not in ("translation_status",):
                    fields.append(field)
            if fields:
                others.append((name, {**options, "fields": fields}))
        missing = self.missing_languages(obj) if obj is not None and obj.pk else {}
        names = dict(settings.LANGUAGES)
        grouped = [(_("Languages"), {"fields": ["translation_status"], "classes": ["languages"]})]
        for code in languages:
            if not by_language[code]:
                continue
            label = names[code]
            if code in missing:
                label = gettext("%(language)s (not complete)") % {"language": label}
            options = {"fields": by_language[code], "classes": ["language", f"language-{code}"]}
            if code != settings.LANGUAGE_CODE:
                options["description"] = gettext(
                    "Leave a text empty to show the English one there, marked as English."
                )
            grouped.append((label, options))
        return grouped + others

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        code = getattr(db_field, "language", None)
        if field is not None and code:
            # Spelling checkers and screen readers then use the field's language.
            field.widget.attrs["lang"] = code
        return field
