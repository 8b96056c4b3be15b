"""How many enquiries one client has sent in the last hour.

The count is kept in the database (RecentSubmission), which every worker and every instance
shares, with or without Redis, and which no amount of page traffic can evict. A client is
its address, or for IPv6 its /64 network (what one subscriber usually gets), stored only as
a keyed hash and only for the hour.
"""

import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RecentSubmission

logger = logging.getLogger("genmig.enquiries")

WINDOW_SECONDS = 60 * 60


def client_key(address):
    """A keyed hash of the client: the address, or the /64 network of an IPv6 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        client = address
    else:
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip.version == 6:
            client = str(ipaddress.IPv6Network((int(ip), 64), strict=False))
        else:
            client = str(ip)
    return salted_hmac("genmig.enquiry-rate", client, algorithm="sha256").hexdigest()


def over_limit(address):
    """Count a submission and say whether it goes past ENQUIRY_RATE_LIMIT for the hour.

    Each submission is written first and counted after, so two workers counting at the same
    moment can never both let one too many through; one that goes past the limit is taken
    off the count again, so refused attempts do not pile up.
    """
    limit = settings.ENQUIRY_RATE_LIMIT
    if limit <= 0:
        return False
    now = timezone.now()
    hour_ago = now - timedelta(seconds=WINDOW_SECONDS)
    RecentSubmission.objects.filter(submitted_at__lt=hour_ago).delete()
    client = client_key(address)
    submission = RecentSubmission.objects.create(client=client, submitted_at=now)
    sent = RecentSubmission.objects.filter(client=client, submitted_at__gte=hour_ago).count()
    if sent > limit:
        submission.delete()
        return True
    return False
