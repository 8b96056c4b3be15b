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
from .publishing import discard, publish, record
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
    match action:
        case "publish" if permitted["may_publish"]:
            try:
                publish(draft, user, approved_by=user, comment=comment)
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
            draft.state, draft.publish_at = Draft.State.SCHEDULED, moment
            draft.save(update_fields=["state", "publish_at", "updated"])
            record(draft, DraftEvent.Action.APPROVED, user, comment)
            record(draft, DraftEvent.Action.SCHEDULED, user)
            message = _("Approved. The changes will be published at the time given.")
        case "submit" if permitted["may_submit"]:
            draft.state, draft.submitted_by = Draft.State.SUBMITTED, user
            draft.save(update_fields=["state", "submitted_by", "updated"])
            record(draft, DraftEvent.Action.SUBMITTED, user, comment)
            review.notify(request, draft, DraftEvent.Action.SUBMITTED, comment)
            message = _("Submitted for review. The publishers have been told.")
        case "send_back" if permitted["may_send_back"]:
            if not comment:
                model_admin.message_user(
                    request, _("Say in the comment what should change."), messages.ERROR
                )
                return back
            draft.state = Draft.State.SENT_BACK
            draft.save(update_fields=["state", "updated"])
            record(draft, DraftEvent.Action.SENT_BACK, user, comment)
            review.notify(request, draft, DraftEvent.Action.SENT_BACK, comment)
            message = _("Sent back to the author with your comment.")
        case "discard" if permitted["may_discard"]:
            discard(draft, user)
            message = _("Draft discarded. The published version is unchanged.")
        case "share":
            draft.new_share_key()
            draft.share_created = timezone.now()
            draft.save(update_fields=["share_key", "share_created", "updated"])
            record(draft, DraftEvent.Action.LINK_CREATED, user)
            message = _(
                "Preview link created: anyone who has it can read the draft for %(hours)s hours."
            ) % {"hours": settings.PREVIEW_LINK_HOURS}
        case "revoke":
            draft.share_key = ""
            draft.save(update_fields=["share_key", "updated"])
            record(draft, DraftEvent.Action.LINK_REVOKED, user)
            message = _("Preview link withdrawn: it no longer opens the draft.")
        case _:
            model_admin.message_user(
                request, _("You may not do this with this draft."), messages.ERROR
            )
            return back
    model_admin.message_user(request, message, messages.SUCCESS)
    return back


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
