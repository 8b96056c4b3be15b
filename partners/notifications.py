"""The email that tells IOM staff about a new enquiry, and how it is delivered.

The enquiry is already stored when anything here runs; the email only tells staff about it.
Sending is tried once straight after the visitor's submission, then by
`manage.py send_pending_enquiries`, run every few minutes, with a growing pause between
attempts. Before sending, an attempt claims the enquiry with one conditional UPDATE (pending,
or a claim that has run out, becomes "sending"): the database lets exactly one claimant
through, on PostgreSQL and SQLite alike, and no transaction stays open while the mail server
is talked to. So the request, the admin's retry and any number of runs at the same moment,
on one machine or several, never send the same notification twice.
"""

import logging
import time
import unicodedata
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Enquiry

logger = logging.getLogger("genmig.enquiries")

# After a failure, wait one minute, then two, four... but never more than half an hour.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
# A new enquiry belongs to the request that stored it for this long: send_pending_enquiries
# leaves it alone meanwhile.
FIRST_ATTEMPT_LEASE = timedelta(minutes=2)
# An attempt that claimed an enquiry has this long to send it and say so. Far longer than any
# attempt takes (EMAIL_TIMEOUT); should the process die meanwhile, the claim runs out and the
# enquiry is tried again.
SENDING_LEASE = timedelta(minutes=10)
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


def _claim(pk, now, due_only):
    """Make the enquiry ours to send, or say that someone else has it (one UPDATE).

    Pending (and, for send_pending_enquiries, due), or claimed by an attempt whose claim ran
    out: the row becomes "sending" until SENDING_LEASE from now. The database applies one
    UPDATE to a row at a time and checks the condition again on the row as the other left
    it, so of two claimants exactly one finds the row still matching.
    """
    pending = Q(delivery_status=Enquiry.Delivery.PENDING)
    if due_only:
        pending &= Q(next_delivery_at__lte=now)
    abandoned = Q(delivery_status=Enquiry.Delivery.SENDING, next_delivery_at__lte=now)
    return (
        Enquiry.objects.filter(Q(pk=pk) & (pending | abandoned)).update(
            delivery_status=Enquiry.Delivery.SENDING, next_delivery_at=now + SENDING_LEASE
        )
        == 1
    )


def _attempt(pk, due_only=False):
    """Claim the enquiry, send its notification, record how it went.

    Returns True when sent, False when the attempt failed, None when it was not ours to
    send (sent already, withheld, or being sent by someone else).
    """
    now = timezone.now()
    if not _claim(pk, now, due_only):
        return None
    enquiry = Enquiry.objects.get(pk=pk)
    enquiry.delivery_attempts += 1
    try:
        _send(enquiry)
    except Exception as error:
        # Whatever went wrong, the enquiry stays stored and pending, to be tried again.
        enquiry.delivery_status = Enquiry.Delivery.PENDING
        enquiry.last_delivery_error = f"{type(error).__name__}: {error}"[:2000]
        enquiry.next_delivery_at = timezone.now() + retry_wait(enquiry.delivery_attempts)
        logger.warning(
            "Enquiry %s: notification not sent (attempt %s), next attempt at %s: %s",
            enquiry.pk,
            enquiry.delivery_attempts,
            enquiry.next_delivery_at.isoformat(timespec="seconds"),
            without_personal_data(enquiry.last_delivery_error, enquiry),
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


def without_personal_data(text, enquiry):
    """An error to log, without anything the visitor typed should the error quote it."""
    for value in (enquiry.name, enquiry.email, enquiry.organisation, enquiry.message):
        if value and len(value) > 1:
            text = text.replace(value, "[…]")
    return text


def start_delivery(enquiry):
    """Reserve a newly stored enquiry's first attempt for the request that stored it."""
    enquiry.next_delivery_at = timezone.now() + FIRST_ATTEMPT_LEASE


def send_new(pk):
    """The first attempt, straight after the enquiry was stored and committed."""
    return bool(_attempt(pk))


def send_due(limit=100):
    """Send every notification that is due, at most `limit`. Returns (sent, failed)."""
    sent = failed = 0
    tried = set()
    for _attempt_number in range(limit):
        now = timezone.now()
        candidates = (
            Enquiry.objects.due(now)
            .exclude(pk__in=tried)
            .order_by("next_delivery_at", "pk")
            .values_list("pk", flat=True)
        )
        pk = candidates.first()
        if pk is None:
            break
        tried.add(pk)  # whatever happens, not again in this run
        outcome = _attempt(pk, due_only=True)
        if outcome:
            sent += 1
        elif outcome is False:
            failed += 1
    return sent, failed


def retry(pks, seconds=None):
    """Try the selected pending enquiries again now (the admin's “retry” action).

    Stops starting new attempts once `seconds` have passed, so that the admin's request ends
    well within gunicorn's timeout; the enquiries not reached are left due at once, for
    send_pending_enquiries. Returns (sent, failed, left).
    """
    started = time.monotonic()
    sent = failed = 0
    for index, pk in enumerate(pks):
        if seconds is not None and time.monotonic() - started >= seconds:
            rest = pks[index:]
            left = Enquiry.objects.filter(
                pk__in=rest, delivery_status=Enquiry.Delivery.PENDING
            ).update(next_delivery_at=timezone.now())
            return sent, failed, left
        outcome = _attempt(pk)
        if outcome:
            sent += 1
        elif outcome is False:
            failed += 1
    return sent, failed, 0
