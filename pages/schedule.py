"""When the clock next changes what visitors see, without anyone saving anything.

An item appears at its `publish_at`, disappears at its `unpublish_at`, and an event stops
being "coming up" (and loses its registration button) once it starts. The page cache keeps
no page past the next of these moments (genmig/cache.py).
"""

from django.apps import apps
from django.utils import timezone

# Models with publish_at and unpublish_at, and the clock fields of each that pages read.
SCHEDULED_MODELS = ("pages.Page", "pages.Resource", "pages.Update", "partners.Partner")
EVENT_STARTS = (("pages.Update", "starts_at"),)


def next_change(now=None):
    """The next moment after `now` at which the clock changes a public page, or None.

    One query, whatever the number of models and items: the union of each clock field's
    future values, of items marked published, earliest first.
    """
    now = now or timezone.now()
    parts = []
    for label in SCHEDULED_MODELS:
        published = apps.get_model(label).objects.filter(published=True).order_by()
        parts.append(published.filter(publish_at__gt=now).values_list("publish_at"))
        parts.append(published.filter(unpublish_at__gt=now).values_list("unpublish_at"))
    for label, field in EVENT_STARTS:
        published = apps.get_model(label).objects.filter(published=True).order_by()
        # Still "coming up" at the very moment it starts: the page changes just after.
        parts.append(published.filter(**{f"{field}__gte": now}).values_list(field))
    first, *others = parts
    moments = first.union(*others, all=True).order_by("publish_at")[:1]
    found = list(moments)
    return found[0][0] if found else None
