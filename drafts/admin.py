from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Draft


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Every draft, open or done, read only: the text of a draft whose item was deleted is
    still here to copy."""

    list_display = ["item_repr", "content_type", "state", "author", "updated", "open_item"]
    list_filter = ["state", "content_type"]
    search_fields = ["item_repr"]
    fields = [
        "item_repr",
        "content_type",
        "state",
        "author",
        "submitted_by",
        "updated",
        "text",
        "steps",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("item"))
    def open_item(self, obj):
        item = obj.item
        if item is None:
            return _("deleted")
        opts = item._meta
        from django.urls import reverse

        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))

    @admin.display(description=_("what happened to this draft"))
    def steps(self, obj):
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{}: {}, {} {}</li>",
                (
                    (f"{e.time:%Y-%m-%d %H:%M}", e.get_action_display(), e.user or "—", e.comment)
                    for e in obj.events.select_related("user")
                ),
            ),
        )

    @admin.display(description=_("the draft's text"))
    def text(self, obj):
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", sorted(obj.data.items())),
        )
