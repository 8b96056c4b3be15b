"""What the buttons of a draft's panel do: publish now or at a time, discard, share a preview
link or withdraw it, submit for review, approve or send back."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from . import review
from .models import Draft, DraftEvent
from .publishing import DraftChanged, discard, publish, record
from .roles import is_publisher, may_approve, own


def allowed(request, draft):
    """{name: bool} of the panel's buttons for this person and draft."""
    user = request.user
    publisher = is_publisher(user)
    approve = may_approve(user, draft)
    submitted = draft.state == Draft.State.SUBMITTED
    return {
        "may_publish": approve,
        "may_submit": draft.state in (Draft.State.EDITING, Draft.State.SENT_BACK),
        "may_send_back": publisher and submitted,
        "may_discard": publisher or own(user, draft),
        "may_share": publisher or own(user, draft),
        "self_approval_refused": publisher and not approve,
    }


def act(model_admin, request, obj, draft):
    action = request.POST["_draft_action"]
    review.remember_language(request)
    back = HttpResponseRedirect(request.path)
    if draft is None:
        model_admin.message_user(
            request,
            _("This draft has been published or discarded meanwhile; nothing was changed."),
            messages.WARNING,
        )
        return back
    permitted = allowed(request, draft)
    comment = request.POST.get("_draft_comment", "").strip()[:2000]
    user = request.user
    seen = read_revision(request)
    match action:
        case "publish" if permitted["may_publish"]:
            try:
                over_newer = request.POST.get("_draft_over_newer") == "1"
                publish(draft, user, user, comment, revision=seen, over_newer=over_newer)
            except ValidationError as error:
                return refused(model_admin, request, error, back)
            review.notify(request, draft, DraftEvent.Action.PUBLISHED, comment)
            message = _("Published: visitors see the changes now.")
        case "schedule" if permitted["may_publish"]:
            moment = publishing_time(request.POST.get("_draft_publish_at", ""))
            if moment is None:
                model_admin.message_user(
                    request,
                    _("Give a publishing time in the future, such as 2030-01-31 09:00."),
                    messages.ERROR,
                )
                return back
            if not change(draft, seen, state=Draft.State.SCHEDULED, publish_at=moment):
                return refused(model_admin, request, DraftChanged(), back)
            record(draft, DraftEvent.Action.APPROVED, user, comment)
            record(draft, DraftEvent.Action.SCHEDULED, user)
            message = _("Approved. The changes will be published at the time given.")
        case "submit" if permitted["may_submit"]:
            if not change(draft, state=Draft.State.SUBMITTED, submitted_by=user):
                return refused(model_admin, request, DraftChanged(), back)
            record(draft, DraftEvent.Action.SUBMITTED, user, comment)
            review.notify(request, draft, DraftEvent.Action.SUBMITTED, comment)
            message = _("Submitted for review. The publishers have been told.")
        case "send_back" if permitted["may_send_back"]:
            if not comment:
                model_admin.message_user(
                    request, _("Say in the comment what should change."), messages.ERROR
                )
                return back
            if not change(draft, seen, state=Draft.State.SENT_BACK):
                return refused(model_admin, request, DraftChanged(), back)
            record(draft, DraftEvent.Action.SENT_BACK, user, comment)
            review.notify(request, draft, DraftEvent.Action.SENT_BACK, comment)
            message = _("Sent back to the author with your comment.")
        case "discard" if permitted["may_discard"]:
            if not discard(draft, user):
                return refused(model_admin, request, DraftChanged(), back)
            message = _("Draft discarded. The published version is unchanged.")
        case "share" if permitted["may_share"]:
            draft.new_share_key()
            draft.share_created = timezone.now()
            if not change(draft, share_key=draft.share_key, share_created=draft.share_created):
                return refused(model_admin, request, DraftChanged(), back)
            record(draft, DraftEvent.Action.LINK_CREATED, user)
            message = _(
                "Preview link created: anyone who has it can read the draft for %(hours)s hours."
            ) % {"hours": settings.PREVIEW_LINK_HOURS}
        case "revoke" if permitted["may_share"]:
            if not change(draft, share_key=""):
                return refused(model_admin, request, DraftChanged(), back)
            record(draft, DraftEvent.Action.LINK_REVOKED, user)
            message = _("Preview link withdrawn: it no longer opens the draft.")
        case _:
            model_admin.message_user(
                request, _("You may not do this with this draft."), messages.ERROR
            )
            return back
    model_admin.message_user(request, message, messages.SUCCESS)
    return back


def read_revision(request):
    """The draft's revision the form was opened on; -1 (matching none) when missing."""
    try:
        return int(request.POST.get("_draft_revision", ""))
    except ValueError:
        return -1


def change(draft, revision=None, **values):
    """Set these values on the draft only while it is open (and at `revision` when given), in
    one conditional UPDATE: a draft finished or saved meanwhile is left as it is."""
    rows = Draft.objects.filter(pk=draft.pk, state__in=Draft.ACTIVE)
    if revision is not None:
        rows = rows.filter(revision=revision)
    for field, value in values.items():
        setattr(draft, field, value)
    return rows.update(updated=timezone.now(), **values) == 1


def refused(model_admin, request, error, back):
    model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
    return back


def publishing_time(text):
    """A future moment from the form's date and time, read in the admin's time zone."""
    import zoneinfo

    try:
        local = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE))
    return local if local > timezone.now() else None
