"""The personal data the partners app keeps: enquiries (with their notification's delivery
record, kept on the enquiry itself) and the keyed client hashes of the hourly enquiry limit.

Each function does one thing for one kind; genmig/personal_data.py lists them, for the daily
purge, for a person's export and erasure, and for the privacy notice's table of periods.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Enquiry, RecentSubmission
from .ratelimit import WINDOW_SECONDS


def _deleted(queryset):
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def purge_enquiries(now=None):
    """Enquiries received more than ENQUIRY_RETENTION_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ENQUIRY_RETENTION_DAYS)
    return _deleted(Enquiry.objects.filter(submitted_at__lt=cutoff))


def purge_spam_enquiries(now=None):
    """Enquiries marked spam received more than SPAM_ENQUIRY_RETENTION_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SPAM_ENQUIRY_RETENTION_DAYS)
    return _deleted(Enquiry.objects.filter(status=Enquiry.Status.SPAM, submitted_at__lt=cutoff))


def purge_client_hashes(now=None):
    """The enquiry limit's keyed client hashes, once the hour they count for has passed."""
    cutoff = (now or timezone.now()) - timedelta(seconds=WINDOW_SECONDS)
    return _deleted(RecentSubmission.objects.filter(submitted_at__lt=cutoff))


def enquiries_from(email, before=None):
    enquiries = Enquiry.objects.filter(email__iexact=email)
    if before is not None:
        enquiries = enquiries.filter(submitted_at__lte=before)
    return enquiries


def export_enquiries(email):
    """Every enquiry sent from this address, with the record of its notification email."""
    return [
        {
            "received": enquiry.submitted_at.isoformat(),
            "topic": enquiry.topic,
            "name": enquiry.name,
            "email": enquiry.email,
            "organisation_type": enquiry.organisation_type,
            "organisation": enquiry.organisation,
            "country": enquiry.country,
            "message": enquiry.message,
            "language": enquiry.language,
            "status": enquiry.status,
            "internal_note": enquiry.note,
            "status_changed_at": enquiry.status_changed_at
            and enquiry.status_changed_at.isoformat(),
            "notification": {
                "status": enquiry.delivery_status,
                "attempts": enquiry.delivery_attempts,
                "sent_at": enquiry.delivered_at and enquiry.delivered_at.isoformat(),
                "last_error": enquiry.last_delivery_error,
                "recipient": settings.CONTACT_EMAIL,
            },
        }
        for enquiry in enquiries_from(email).order_by("submitted_at", "pk")
    ]


def erase_enquiries(email, before=None):
    """Delete the address's enquiries, their notification records with them (received up to
    `before`, when an erasure made then is replayed)."""
    return _deleted(enquiries_from(email, before))


def enquiry_addresses():
    """Every address enquiries are kept from, for replaying erasures after a restore."""
    return set(Enquiry.objects.values_list("email", flat=True).distinct())
