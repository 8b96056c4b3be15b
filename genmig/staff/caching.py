"""The cache as sign-in uses it: a cache that does not answer (Redis down) must never stop
staff from signing in, so each call here gives its default and logs, rather than raising."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cached(operation, *args, default=None):
    try:
        return getattr(cache, operation)(*args)
    except Exception:  # noqa: BLE001 (any failure of the cache server)
        logger.warning("Sign-in: the cache did not answer (%s); going on without it", operation)
        return default
