"""The audience figures editors read: the start page's "What visitors read" (a fixed number of
queries, whatever the amount of data) and an item's views on its change form."""

import datetime
import re
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AudienceDay, Page, PathViews, ReferrerCount, Resource, SearchCount, Update

PERIOD_DAYS = 30
LISTED = 10
# A search is shown only once this many visitors made it in the period shown.
MIN_SEARCH_VISITORS = 3
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 600, 120, 16


def period(today=None):
    last = today or timezone.localdate()
    return last - datetime.timedelta(days=PERIOD_DAYS - 1), last


def languages():
    return [code for code, _name in settings.LANGUAGES]


def by_language():
    """Per-language sums of views, for .annotate()."""
    return {f"views_{code}": Sum("views", filter=Q(language=code)) for code in languages()}


def most_read(kind, first):
    return list(
        PathViews.objects.filter(kind=kind, day__gte=first)
        .values("path")
        .annotate(total=Sum("views"), **by_language())
        .order_by("-total", "path")[:LISTED]
    )


def with_split(rows):
    names = dict(settings.LANGUAGES)
    for row in rows:
        row["split"] = [
            (code, names[code], row[f"views_{code}"])
            for code in languages()
            if row.get(f"views_{code}")
        ]
    return rows


def change_urls(paths):
    """{path: admin change address} for the pages, updates and documents among `paths`: one
    query per kind of item (three at most)."""
    pages, updates, files = {}, {}, {}
    for path in paths:
        if path.startswith(settings.MEDIA_URL):
            files[path[len(settings.MEDIA_URL) :]] = path
        elif match := re.fullmatch(r"/updates/([-\w]+)/", path):
            updates[match[1]] = path
        elif path == "/":
            pages[Page.HOME_SLUG] = path
        elif match := re.fullmatch(r"/([-\w]+)/", path):
            pages[match[1]] = path
    found = {}
    for model, field, wanted in (
        (Page, "slug", pages),
        (Update, "slug", updates),
        (Resource, "file", files),
    ):
        if not wanted:
            continue
        name = f"admin:pages_{model._meta.model_name}_change"
        for pk, value in model.objects.filter(**{f"{field}__in": wanted}).values_list("pk", field):
            found[wanted[value]] = reverse(name, args=[pk])
    return found


def search_url(language, term):
    with translation.override(language):
        return f"{reverse('pages:search')}?{urlencode({'q': term})}"


def chart(days, first):
    """Visits a day as an SVG bar chart, drawn here: one bar a day, each with its figure as a
    tooltip, and the whole described in words for screen readers."""
    visitors = {day["day"]: day["visitors"] for day in days}
    dates = [first + datetime.timedelta(days=n) for n in range(PERIOD_DAYS)]
    highest = max([visitors.get(date, 0) for date in dates] + [1])
    slot = CHART_WIDTH / PERIOD_DAYS
    bars = []
    for index, date in enumerate(dates):
        count = visitors.get(date, 0)
        height = round((CHART_HEIGHT - CHART_TOP) * count / highest, 1)
        label = ngettext("%(date)s: %(count)s visitor", "%(date)s: %(count)s visitors", count)
        bars.append(
            (
                round(index * slot + 1, 1),
                round(CHART_HEIGHT - height, 1),
                round(slot - 2, 1),
                height,
                label % {"date": date_format(date, "DATE_FORMAT"), "count": count},
            )
        )
    total = sum(visitors.get(date, 0) for date in dates)
    description = _(
        "Visitors a day from %(first)s to %(last)s: %(total)s in all, at most %(most)s a day."
    ) % {
        "first": date_format(dates[0], "DATE_FORMAT"),
        "last": date_format(dates[-1], "DATE_FORMAT"),
        "total": number_format(total, force_grouping=True),
        "most": number_format(max(visitors.get(date, 0) for date in dates), force_grouping=True),
    }
    return format_html(
        '<svg class="audience-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" class="axis"/>{}'
        '<text x="0" y="11" class="label">{}</text></svg>',
        CHART_WIDTH,
        CHART_HEIGHT,
        description,
        CHART_HEIGHT,
        CHART_WIDTH,
        CHART_HEIGHT,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            bars,
        ),
        number_format(highest, force_grouping=True),
    )


def audience(today=None):
    """The start page's section: at most eight queries."""
    first, last = period(today)
    days = list(
        AudienceDay.objects.filter(day__gte=first, day__lte=last).values(
            "day", "views", "downloads", "searches", "visitors"
        )
    )
    if not days:
        # Every address, site and search counted has its day: nothing else to read.
        return None
    pages = with_split(most_read(PathViews.Kind.PAGE, first))
    documents = most_read(PathViews.Kind.DOCUMENT, first)
    referrers = list(
        ReferrerCount.objects.filter(day__gte=first)
        .values("host")
        .annotate(total=Sum("views"))
        .order_by("-total", "host")[:LISTED]
    )
    not_found = list(
        SearchCount.objects.filter(day__gte=first, results=0)
        .values("language", "term")
        .annotate(total=Sum("searches"), people=Sum("visitors"))
        .filter(people__gte=MIN_SEARCH_VISITORS)
        .order_by("-total", "term")[:LISTED]
    )
    edit = change_urls([row["path"] for row in pages + documents])
    for row in pages + documents:
        row["change_url"] = edit.get(row["path"])
    names = dict(settings.LANGUAGES)
    for row in not_found:
        row["url"] = search_url(row["language"], row["term"])
        row["language_name"] = names.get(row["language"], row["language"])
    return {
        "first": first,
        "last": last,
        "chart": chart(days, first),
        "views": sum(day["views"] for day in days),
        "downloads": sum(day["downloads"] for day in days),
        "visitors": sum(day["visitors"] for day in days),
        "searches": sum(day["searches"] for day in days),
        "pages": pages,
        "documents": documents,
        "referrers": referrers,
        "not_found": not_found,
    }


def item_path(obj):
    """The address (without a language folder) whose views are an item's: its page, its
    document, or the list that shows it."""
    if isinstance(obj, Resource) and obj.file:
        return settings.MEDIA_URL + obj.file.name
    with translation.override(settings.LANGUAGE_CODE):
        return urlsplit(obj.get_absolute_url()).path


def item_views(obj, today=None):
    """{"path", "total", "split": [(language name, views)]} over the period, in one query."""
    first, _last = period(today)
    path = item_path(obj)
    rows = (
        PathViews.objects.filter(path=path, day__gte=first)
        .values("language")
        .annotate(total=Sum("views"))
        .order_by("language")
    )
    names = dict(settings.LANGUAGES)
    split = [(names.get(row["language"], ""), row["total"]) for row in rows]
    return {
        "path": path,
        "total": sum(total for _name, total in split),
        "split": [(name, total) for name, total in split if name],
    }
