"""How many enquiries one client address has sent in the last hour.

The count lives in Django's cache, so that every instance of the site sees the same count
when the cache is shared (Redis, set by REDIS_URL). With the default local-memory cache each
process counts on its own, which is good enough for one machine.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("genmig.enquiries")

WINDOW_SECONDS = 60 * 60


def _key(address):
    digest = hashlib.sha256(address.encode("utf-8", "replace")).hexdigest()[:32]
    return f"enquiry-rate:{digest}"


def count_submission(address):
    """Count one more submission from this address; return how many it has sent this hour.

    `cache.add` starts the hour's count and `cache.incr` is atomic in Redis, so instances
    counting at the same moment do not lose each other's submissions.
    """
    key = _key(address)
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the hour ran out between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return 1


def over_limit(address):
    """Count a submission and say whether it goes past ENQUIRY_RATE_LIMIT for the hour.

    If the cache cannot be reached the enquiry is let through: a lost enquiry from a person
    is worse than a few more from a robot.
    """
    limit = settings.ENQUIRY_RATE_LIMIT
    if limit <= 0:
        return False
    try:
        return count_submission(address) > limit
    except Exception:
        logger.exception("Enquiry limit not checked: the cache did not answer")
        return False
