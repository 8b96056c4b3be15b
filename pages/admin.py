from django import forms
from django.contrib import admin, messages
from django.db import models
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin

from drafts.editing import DraftAdminMixin
from library.forms import KeepUploadsMixin, ThumbnailFileWidget

from .admin_lists import LabelledListEditsMixin
from .attention import AudienceViewsMixin, MissingLanguageFilter, NotUpdatedFilter
from .editing import LanguageFormMixin, ScheduleAdminMixin
from .history import HistoryAdmin
from .models import LinkCheck, Page, Resource, Scheduled, SiteSettings, Update
from .time_zones import time_zone_choices


class ContentAdmin(LabelledListEditsMixin, HistoryAdmin, TranslationAdmin):
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
        changed = waiting = cleared = 0
        now = timezone.now()
        for obj in queryset.exclude(published=value):
            if not value and isinstance(obj, Scheduled) and obj.publish_at and obj.publish_at > now:
                # Unpublished, a publishing time to come would publish nothing: the change
                # form refuses that pair, so it goes (pages/models/schedule.py).
                obj.publish_at = None
                cleared += 1
            obj.published = value
            obj.save()
            changed += 1
            if value and obj.schedule_state() == Scheduled.State.SCHEDULED:
                waiting += 1
        if value:
            message = ngettext("%d item published.", "%d items published.", changed) % changed
        else:
            message = ngettext("%d item unpublished.", "%d items unpublished.", changed) % changed
        if waiting:
            message += (
                " "
                + ngettext(
                    "%d of them goes live only at its publishing time.",
                    "%d of them go live only at their publishing time.",
                    waiting,
                )
                % waiting
            )
        if cleared:
            message += (
                " "
                + ngettext(
                    "The publishing time of %d was emptied: it will not go live on its own.",
                    "The publishing times of %d were emptied: they will not go live on their own.",
                    cleared,
                )
                % cleared
            )
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected items"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


@admin.register(Page)
class PageAdmin(
    DraftAdminMixin,
    AudienceViewsMixin,
    ScheduleAdminMixin,
    LanguageFormMixin,
    PublishActionsMixin,
    ContentAdmin,
):
    list_display = [
        "title_and_address",
        "menu_name",
        "published",
        "show_in_nav",
        "nav_position",
        "updated",
    ]
    list_display_links = ["title_and_address"]
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
            _("Web address (slug) and history"),
            {"classes": ["collapse"], "fields": ["slug", "updated"]},
        ),
    ]

    @admin.display(description=_("title and web address"), ordering="title")
    def title_and_address(self, obj):
        return format_html("{}<small>{}</small>", obj.title, obj.get_absolute_url())

    @admin.display(description=_("menu label"), ordering="nav_title")
    def menu_name(self, obj):
        """What the menu shows: the menu label, else the title; nothing when not in it."""
        return (obj.nav_title or obj.title) if obj.show_in_nav else "—"


class ResourceForm(KeepUploadsMixin, forms.ModelForm):
    kept_uploads = {"file": "document"}

    class Meta:
        model = Resource
        fields = []  # the admin adds them from its fieldsets


@admin.register(Resource)
class ResourceAdmin(
    DraftAdminMixin,
    AudienceViewsMixin,
    ScheduleAdminMixin,
    LanguageFormMixin,
    PublishActionsMixin,
    ContentAdmin,
):
    form = ResourceForm
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
                "fields": ["url", "document", "file"],
            },
        ),
        (_("Publishing"), {"fields": ["published", "position"]}),
    ]


class UpdateForm(KeepUploadsMixin, forms.ModelForm):
    kept_uploads = {"image": "picture"}

    time_zone = forms.TypedChoiceField(
        label=_("time zone"),
        choices=time_zone_choices,
        initial="Europe/Zurich",
        help_text=Update._meta.get_field("time_zone").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's hidden copy of a default's value carries the field's aria-describedby,
        # which HTML forbids on a hidden input; a changed date is seen without it.
        if "date" in self.fields:
            self.fields["date"].show_hidden_initial = False

    class Meta:
        model = Update
        fields = ["time_zone"]  # the admin adds the rest from its fieldsets
        widgets = {
            "image": ThumbnailFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }


@admin.register(Update)
class UpdateAdmin(
    DraftAdminMixin,
    AudienceViewsMixin,
    ScheduleAdminMixin,
    LanguageFormMixin,
    PublishActionsMixin,
    ContentAdmin,
):
    form = UpdateForm
    # The description stands next to the image it describes, not with the other texts.
    fields_in_place = ["image_alt"]
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
        (
            _("Lead image"),
            {"fields": ["picture", "image", "image_alt", "image_decorative"]},
        ),
        (_("Web address (slug)"), {"classes": ["collapse"], "fields": ["slug"]}),
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
        if not start:
            return "—"
        return f"{formats.date_format(start, 'DATETIME_FORMAT')} {obj.time_zone}"


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

    def get_urls(self):
        from .link_panel import check_now_view

        view = require_POST(lambda request: check_now_view(self, request))
        name = "pages_linkcheck_check_now"
        return [
            path("check-now/", self.admin_site.admin_view(view), name=name),
            *super().get_urls(),
        ]

    @admin.display(description=_("where it is used"))
    def where_used(self, obj):
        from .link_panel import link_with_places

        return format_html_join(
            "",
            '<p><a href="{}">{}</a></p>',
            ((place["admin_url"], place["label"]) for place in link_with_places(obj)["places"]),
        )
