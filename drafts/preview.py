"""Drafts as visitors would see them: at the item's public address with `?preview=`, only
for signed-in staff (`?preview=draft`) or with a signed link a colleague was given.

A preview is sent private and marked noindex, so that neither the page cache, nor the front,
nor a search engine keeps it; a refused preview says why, with a status no cache keeps.
"""

import datetime
import logging
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from genmig.cache import PRIVATE_CACHE_CONTROL
from genmig.staff.middleware import is_signed_in_staff

from .models import Draft
from .publishing import apply, open_draft

PARAMETER = "preview"
STAFF_VALUE = "draft"
SALT = "drafts.preview"
ROBOTS = "noindex, nofollow"

logger = logging.getLogger("genmig.drafts")


class PreviewRefused(Exception):
    def response(self, request):
        response = render(request, "drafts/preview_refused.html", {"reason": str(self)}, status=403)
        # A refusal is expected (an old link, a visitor): noted, not warned about.
        logger.info("Draft preview refused at %s: %s", request.path, self)
        response._has_been_logged = True
        return private(response)


def private(response):
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    response["X-Robots-Tag"] = ROBOTS
    return response


def address(obj, language, value=STAFF_VALUE):
    with translation.override(language):
        return f"{obj.get_absolute_url()}?{PARAMETER}={value}"


def share_token(draft):
    """The same signed link however often the form is opened; it expires PREVIEW_LINK_HOURS
    after it was created."""
    created = int(draft.share_created.timestamp()) if draft.share_created else 0
    return signing.Signer(salt=SALT).sign_object([draft.pk, draft.share_key, created])


def link_hours():
    return settings.PREVIEW_LINK_HOURS


def share_expires(draft):
    if not draft.share_key or draft.share_created is None:
        return None
    return draft.share_created + datetime.timedelta(hours=link_hours())


def previewable(obj):
    return hasattr(obj, "get_absolute_url") and obj._meta.label in VIEWS


# Items shown on a page of their own; the others appear only in lists.
VIEWS = {"pages.Page": "PageView", "pages.Update": "UpdateView"}


def screen(request):
    """PreviewRefused for a ?preview= that no item could answer, found without reading the
    database: the staff value without signed-in staff, a link tampered with or expired.
    Returns the link's (draft's pk, key) or None for the staff value."""
    value = request.GET.get(PARAMETER, "")
    if value == STAFF_VALUE:
        if not is_signed_in_staff(request):
            raise PreviewRefused(
                _("Only signed-in staff can preview drafts here. Sign in, or ask for a link.")
            )
        return None
    try:
        pk, key, created = signing.Signer(salt=SALT).unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        raise PreviewRefused(
            _("This preview link is not valid. Check that it was copied whole.")
        ) from None
    if time.time() > created + link_hours() * 3600:
        raise PreviewRefused(_("This preview link has expired. Ask for a new one."))
    return pk, key


def previewed(request, obj):
    """(the item with its draft applied, what the banner says) for this request's ?preview=,
    or PreviewRefused saying why not."""
    link = screen(request)
    if link is None:
        opts = obj._meta
        user = request.user
        if not (
            user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        ):
            raise PreviewRefused(_("Your account may not see the drafts of this kind of item."))
        draft = open_draft(obj)
        if draft is None:
            raise PreviewRefused(
                _("No draft of this page is waiting: it was published or discarded.")
            )
        return apply(draft, obj), {"draft": draft, "shared": False}
    pk, key = link
    draft = Draft.objects.select_related("author").filter(pk=pk).first()
    same_item = draft is not None and (
        draft.content_type_id == ContentType.objects.get_for_model(obj).pk
        and draft.object_id == obj.pk
    )
    if not (same_item and draft.is_active and key and draft.share_key == key):
        raise PreviewRefused(
            _(
                "This preview link has been withdrawn, or its draft was published or "
                "discarded. Ask for a new one."
            )
        )
    return apply(draft, obj), {"draft": draft, "shared": True}


def render_unsaved(request, obj, language, draft=None):
    """The item as the form holds it, unsaved, rendered by its public view in `language`."""
    from pages import views

    view_class = getattr(views, VIEWS[obj._meta.label])
    with translation.override(language):
        view = view_class()
        view.setup(request, slug=obj.slug)
        view.object = obj
        banner = {"draft": draft, "shared": False, "unsaved": True}
        context = view.get_context_data(object=obj, draft_preview=banner)
        response = view.render_to_response(context)
        response.render()
    return private(response)
