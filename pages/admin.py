from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Page


class PublishActionsMixin:
    """“Publish” and “Unpublish” for several selected items at once."""

    actions = ["publish", "unpublish"]

    def _set_published(self, request, queryset, value):
        # save() rather than update(), so that timestamps and signals see the change.
        changed = 0
        for obj in queryset.exclude(published=value):
            obj.published = value
            obj.save()
            changed += 1
        if value:
            message = ngettext("%d item published.", "%d items published.", changed)
        else:
            message = ngettext("%d item unpublished.", "%d items unpublished.", changed)
        self.message_user(request, message % changed, messages.SUCCESS)

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected items"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


@admin.register(Page)
class PageAdmin(PublishActionsMixin, admin.ModelAdmin):
    list_display = ["title", "address", "published", "show_in_nav", "nav_position", "updated"]
    list_display_links = ["title"]
    list_editable = ["nav_position"]
    list_filter = ["published", "show_in_nav"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "body", "published"]}),
        (
            _("Menu"),
            {"fields": ["show_in_nav", "nav_position", "nav_title"]},
        ),
        (
            _("Address and history"),
            {"classes": ["collapse"], "fields": ["slug", "updated"]},
        ),
    ]

    @admin.display(description=_("address"), ordering="slug")
    def address(self, obj):
        return obj.get_absolute_url()
