"""When the clock next changes what visitors see, without anyone saving anything.

An item appears at its `publish_at`, disappears at its `unpublish_at`, and an event stops
being "coming up" (and loses its registration button) once it starts. The page cache keeps
no page past the next of these moments (genmig/cache.py).
"""

from django.apps import apps
from django.db.models import Min
from django.utils import timezone

# Models with publish_at and unpublish_at, and the clock fields of each that pages read.
SCHEDULED_MODELS = ("pages.Page", "pages.Resource", "pages.Update", "partners.Partner")
EVENT_STARTS = (("pages.Update", "starts_at"),)


def next_change(now=None):
    """The next moment after `now` at which the clock changes a public page, or None.

    One query, whatever the number of models and items: the union of each clock field's
    earliest future value among items marked published, earliest first.
    """
    now = now or timezone.now()
    clocks = [(label, "publish_at", "gt") for label in SCHEDULED_MODELS]
    clocks += [(label, "unpublish_at", "gt") for label in SCHEDULED_MODELS]
    # Still "coming up" at the very moment it starts: the page changes just after.
    clocks += [(label, field, "gte") for label, field in EVENT_STARTS]
    parts = [
        apps.get_model(label)
        .objects.filter(published=True, **{f"{field}__{lookup}": now})
        .order_by()
        # Grouped by the published flag, which the filter makes one value: one row, its MIN.
        .values("published")
        .annotate(moment=Min(field))
        .values_list("moment")
        for label, field, lookup in clocks
    ]
    first, *others = parts
    found = list(first.union(*others, all=True).order_by("moment")[:1])
    return found[0][0] if found else None
