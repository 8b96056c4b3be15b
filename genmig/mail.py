"""Mail backends of the site's own."""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("genmig.mail")


class ConsoleBackend(BaseEmailBackend):
    """The console without DEBUG: one log line per email, with no word of its content.

    Django's console backend prints the whole message, and an enquiry's notification holds
    the visitor's name, address and message, which have no place in a log. Nothing is sent:
    for trying the site out (make serve), never for a deployment.
    """

    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning(
                "Email not sent (EMAIL_URL is the console): %s to %s",
                message.extra_headers.get("Message-ID", "a message"),
                ", ".join(message.recipients()),
            )
        return len(email_messages)
