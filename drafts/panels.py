"""The start page's draft panels: drafts waiting, waiting for your review, sent back to you.
Three queries whatever the number of drafts."""

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import Draft
from .roles import is_publisher

LISTED = 10


def admin_url(draft):
    ct = draft.content_type
    try:
        return reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[draft.object_id])
    except NoReverseMatch:
        return reverse("admin:drafts_draft_change", args=[draft.pk])


def rows(queryset):
    drafts = list(queryset.select_related("author", "content_type")[:LISTED])
    return [{"draft": draft, "url": admin_url(draft)} for draft in drafts]


def start_panels(user):
    if not (user.is_active and user.is_staff):
        return []
    active = Draft.objects.active()
    panels = []
    listed = active.exclude(state=Draft.State.SENT_BACK)
    if is_publisher(user):
        waiting = active.filter(state=Draft.State.SUBMITTED)
        if not settings.REVIEW_SELF_APPROVAL:
            waiting = waiting.exclude(author=user).exclude(submitted_by=user)
        panels.append(("review", _("Waiting for your review"), rows(waiting)))
        listed = listed.exclude(pk__in=waiting.values("pk"))
    mine = active.filter(state=Draft.State.SENT_BACK)
    mine = mine.filter(Q(author=user) | Q(submitted_by=user))
    panels.append(("sent-back", _("Sent back to you"), rows(mine)))
    panels.append(("drafts", _("Drafts waiting"), rows(listed)))
    return [
        {"key": key, "title": title, "rows": entries}
        for key, title, entries in panels
        if entries or key == "review"
    ]
