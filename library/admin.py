from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .drafted import numbers_in_drafts
from .models import Document, Picture
from .usage import document_uses, picture_uses, pictures_in_texts, shortcode

WHERE = {
    "lead image": _("lead image"),
    "text": _("in the text"),
    "file": _("file"),
    "logo": _("logo"),
}


class UsedFilter(admin.SimpleListFilter):
    title = _("use")
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", _("In use")), ("no", _("Not used"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        relations = ["updates", "partners"] if queryset.model is Picture else ["resources"]
        used = set()
        for relation in relations:
            found = queryset.filter(**{f"{relation}__isnull": False}).values_list("pk", flat=True)
            used |= set(found)
        if queryset.model is Picture:
            used |= pictures_in_texts()
        used |= numbers_in_drafts(queryset.model)
        if self.value() == "yes":
            return queryset.filter(pk__in=used)
        return queryset.exclude(pk__in=used)


def uses_list(uses):
    if not uses:
        return gettext("Not used")
    return format_html(
        '<ul class="library-uses">{}</ul>',
        format_html_join(
            "", '<li><a href="{}">{}</a> ({})</li>', ((u, row, WHERE[w]) for row, w, u in uses)
        ),
    )


class LibraryAdmin:
    """A file that an item uses is not deleted: the delete page says where it is used."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, permissions, protected = super().get_deleted_objects(objs, request)
        already = {str(each) for each in protected}
        for obj in objs:
            for row, where, _url in self.uses(obj):
                label = f"{row._meta.verbose_name.capitalize()}: {row} ({WHERE[where]})"
                if label not in already:
                    protected.append(label)
                    already.add(label)
        return deleted, counts, permissions, protected

    @admin.display(description=_("where it is used"))
    def where_used(self, obj):
        return uses_list(self.uses(obj)) if obj and obj.pk else "—"

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.size else "—"


@admin.register(Picture)
class PictureAdmin(LibraryAdmin, TranslationAdmin):
    list_display = ["thumbnail", "title", "dimensions", "file_size", "credit", "where_used"]
    list_display_links = ["title"]
    list_filter = [UsedFilter, "uploaded"]
    search_fields = ["name", "alt_en", "alt_fr", "alt_es", "credit", "licence"]
    readonly_fields = ["thumbnail_large", "dimensions", "file_size", "code", "where_used"]
    fieldsets = [
        (None, {"fields": ["file", "thumbnail_large", "alt", "name", "credit", "licence"]}),
        (_("Use"), {"fields": ["dimensions", "file_size", "code", "where_used"]}),
    ]

    def uses(self, obj):
        return picture_uses(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("updates", "partners")

    @admin.display(description=_("name"), ordering="name")
    def title(self, obj):
        return str(obj)

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        image = obj.as_image
        if not image:
            return "—"
        return format_html('<img class="library-thumbnail" src="{}" alt="">', image["thumbnail"])

    @admin.display(description=_("picture"))
    def thumbnail_large(self, obj):
        image = obj.as_image if obj else None
        if not image:
            return "—"
        return format_html(
            '<img class="library-preview" src="{}" alt="{}">', image["thumbnail"], obj.alt
        )

    @admin.display(description=_("dimensions"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description=_("to place it in a text"))
    def code(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            "<code>{}</code><br>{}",
            shortcode(obj.pk),
            gettext("Write this on a line of its own in the text of a page or an update."),
        )


@admin.register(Document)
class DocumentAdmin(LibraryAdmin, admin.ModelAdmin):
    list_display = ["title", "language", "file_size", "uploaded", "where_used"]
    list_filter = [UsedFilter, "language", "uploaded"]
    search_fields = ["title", "file"]
    readonly_fields = ["file_size", "where_used"]
    fields = ["file", "title", "language", "file_size", "where_used"]

    def uses(self, obj):
        return document_uses(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("resources")
