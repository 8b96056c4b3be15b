"""The daily purge of the audience figures (run with the other personal data's)."""

import datetime

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from ..models import AudienceDay, ImportedLog, OpenVisitor, PathViews, ReferrerCount, SearchCount
from .figures import MIN_SEARCH_VISITORS, PERIOD_DAYS


def purge_audience(now=None):
    """Delete the figures older than AUDIENCE_RETENTION_DAYS, and the searches past the period
    the start page shows that fewer than MIN_SEARCH_VISITORS visitors made (they can never be
    shown); the number of rows deleted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = today - datetime.timedelta(days=settings.AUDIENCE_RETENTION_DAYS)
    deleted = 0
    for model in (PathViews, ReferrerCount, SearchCount, OpenVisitor, AudienceDay):
        deleted += model.objects.filter(day__lt=cutoff).delete()[0]
    shown = (
        SearchCount.objects.values("term")
        .annotate(people=Sum("visitors"))
        .filter(people__gte=MIN_SEARCH_VISITORS)
        .values("term")
    )
    past = today - datetime.timedelta(days=PERIOD_DAYS)
    deleted += SearchCount.objects.filter(day__lt=past).exclude(term__in=shown).delete()[0]
    old = now - datetime.timedelta(days=settings.AUDIENCE_RETENTION_DAYS)
    deleted += ImportedLog.objects.filter(imported_at__lt=old).delete()[0]
    return deleted
