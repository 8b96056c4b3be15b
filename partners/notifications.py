"""The email that tells IOM staff about a new enquiry, and how it is delivered.

The enquiry is already stored when anything here runs; the email only tells staff about it.
Sending is tried once straight after the visitor's submission, then by
`manage.py send_pending_enquiries`, run every few minutes, with a growing pause between
attempts. Each attempt holds a row lock (PostgreSQL's SELECT ... FOR UPDATE SKIP LOCKED), so
that runs at the same moment, on one machine or several, never send the same notification
twice: a run skips the enquiries another one is sending.
"""

import logging
import unicodedata
from contextlib import nullcontext
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Enquiry

logger = logging.getLogger("genmig.enquiries")

# After a failure, wait one minute, then two, four... but never more than half an hour.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
# A new enquiry belongs to the request that stored it for this long: send_pending_enquiries
# leaves it alone meanwhile. PostgreSQL's row lock would be enough, but SQLite has none.
FIRST_ATTEMPT_LEASE = timedelta(minutes=2)
LONGEST_SUBJECT = 160

SUBJECTS = {
    Enquiry.Topic.PARTNERSHIP: _("Partnership enquiry from %(sender)s"),
    Enquiry.Topic.RESEARCH: _("Research collaboration enquiry from %(sender)s"),
    Enquiry.Topic.MEDIA: _("Media enquiry from %(sender)s"),
    Enquiry.Topic.OTHER: _("Enquiry from %(sender)s"),
}


