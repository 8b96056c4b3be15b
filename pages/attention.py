"""What waits for editors: the sections of the admin's start page, and the filters they link to.

Each section is a title and a list of counts, each linking to the admin list filtered to what
it counts. The counts of one kind of item come from one query, so the page costs the same
whatever the amount of content.
"""

import datetime

from django.conf import settings
from django.contrib import admin
from django.db.models import CharField, Count, IntegerField, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .editing import expiring_soon, going_live_soon
from .history import translated_fields
from .models import Scheduled

STALE_AFTER = datetime.timedelta(days=365)
# The kinds of content an editor writes, in the order the start page shows them.
CONTENT_MODELS = [
    "pages.Page",
    "pages.Update",
    "pages.Resource",
    "partners.Partner",
    "partners.Benefit",
]


def missing_language(model, language):
    """Items with text in English, in any translated field, but none in `language`."""
    condition = Q()
    for columns in translated_fields(model).values():
        english, other = columns.get(settings.LANGUAGE_CODE), columns.get(language)
        if english and other:
            condition |= (~Q(**{english: ""}) & Q(**{f"{english}__isnull": False})) & (
                Q(**{other: ""}) | Q(**{f"{other}__isnull": True})
            )
    return condition


def stale(now=None):
    return Q(updated__lt=(now or timezone.now()) - STALE_AFTER)


class MissingLanguageFilter(admin.SimpleListFilter):
    title = gettext_lazy("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            ("fr", _("French text missing")),
            ("es", _("Spanish text missing")),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("fr", "es"):
            return queryset.filter(missing_language(queryset.model, self.value()))
        return queryset


class NotUpdatedFilter(admin.SimpleListFilter):
    title = gettext_lazy("last updated")
    parameter_name = "not_updated"

    def lookups(self, request, model_admin):
        return [("year", _("Not updated for a year"))]

    def queryset(self, request, queryset):
        if self.value() == "year":
            return queryset.filter(stale())
        return queryset


def admin_list(model, query=""):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{query}" if query else url


def model_admin_for(model):
    return admin.site._registry.get(model)


def can_view(request, model):
    model_admin = model_admin_for(model)
    return model_admin is not None and model_admin.has_view_or_change_permission(request)


def enquiries_section(request):
    from partners.models import Enquiry

    if not can_view(request, Enquiry):
        return None
    pending = Q(delivery_status=Enquiry.Delivery.PENDING)
    counts = Enquiry.objects.aggregate(
        new=Count("pk", filter=Q(status=Enquiry.Status.NEW)),
        pending=Count("pk", filter=pending),
        failing=Count("pk", filter=pending & Q(delivery_attempts__gte=1)),
    )
    return {
        "name": "enquiries",
        "title": _("Enquiries"),
        "items": [
            (_("New enquiries"), counts["new"], admin_list(Enquiry, "status__exact=new")),
            (
                _("Notification emails not sent yet"),
                counts["pending"],
                admin_list(Enquiry, "delivery_status__exact=pending"),
            ),
            (
                _("Notification emails failing"),
                counts["failing"],
                admin_list(Enquiry, "delivery_status__exact=pending&delivery_attempts__gte=1"),
            ),
        ],
    }


def schedule_counts(model, now):
    """Counts of the items going live and expiring soon; zero for kinds never scheduled."""
    if issubclass(model, Scheduled):
        return {
            "live": Count("pk", filter=going_live_soon(now)),
            "expiring": Count("pk", filter=expiring_soon(now)),
        }
    return {"live": Value(0, IntegerField()), "expiring": Value(0, IntegerField())}


def content_counts(request):
    """{model: {"drafts", "fr", "es", "stale", "live", "expiring"}} for the kinds the editor
    may see, in one query."""
    from django.apps import apps

    now = timezone.now()
    models = [apps.get_model(label) for label in CONTENT_MODELS]
    models = [model for model in models if can_view(request, model)]
    # One aggregate row per kind, all in one UNION ALL query.
    rows = [
        model._default_manager.order_by()
        .annotate(content_kind=Value(model._meta.label, output_field=CharField()))
        .values("content_kind")
        .annotate(
            drafts=Count("pk", filter=Q(published=False)),
            fr=Count("pk", filter=missing_language(model, "fr")),
            es=Count("pk", filter=missing_language(model, "es")),
            stale=Count("pk", filter=stale(now)),
            **schedule_counts(model, now),
        )
        for model in models
    ]
    if not rows:
        return {}
    found = {row.pop("content_kind"): row for row in rows[0].union(*rows[1:], all=True)}
    empty = {"drafts": 0, "fr": 0, "es": 0, "stale": 0, "live": 0, "expiring": 0}
    return {model: found.get(model._meta.label, empty) for model in models}


def per_kind(title, counts, key, query, scheduled_only=False):
    if scheduled_only:
        counts = {model: values for model, values in counts.items() if issubclass(model, Scheduled)}
    return {
        "name": key,
        "title": title,
        "items": [
            (capfirst(model._meta.verbose_name_plural), values[key], admin_list(model, query))
            for model, values in counts.items()
        ],
    }


def broken_links_section(request):
    from .link_panel import broken_links_section

    return broken_links_section(request, can_view)


def link_with_places(link):
    from .link_panel import link_with_places

    return link_with_places(link)


def sections(request):
    """The start page's sections, in order; a section with nothing to count is left out."""
    counts = content_counts(request)
    found = [
        enquiries_section(request),
        per_kind(_("Going live in the next 14 days"), counts, "live", "soon=live", True),
        per_kind(_("Expiring in the next 14 days"), counts, "expiring", "soon=expiring", True),
        per_kind(_("Drafts (not published)"), counts, "drafts", "published__exact=0"),
        per_kind(_("French text missing"), counts, "fr", "missing=fr"),
        per_kind(_("Spanish text missing"), counts, "es", "missing=es"),
        per_kind(_("Not updated for a year"), counts, "stale", "not_updated=year"),
        broken_links_section(request),
    ]
    return [section for section in found if section and (section["items"] or section.get("panel"))]


def audience_section(request):
    """ "What visitors read" (pages/audience/figures.py), for those who edit what they read."""
    from .audience.figures import audience
    from .models import Page

    if not can_view(request, Page):
        return None
    # Before any log is imported the section still says where its figures will come from.
    return audience() or {"empty": True}


class AudienceViewsMixin:
    """An item's change form says how often its page (or document) was read in the last 30
    days, in one query."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            from .audience.figures import item_views

            context["audience_views"] = item_views(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
