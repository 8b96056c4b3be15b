from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from drafts.editing import DraftAdminMixin
from library.forms import KeepUploadsMixin, ThumbnailFileWidget
from pages.admin import ContentAdmin, PublishActionsMixin
from pages.attention import AudienceViewsMixin
from pages.editing import LanguageFormMixin, ScheduleAdminMixin

from .countries import countries_named
from .enquiry_admin import EnquiryAdmin  # noqa: F401 (registered on import)
from .logos import FORMAT_MESSAGE
from .models import Benefit, Partner


class PartnerForm(KeepUploadsMixin, forms.ModelForm):
    kept_uploads = {"logo": "logo_picture"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's hidden copy of a default's value carries the field's aria-describedby,
        # which HTML forbids on a hidden input; a changed date is seen without it.
        if "joined" in self.fields:
            self.fields["joined"].show_hidden_initial = False

    class Meta:
        model = Partner
        fields = []  # the admin adds them from its fieldsets


@admin.register(Partner)
class PartnerAdmin(
    DraftAdminMixin,
    AudienceViewsMixin,
    ScheduleAdminMixin,
    LanguageFormMixin,
    PublishActionsMixin,
    ContentAdmin,
):
    form = PartnerForm
    list_display = ["logo_preview", "name", "type", "role", "country", "published", "position"]
    list_display_links = ["name"]  # the logo beside it is decorative: one link a row
    list_editable = ["position"]
    list_filter = ["type", "role", "published"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # Django's own message for a non-image says nothing about the accepted formats.
        models.ImageField: {
            "error_messages": {"invalid_image": FORMAT_MESSAGE},
            "widget": ThumbnailFileWidget,
        },
    }
    fieldsets = [
        (None, {"fields": ["name", "role", "type", "country", "website", "description"]}),
        (_("Logo"), {"fields": ["logo_picture", "logo"]}),
        (_("Publishing"), {"fields": ["published", "position", "joined"]}),
        (_("Web address (slug)"), {"classes": ["collapse"], "fields": ["slug"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # A country is stored as its code; editors search it by its name, in their language.
        results, duplicates = super().get_search_results(request, queryset, search_term)
        codes = countries_named(search_term)
        if codes:
            results |= queryset.filter(country__in=codes)
        return results, duplicates

    @admin.display(description=_("logo"))
    def logo_preview(self, obj):
        if not obj.logo:
            return "—"
        return format_html('<img class="logo-preview" src="{}" alt="">', obj.logo.url)


@admin.register(Benefit)
class BenefitAdmin(LanguageFormMixin, PublishActionsMixin, ContentAdmin):
    list_display = ["text", "position", "published"]
    list_editable = ["position"]
    list_filter = ["published"]
    search_fields = ["text"]