def one_line(text, limit=LONGEST_SUBJECT):
    """Text fit for an email header: no line breaks, no control or formatting characters.

    Line and paragraph separators and control characters become spaces; formatting
    characters (right-to-left marks, zero-width joiners) go, so that none can disguise
    the subject. Runs of spaces shrink to one.
    """
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf" or category in ("Cs", "Co", "Cn"):
            continue
        kept.append(" " if category in ("Cc", "Zl", "Zp") else char)
    line = " ".join("".join(kept).split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def subject_for(enquiry):
    template = SUBJECTS.get(enquiry.topic, SUBJECTS[Enquiry.Topic.OTHER])
    return one_line("[GenMig] " + str(template) % {"sender": one_line(enquiry.sender)})


def body_for(enquiry):
    def row(label, value):
        return f"{label}: {value or '—'}"

    received = timezone.localtime(enquiry.submitted_at).strftime("%Y-%m-%d %H:%M %Z")
    return "\n".join(
        [
            str(_("A new enquiry was sent through the contact form of the GenMig website.")),
            str(_("Reply to this email to answer the sender.")),
            "",
            row(_("Topic"), enquiry.get_topic_display()),
            row(_("Name"), enquiry.name),
            row(_("Email address"), enquiry.email),
            row(_("Organization"), enquiry.organisation),
            row(_("Type of organization"), enquiry.get_organisation_type_display()),
            row(_("Country"), enquiry.country),
            row(_("Language of the form"), translation.get_language_info(enquiry.language)["name"]),
            row(_("Received"), received),
            "",
            f"{_('Message')}:",
            enquiry.message,
            "",
            "-- ",
            str(
                _(
                    "Enquiry number %(number)s is kept in the website's admin, under "
                    "Partners and enquiries › Enquiries. Mark it handled there once it is "
                    "answered."
                )
            )
            % {"number": enquiry.pk},
        ]
    )


def message_id_for(enquiry):
    """The same Message-ID for every attempt, so that a mailbox can recognise a repeat."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "genmig.org"
    return f"<enquiry-{enquiry.pk}.{int(enquiry.submitted_at.timestamp())}@{domain}>"


def build_message(enquiry):
    """The notification: to CONTACT_EMAIL only, never to the address the visitor typed.

    Always in English, whatever the language of the page that sent it.
    """
    with translation.override("en"):
        return _build_message(enquiry)


def _build_message(enquiry):
    return EmailMessage(
        subject=subject_for(enquiry),
        body=body_for(enquiry),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.CONTACT_EMAIL],
        reply_to=[enquiry.email],
        headers={"Message-ID": message_id_for(enquiry)},
    )


def _send(enquiry):
    message = build_message(enquiry)
    mail = get_connection(fail_silently=False)  # waits at most EMAIL_TIMEOUT for the server
    mail.open()
    try:
        if mail.send_messages([message]) != 1:
            raise RuntimeError("the mail backend did not send the message")
    finally:
        try:
            mail.close()
        except Exception:
            # The server has the message; a failed goodbye must not make it send again.
            logger.warning("Closing the mail connection failed", exc_info=True)


def retry_wait(attempts):
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 16), LONGEST_WAIT)


def _attempt(enquiry):
    """Send one notification and record how it went on the enquiry."""
    enquiry.delivery_attempts += 1
    try:
        _send(enquiry)
    except Exception as error:
        # Whatever went wrong, the enquiry stays stored and pending, to be tried again.
        enquiry.last_delivery_error = f"{type(error).__name__}: {error}"[:2000]
        enquiry.next_delivery_at = timezone.now() + retry_wait(enquiry.delivery_attempts)
        logger.warning(
            "Enquiry %s: notification not sent (attempt %s), next attempt at %s: %s",
            enquiry.pk,
            enquiry.delivery_attempts,
            enquiry.next_delivery_at.isoformat(timespec="seconds"),
            enquiry.last_delivery_error,
        )
    else:
        enquiry.delivery_status = Enquiry.Delivery.SENT
        enquiry.delivered_at = timezone.now()
        enquiry.next_delivery_at = None
        enquiry.last_delivery_error = ""
        logger.info(
            "Enquiry %s: notification sent to %s (attempt %s)",
            enquiry.pk,
            settings.CONTACT_EMAIL,
            enquiry.delivery_attempts,
        )
    enquiry.save(
        update_fields=[
            "delivery_status",
            "delivery_attempts",
            "delivered_at",
            "next_delivery_at",
            "last_delivery_error",
        ]
    )
    return enquiry.delivery_status == Enquiry.Delivery.SENT


def _send_first(queryset):
    """Send the first pending enquiry of the queryset that no one else is sending.

    Returns (enquiry, sent), or (None, False) when there is none. On PostgreSQL the row stays
    locked until its new delivery status is committed, and rows locked by another run are
    skipped. SQLite has no row locks: there, one run at a time, and no transaction is held
    open across the call to the mail server, which would block every other write.
    """
    locking = connections[queryset.db].features.has_select_for_update_skip_locked
    with transaction.atomic(using=queryset.db) if locking else nullcontext():
        pending = queryset.filter(delivery_status=Enquiry.Delivery.PENDING).order_by(
            "next_delivery_at", "pk"
        )
        if locking:
            pending = pending.select_for_update(skip_locked=True)
        enquiry = pending.first()
        if enquiry is None:
            return None, False
        return enquiry, _attempt(enquiry)


def start_delivery(enquiry):
    """Reserve a newly stored enquiry's first attempt for the request that stored it."""
    enquiry.next_delivery_at = timezone.now() + FIRST_ATTEMPT_LEASE


def send_new(pk):
    """The first attempt, straight after the enquiry was stored and committed."""
    return _send_first(Enquiry.objects.filter(pk=pk))[1]


def send_due(limit=100):
    """Send every notification that is due, at most `limit`. Returns (sent, failed)."""
    now = timezone.now()
    sent = failed = 0
    for _attempt_number in range(limit):
        enquiry, ok = _send_first(Enquiry.objects.due(now))
        if enquiry is None:
            break
        if ok:
            sent += 1
        else:
            failed += 1
    return sent, failed


def retry(pks):
    """Try the selected pending enquiries again now (the admin's “retry” action)."""
    Enquiry.objects.filter(pk__in=pks, delivery_status=Enquiry.Delivery.PENDING).update(
        next_delivery_at=timezone.now() + FIRST_ATTEMPT_LEASE
    )
    sent = failed = 0
    for pk in pks:
        enquiry, ok = _send_first(Enquiry.objects.filter(pk=pk))
        if enquiry is None:
            continue
        if ok:
            sent += 1
        else:
            failed += 1
    return sent, failed
