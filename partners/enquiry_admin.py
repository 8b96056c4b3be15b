"""The enquiry inbox: what the visitor sent, read only; its handling in one click."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import notifications
from .enquiry_export import enquiries_csv
from .enquiry_text import delivery_problem, first_line, reply_link
from .models import Enquiry

# The one-click changes of status: (status, the button's words).
QUICK_STATUSES = [
    (Enquiry.Status.HANDLED, _("Mark handled")),
    (Enquiry.Status.SPAM, _("Mark spam")),
    (Enquiry.Status.NEW, _("Mark new")),
]


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    """The enquiry inbox. What the visitor sent can be read, not changed."""

    list_display = [
        "submitted_at",
        "topic",
        "sender",
        "message_start",
        "status",
        "one_click",
        "delivery",
    ]
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
    handling_fields = ["answer", "status", "status_changed_by", "status_changed_at", "note"]
    delivery_fields = [
        "delivery_status",
        "delivery_attempts",
        "delivered_at",
        "next_delivery_at",
        "delivery_problem",
    ]
    readonly_fields = [*submitted_fields, "answer", "status_changed_by", "status_changed_at"]
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

    def get_urls(self):
        opts = self.model._meta
        status = self.admin_site.admin_view(require_POST(self.status_view))
        return [
            path(
                "<int:pk>/status/",
                status,
                name=f"{opts.app_label}_{opts.model_name}_status",
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, pk):
        """One click from the list: the enquiry takes the status of the button pressed."""
        enquiry = get_object_or_404(Enquiry, pk=pk)
        status = request.POST.get("status")
        if not self.has_change_permission(request, enquiry):
            raise PermissionDenied
        if status in Enquiry.Status.values:
            self._set_status(request, Enquiry.objects.filter(pk=pk), status, one=enquiry)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:partners_enquiry_changelist")
        return HttpResponseRedirect(back)

    def status_buttons(self, obj, formaction=None):
        """A button per status the enquiry could take next; inside the list's form or the
        change form, each sends the form to where it changes the status."""
        buttons = [(status, label) for status, label in QUICK_STATUSES if status != obj.status]
        if obj.status == Enquiry.Status.NEW:
            buttons = buttons[:2]
        return format_html(
            '<span class="quick-status">{}</span>',
            format_html_join(
                "",
                '<button type="submit" class="button" name="{}" value="{}"{}>{}</button>',
                (
                    (
                        "status" if formaction else "_mark",
                        status,
                        format_html(' formaction="{}"', formaction) if formaction else "",
                        label,
                    )
                    for status, label in buttons
                ),
            ),
        )

    @admin.display(description=_("change status"))
    def one_click(self, obj):
        return self.status_buttons(obj, reverse("admin:partners_enquiry_status", args=[obj.pk]))

    @admin.display(description=_("from"), ordering="name")
    def sender(self, obj):
        if obj.organisation:
            return format_html("{}<br><small>{}</small>", obj.name, obj.organisation)
        return obj.name

    @admin.display(description=_("message"))
    def message_start(self, obj):
        return first_line(obj.message)

    @admin.display(description=_("answer"))
    def answer(self, obj):
        return format_html(
            '<a class="button reply-link" href="{}">{}</a> {}<p class="help">{}</p>',
            reply_link(obj),
            _("Reply by email"),
            self.status_buttons(obj),
            _(
                "“Reply by email” opens your mail program with the address, a subject and the "
                "message quoted, so that the answer goes from your own mailbox."
            ),
        )

    @admin.display(description=_("why it has not gone out"))
    def delivery_problem(self, obj):
        return delivery_problem(obj) or "—"

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
        marked = request.POST.get("_mark")
        if marked in Enquiry.Status.values and marked != obj.status:
            obj.status = marked
            form.changed_data.append("status")
        if "status" in form.changed_data:
            obj.status_changed_by = request.user
            obj.status_changed_at = timezone.now()
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status, one=None):
        changed = queryset.exclude(status=status).update(
            status=status, status_changed_by=request.user, status_changed_at=timezone.now()
        )
        label = Enquiry.Status(status).label
        if one is not None:
            self.message_user(
                request,
                _("“%(enquiry)s” marked “%(status)s”.") % {"enquiry": one, "status": label},
                messages.SUCCESS,
            )
            return
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
        return enquiries_csv(queryset)
