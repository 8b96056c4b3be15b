"""What the enquiry inbox says about an enquiry: its first line, why its notification email
has not gone out (as a sentence), and the reply link that opens the handler's mail program."""

from urllib.parse import quote

from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from .models import Enquiry

FIRST_LINE_LENGTH = 90

# The kind of error stored by partners/notifications.py ("ConnectionRefusedError: ..."),
# as staff read it. The technical detail stays in the log.
NO_ANSWER = {
    "ConnectionRefusedError",
    "ConnectionResetError",
    "ConnectionAbortedError",
    "TimeoutError",
    "timeout",
    "gaierror",
    "OSError",
    "SMTPConnectError",
    "SMTPServerDisconnected",
}
REFUSED_SIGN_IN = {"SMTPAuthenticationError", "SMTPNotSupportedError"}
REFUSED_ADDRESS = {"SMTPRecipientsRefused", "SMTPSenderRefused", "SMTPDataError"}


def first_line(message, length=FIRST_LINE_LENGTH):
    """The message's first line that has words, shortened to `length` characters."""
    line = next((line.strip() for line in message.splitlines() if line.strip()), "")
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def admin_moment(value):
    """A time today as "14:05", any other as "20 Jan 2027, 14:05" (in the admin's zone)."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "TIME_FORMAT")
    return formats.date_format(local, "DATETIME_FORMAT")


def delivery_problem(enquiry):
    """Why the notification email has not gone out and when it is tried again, in words."""
    if enquiry.delivery_status != Enquiry.Delivery.PENDING or not enquiry.last_delivery_error:
        return ""
    kind = enquiry.last_delivery_error.partition(":")[0].strip()
    if enquiry.next_delivery_at:
        values = {"time": admin_moment(enquiry.next_delivery_at)}
        if kind in NO_ANSWER:
            text = gettext("The mail server did not answer; the site will try again at %(time)s.")
        elif kind in REFUSED_SIGN_IN:
            text = gettext(
                "The mail server refused the site's sign-in; the site will try again at "
                "%(time)s. Tell the site's administrator if this lasts."
            )
        elif kind in REFUSED_ADDRESS:
            text = gettext(
                "The mail server refused the message or one of its addresses; the site will "
                "try again at %(time)s. Tell the site's administrator if this lasts."
            )
        else:
            text = gettext("The email could not be sent; the site will try again at %(time)s.")
        return text % values
    return gettext("The email could not be sent; the site will try again within a few minutes.")


def reply_link(enquiry):
    """A mailto: address that opens a reply to the enquirer, with a subject and the message
    quoted, written in the language of the form they used."""
    with translation.override(enquiry.language):
        subject = gettext("Re: your enquiry to GenMig (%(topic)s)") % {
            "topic": enquiry.get_topic_display()
        }
        received = formats.date_format(timezone.localtime(enquiry.submitted_at), "DATETIME_FORMAT")
        intro = gettext("On %(date)s, %(name)s wrote:") % {"date": received, "name": enquiry.name}
    quoted = "\n".join("> " + line for line in enquiry.message.splitlines())
    # RFC 6068: line breaks in a mailto: body are CR LF.
    body = f"\n\n{intro}\n{quoted}\n".replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return f"mailto:{quote(enquiry.email, safe='@')}?{query}"
