"""The personal data the drafts app keeps on an address: the review emails (ReviewNotice),
whose bodies name people and quote their comments.

Each function does one thing; genmig/personal_data.py lists them, for the daily purge, for a
person's export and erasure, and for the privacy notice's table of periods.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ReviewNotice


def _deleted(queryset):
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def purge_review_notices(now=None):
    """Review emails sent more than REVIEW_NOTICE_RETENTION_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REVIEW_NOTICE_RETENTION_DAYS)
    sent = ReviewNotice.objects.filter(delivery_status=ReviewNotice.Delivery.SENT)
    return _deleted(sent.filter(created__lt=cutoff))


def notices_to(email, before=None):
    notices = ReviewNotice.objects.filter(email__iexact=email)
    if before is not None:
        notices = notices.filter(created__lte=before)
    return notices


def export_review_notices(email):
    """Every review email kept for this address, as it was written."""
    return [
        {
            "created": notice.created.isoformat(),
            "email": notice.email,
            "language": notice.language,
            "subject": notice.subject,
            "body": notice.body,
            "status": notice.delivery_status,
            "sent_at": notice.delivered_at and notice.delivered_at.isoformat(),
        }
        for notice in notices_to(email).order_by("created", "pk")
    ]


def erase_review_notices(email, before=None):
    return _deleted(notices_to(email, before))


def review_notice_addresses():
    return set(ReviewNotice.objects.values_list("email", flat=True).distinct())


def comments_by(email, before=None):
    """The comments a member of staff gave on drafts (submitting, sending back, approving)."""
    from genmig.staff_data import staff_accounts

    from .models import DraftEvent

    return DraftEvent.objects.filter(user__in=staff_accounts(email, before)).exclude(comment="")


def export_draft_comments(email):
    return [
        {
            "time": event.time.isoformat(),
            "action": event.action,
            "item": event.draft.item_repr,
            "comment": event.comment,
        }
        for event in comments_by(email).select_related("draft").order_by("time", "pk")
    ]


def erase_draft_comments(email, before=None):
    """The comments are emptied; the steps themselves (who did what, when) stay with the
    draft, named by the neutral label the staff account gets."""
    return comments_by(email, before).update(comment="")
