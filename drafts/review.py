"""Telling people about drafts: the publishers when a draft is submitted, its author when it
is sent back or published. Each email is stored first (ReviewNotice), written in the
recipient's language, then delivered exactly once: one tried after the request's commit, the
others (and those that failed) by `send_pending_enquiries`, each attempt claiming the row
with one conditional UPDATE as the enquiries' notifications do (partners/notifications.py)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partners.notifications import SENDING_LEASE, one_line, retry_wait

from .models import DraftEvent, ReviewNotice, StaffLanguage
from .publishing import name
from .roles import PUBLISHERS

logger = logging.getLogger("genmig.drafts")


def remember_language(request):
    user = request.user
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        StaffLanguage.objects.update_or_create(user=user, defaults={"language": language})


def publishers():
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return users.filter(Q(is_superuser=True) | Q(groups__name=PUBLISHERS)).distinct()


def recipients(draft, action, actor):
    if action == DraftEvent.Action.SUBMITTED:
        people = list(publishers())
    else:
        author = draft.submitted_by or draft.author
        people = [author] if author is not None and author.email and author.is_active else []
    return [person for person in people if actor is None or person.pk != actor.pk]


# Told to the author when a scheduled draft is left unpublished; not one of the draft's events.
HELD = "held"

SUBJECTS = {
    DraftEvent.Action.SUBMITTED: lambda: _("Waiting for your review: “%(item)s”"),
    DraftEvent.Action.SENT_BACK: lambda: _("Sent back to you: “%(item)s”"),
    DraftEvent.Action.PUBLISHED: lambda: _("Published: “%(item)s”"),
    HELD: lambda: _("Not published at the time set: “%(item)s”"),
}
LINES = {
    DraftEvent.Action.SUBMITTED: lambda: _("%(actor)s submitted draft changes for review."),
    DraftEvent.Action.SENT_BACK: lambda: _("%(actor)s sent your draft back."),
    DraftEvent.Action.PUBLISHED: lambda: _("%(actor)s approved and published your draft."),
    HELD: lambda: _(
        "Your draft, approved by %(actor)s, was not published at the time set: the published "
        "version has changed since the draft was started. Open it in the admin, compare, and "
        "have it published again."
    ),
}


def notify(request, draft, action, comment="", actor=None):
    """Store one email per recipient, in their language; send one once committed. Without a
    request (the scheduled publishing), `actor` acts and the email names the item only."""
    if action not in SUBJECTS:
        return []
    actor = request.user if request is not None else actor
    obj = draft.item if request is not None else None
    languages = dict(
        StaffLanguage.objects.filter(
            user__in=[p.pk for p in recipients(draft, action, actor)]
        ).values_list("user_id", "language")
    )
    notices = []
    for person in recipients(draft, action, actor):
        language = languages.get(person.pk, settings.LANGUAGE_CODE)
        with translation.override(language):
            link = ""
            if obj is not None:
                opts = obj._meta
                path = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                link = request.build_absolute_uri(path)
            values = {"item": draft.item_repr, "actor": name(actor)}
            lines = [LINES[action]() % values]
            if comment:
                lines += ["", _("Comment:"), comment]
            if link:
                lines += ["", _("Open it in the admin: %(link)s") % {"link": link}]
            notices.append(
                ReviewNotice(
                    draft=draft,
                    recipient=person,
                    email=person.email,
                    language=language,
                    subject=one_line(SUBJECTS[action]() % values, 200),
                    body="\n".join(lines),
                    next_delivery_at=timezone.now(),
                )
            )
    ReviewNotice.objects.bulk_create(notices)
    first = (
        ReviewNotice.objects.filter(draft=draft, delivery_status="pending")
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if first is not None:
        # One email within the request, which then waits at most EMAIL_TIMEOUT for the mail
        # server; the others are sent by send_pending_enquiries, which runs every minute.
        transaction.on_commit(lambda: attempt(first))
    return notices


def _claim(pk, now):
    pending = Q(delivery_status=ReviewNotice.Delivery.PENDING, next_delivery_at__lte=now)
    abandoned = Q(delivery_status=ReviewNotice.Delivery.SENDING, next_delivery_at__lte=now)
    claimed = ReviewNotice.objects.filter(Q(pk=pk) & (pending | abandoned)).update(
        delivery_status=ReviewNotice.Delivery.SENDING, next_delivery_at=now + SENDING_LEASE
    )
    return claimed == 1


def attempt(pk):
    """Claim, send, record; None when it was not ours to send."""
    if not _claim(pk, timezone.now()):
        return None
    notice = ReviewNotice.objects.get(pk=pk)
    notice.delivery_attempts += 1
    try:
        message = EmailMessage(
            subject=notice.subject,
            body=notice.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notice.email],
            headers={"Content-Language": notice.language},
        )
        if message.send(fail_silently=False) != 1:
            raise RuntimeError("the mail backend did not send the message")
    except Exception as error:
        notice.delivery_status = ReviewNotice.Delivery.PENDING
        notice.last_delivery_error = f"{type(error).__name__}: {error}"[:2000]
        notice.next_delivery_at = timezone.now() + retry_wait(notice.delivery_attempts)
        logger.warning("Review email %s not sent: %s", notice.pk, type(error).__name__)
    else:
        notice.delivery_status = ReviewNotice.Delivery.SENT
        notice.delivered_at = timezone.now()
        notice.next_delivery_at = None
        notice.last_delivery_error = ""
    notice.save()
    return notice.delivery_status == ReviewNotice.Delivery.SENT


def send_due(limit=100):
    """Send the review emails that are due, at most `limit`: (sent, failed)."""
    due = ReviewNotice.objects.filter(
        delivery_status__in=["pending", "sending"], next_delivery_at__lte=timezone.now()
    ).order_by("next_delivery_at", "pk")
    sent = failed = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        outcome = attempt(pk)
        sent += outcome is True
        failed += outcome is False
    return sent, failed
