"""The pages app's models, one module per kind: the schedule every public item shares, the
content (pages, resources, site settings), updates, the link check, the search index and the
audience figures."""

from ..dates import ZONE_CITIES
from .audience import (
    AudienceDay,
    ImportedLog,
    OpenVisitor,
    PathViews,
    ReferrerCount,
    SearchCount,
)
from .content import Page, Resource, SiteSettings
from .links import LinkCheck, LinkCheckRun
from .schedule import PublishedQuerySet, Scheduled, validate_time_zone
from .search import SearchDocument, SearchWord
from .updates import Update, UpdateQuerySet, store_renditions

__all__ = [
    "AudienceDay",
    "ImportedLog",
    "OpenVisitor",
    "PathViews",
    "ReferrerCount",
    "SearchCount",
    "ZONE_CITIES",
    "LinkCheck",
    "LinkCheckRun",
    "Page",
    "PublishedQuerySet",
    "Resource",
    "Scheduled",
    "SearchDocument",
    "SearchWord",
    "SiteSettings",
    "Update",
    "UpdateQuerySet",
    "store_renditions",
    "validate_time_zone",
]
