import csv

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pages.admin import ContentAdmin, PublishActionsMixin
from pages.attention import AudienceViewsMixin
from pages.editing import LanguageFormMixin, ScheduleAdminMixin

from . import notifications
from .countries import countries_named
from .logos import FORMAT_MESSAGE
from .models import Benefit, Enquiry, Partner


@admin.register(Partner)
class PartnerAdmin(
    AudienceViewsMixin, ScheduleAdminMixin, LanguageFormMixin, PublishActionsMixin, ContentAdmin
):
    list_display = ["logo_preview", "name", "type", "role", "country", "published", "position"]
    list_display_links = ["logo_preview", "name"]
    list_editable = ["position"]
    list_filter = ["type", "role", "published"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # Django's own message for a non-image says nothing about the accepted formats.
        models.ImageField: {"error_messages": {"invalid_image": FORMAT_MESSAGE}},
    }
    fieldsets = [
        (None, {"fields": ["name", "role", "type", "country", "website", "description"]}),
        (_("Logo"), {"fields": ["logo"]}),
        (_("Publishing"), {"fields": ["published", "position", "joined"]}),
        (_("Address"), {"classes": ["collapse"], "fields": ["slug"]}),
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


# A spreadsheet takes a cell starting with one of these for a formula; a leading apostrophe
# makes it plain text (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    """The enquiry inbox. What the visitor sent can be read, not changed."""

    list_display = ["submitted_at", "topic", "organisation", "name", "status", "delivery"]
    list_display_links = ["submitted_at", "topic"]
    list_filter = ["status", "topic", "delivery_status", "organisation_type", "submitted_at"]
    search_fields = ["name", "email", "organisation", "country", "message"]
    date_hierarchy = "submitted_at"
    list_per_page = 50
    actions = ["mark_handled", "mark_spam", "mark_new", "retry_delivery", "export_csv"]
    submitted_fields = [
        "submitted_at",
        "topic",
        "name",
        "email_link",
        "organisation",
        "organisation_type",
        "country",
        "message",
    ]
    handling_fields = ["status", "status_changed_by", "status_changed_at"]
    delivery_fields = [
        "delivery_status",
        "delivery_attempts",
        "delivered_at",
        "next_delivery_at",
        "last_delivery_error",
    ]
    readonly_fields = [*submitted_fields, "status_changed_by", "status_changed_at"]
    readonly_fields += delivery_fields
    fieldsets = [
        (_("What was sent"), {"fields": submitted_fields}),
        (
            _("Handling"),
            {"fields": handling_fields},
        ),
        (
            _("Notification email to the GenMig team"),
            {
                "fields": delivery_fields,
                "description": _(
                    "The enquiry is kept here whether or not the email went out. An email "
                    "that could not be sent is tried again every few minutes; “Retry "
                    "sending the notification email” in the list tries at once."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # enquiries come from the contact form only

    @admin.display(description=_("email address"), ordering="email")
    def email_link(self, obj):
        return format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)

    @admin.display(description=_("notification email"), ordering="delivery_status")
    def delivery(self, obj):
        if obj.delivery_status != Enquiry.Delivery.PENDING:
            return obj.get_delivery_status_display()
        attempts = ngettext("%(count)d attempt", "%(count)d attempts", obj.delivery_attempts) % {
            "count": obj.delivery_attempts
        }
        return format_html(
            '<strong class="delivery-pending">{}</strong> ({})',
            obj.get_delivery_status_display(),
            attempts,
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.status_changed_by = request.user
            obj.status_changed_at = timezone.now()
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status):
        changed = queryset.exclude(status=status).update(
            status=status, status_changed_by=request.user, status_changed_at=timezone.now()
        )
        label = Enquiry.Status(status).label
        self.message_user(
            request,
            ngettext(
                "%(count)d enquiry marked “%(status)s”.",
                "%(count)d enquiries marked “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark the selected enquiries handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        self._set_status(request, queryset, Enquiry.Status.HANDLED)

    @admin.action(description=_("Mark the selected enquiries spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Enquiry.Status.SPAM)

    @admin.action(description=_("Mark the selected enquiries new"), permissions=["change"])
    def mark_new(self, request, queryset):
        self._set_status(request, queryset, Enquiry.Status.NEW)

    @admin.action(description=_("Retry sending the notification email"), permissions=["change"])
    def retry_delivery(self, request, queryset):
        pending = list(
            queryset.filter(delivery_status=Enquiry.Delivery.PENDING).values_list("pk", flat=True)
        )
        if not pending:
            self.message_user(
                request,
                _("None of the selected enquiries has a notification email waiting to be sent."),
            )
            return
        sent, failed, left = notifications.retry(pending, seconds=settings.ENQUIRY_RETRY_SECONDS)
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d email sent.", "%(count)d emails sent.", sent) % {"count": sent},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email could not be sent; it will be tried again later. "
                    "The enquiry shows the error.",
                    "%(count)d emails could not be sent; they will be tried again later. "
                    "Each enquiry shows its error.",
                    failed,
                )
                % {"count": failed},
                messages.WARNING,
            )
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was not tried now, to keep this page quick; it will be "
                    "sent within a few minutes by the regular sending job.",
                    "%(count)d emails were not tried now, to keep this page quick; they will "
                    "be sent within a few minutes by the regular sending job.",
                    left,
                )
                % {"count": left},
                messages.INFO,
            )

    @admin.action(description=_("Export the selected enquiries (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"genmig-enquiries-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
        writer = csv.writer(response)
        columns = [
            ("pk", _("number")),
            ("submitted_at", _("received")),
            ("get_topic_display", _("topic")),
            ("name", _("name")),
            ("email", _("email address")),
            ("organisation", _("organization")),
            ("get_organisation_type_display", _("type of organization")),
            ("country", _("country")),
            ("message", _("message")),
            ("get_status_display", _("status")),
            ("status_changed_by", _("status changed by")),
            ("status_changed_at", _("status changed")),
            ("get_delivery_status_display", _("notification email")),
        ]
        writer.writerow([spreadsheet_safe(label) for _attr, label in columns])
        for enquiry in queryset.select_related("status_changed_by").order_by("submitted_at"):
            row = []
            for attr, _label in columns:
                value = getattr(enquiry, attr)
                row.append(spreadsheet_safe(value() if callable(value) else value))
            writer.writerow(row)
        return response
