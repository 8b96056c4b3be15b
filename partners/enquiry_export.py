"""The enquiries as a spreadsheet file (CSV), for the list's export action."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A spreadsheet takes a cell starting with one of these for a formula; a leading apostrophe
# makes it plain text (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def enquiries_csv(queryset):
    """The enquiries as a CSV file to download, oldest first."""
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
