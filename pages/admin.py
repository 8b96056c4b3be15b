import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from .attention import AudienceViewsMixin, MissingLanguageFilter, NotUpdatedFilter
from .editing import LanguageFormMixin, ScheduleAdminMixin
from .history import HistoryAdmin
from .models import LinkCheck, Page, Resource, SiteSettings, Update


class ContentAdmin(HistoryAdmin, TranslationAdmin):
    """The admin of editors' content: translated fields, every version kept and restorable."""

    def get_list_filter(self, request):
        # What the start page counts can be found in each list.
        return [*super().get_list_filter(request), MissingLanguageFilter, NotUpdatedFilter]


class PublishActionsMixin:
    """“Publish” and “Unpublish” for several selected items at once."""

    actions = ["publish", "unpublish"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

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
class PageAdmin(
    AudienceViewsMixin, ScheduleAdminMixin, LanguageFormMixin, PublishActionsMixin, ContentAdmin
):
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


@admin.register(Resource)
class ResourceAdmin(
    AudienceViewsMixin, ScheduleAdminMixin, LanguageFormMixin, PublishActionsMixin, ContentAdmin
):
    list_display = ["title", "type", "publisher", "year", "published", "position"]
    list_editable = ["position"]
    list_filter = ["type", "published", "year"]
    search_fields = ["title", "publisher", "summary"]
    fieldsets = [
        (None, {"fields": ["title", "type", "publisher", "year", "summary"]}),
        (
            _("Where visitors open it"),
            {
                "description": _("Give a link, or upload a PDF. An uploaded file is used first."),
                "fields": ["url", "file"],
            },
        ),
        (_("Publishing"), {"fields": ["published", "position"]}),
    ]


class UpdateForm(forms.ModelForm):
    time_zone = forms.TypedChoiceField(
        label=_("time zone"),
        choices=lambda: [(name, name) for name in sorted(zoneinfo.available_timezones())],
        initial="Europe/Zurich",
        help_text=Update._meta.get_field("time_zone").help_text,
    )

    class Meta:
        model = Update
        fields = ["time_zone"]  # the admin adds the rest from its fieldsets
        widgets = {"image": AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"})}


@admin.register(Update)
class UpdateAdmin(
    AudienceViewsMixin, ScheduleAdminMixin, LanguageFormMixin, PublishActionsMixin, ContentAdmin
):
    form = UpdateForm
    list_display = ["title", "kind", "date", "start", "image_preview", "published"]
    list_filter = ["kind", "published", "date"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["kind", "title", "date", "summary", "body", "published"]}),
        (
            _("Events and webinars"),
            {
                "fields": [
                    "start_time",
                    "end_time",
                    "end_date",
                    "time_zone",
                    "place",
                    "online_url",
                    "registration_url",
                ]
            },
        ),
        (_("Lead image"), {"fields": ["image", "image_alt", "image_decorative"]}),
        (_("Address"), {"classes": ["collapse"], "fields": ["slug"]}),
    ]

    @admin.display(description=_("image"))
    def image_preview(self, obj):
        image = obj.lead_image
        if not image:
            return "—"
        return format_html('<img class="logo-preview" src="{}" alt="">', image["thumbnail"])

    @admin.display(description=_("starts"), ordering="starts_at")
    def start(self, obj):
        start = obj.local_start
        return f"{start:%Y-%m-%d %H:%M} {obj.time_zone}" if start else "—"


@admin.register(SiteSettings)
class SiteSettingsAdmin(LanguageFormMixin, ContentAdmin):
    """One record: the list goes straight to it, and it can be neither added nor deleted."""

    formfield_overrides = PublishActionsMixin.formfield_overrides
    fieldsets = [
        (None, {"fields": ["contact_email", "newsletter_url"]}),
        (
            _("Video on the Background page"),
            {"fields": ["video_url", "video_caption", "embed_video"]},
        ),
        (_("Social media"), {"fields": ["linkedin_url", "x_url", "youtube_url"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_record, _created = SiteSettings.objects.get_or_create(pk=1)
        return redirect("admin:pages_sitesettings_change", settings_record.pk)


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """The external links that `manage.py check_links` found, broken ones first. Read only."""

    list_display = ["url", "broken", "status", "error", "checked_at"]
    list_filter = ["broken"]
    search_fields = ["url"]
    fields = ["url", "broken", "status", "error", "checked_at", "where_used"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("where it is used"))
    def where_used(self, obj):
        from .attention import link_with_places

        return format_html_join(
            "",
            '<p><a href="{}">{}</a></p>',
            ((place["admin_url"], place["label"]) for place in link_with_places(obj)["places"]),
        )
