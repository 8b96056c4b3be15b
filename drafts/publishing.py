"""Writing a draft from a change form, reading it back into an item, and publishing it.

Publishing applies the draft's values to the live item and saves it inside a django-reversion
revision whose comment says it came from a draft and who approved it, so that the item's
history tells publications from drafts (whose own steps are DraftEvents).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion import create_revision, set_comment, set_user
from reversion.models import Version

from .models import Draft, DraftEvent


class DraftChanged(ValidationError):
    """The draft was saved again after the publisher opened it."""

    def __init__(self):
        super().__init__(_("The draft changed since you read it; read it again."))


class BaseChanged(ValidationError):
    """The live item was saved after the draft was started."""

    def __init__(self):
        super().__init__(
            _(
                "The published version has changed since this draft was started. Compare "
                "them in the history; to publish the draft's changes over it, tick "
                "“Publish over the newer published version” and publish again."
            )
        )


class DraftConflict(Exception):
    """Someone saved the draft after this form was opened."""

    def __init__(self, draft):
        super().__init__(draft)
        self.draft = draft


def draft_fields(model, names):
    """The model fields among these form fields that a draft keeps (files stay with the item)."""
    fields = []
    for name in names:
        field = next((f for f in model._meta.get_fields() if f.name == name), None)
        if (
            field is not None
            and field.concrete
            and field.editable
            and not isinstance(field, models.FileField)
        ):
            fields.append(field)
    return fields


def values_from_form(form, live):
    """The form's values that differ from the live item's: the draft's changes, and only
    those, so that publishing leaves the other fields as they are then."""
    values = {}
    for field in draft_fields(form._meta.model, form.cleaned_data):
        value = form.cleaned_data[field.name]
        value = value.pk if isinstance(value, models.Model) else value
        if not same(value, getattr(live, field.attname)):
            values[field.name] = value
    return values


def same(value, stored):
    """Whether the form's value is the stored one, as the form would give it back (text
    without the whitespace around it, whatever the line endings)."""
    blank = (None, "")
    if isinstance(value, str) and isinstance(stored, str):
        return text(value) == text(stored)
    return value == stored or (value in blank and stored in blank)


def text(value):
    return value.replace("\r\n", "\n").strip()


def apply(draft, obj):
    """The item with the draft's values, in memory only."""
    for field in draft_fields(type(obj), draft.data):
        value = draft.data[field.name]
        setattr(obj, field.attname, None if value is None else field.to_python(value))
    return obj


def newest_version_id(obj):
    version = Version.objects.get_for_object(obj).order_by("-pk").first()
    return version.pk if version else None


def open_draft(obj):
    return Draft.objects.of(obj).active().select_related("author", "submitted_by").first()


def save_draft(obj, form, user, seen_revision=None):
    """Keep the form's values as the item's draft; DraftConflict if someone saved it since
    `seen_revision` (the draft's revision the form was opened on, 0 for none)."""
    values = values_from_form(form, obj)
    with transaction.atomic():
        draft = Draft.objects.of(obj).active().select_for_update().first()
        if draft is not None and seen_revision is not None and draft.revision != seen_revision:
            raise DraftConflict(draft)
        if draft is None:
            draft = Draft(item=obj, base_version=newest_version_id(obj))
        else:
            draft.revision += 1
        draft.reopened = draft.state in (Draft.State.SUBMITTED, Draft.State.SCHEDULED)
        if draft.state != Draft.State.EDITING:
            draft.state = Draft.State.EDITING
            draft.publish_at = None
        draft.item_repr = str(obj)[:250]
        draft.data = values
        draft.author = user
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError:
            # Another editor started a draft of the item at the same moment.
            raise DraftConflict(open_draft(obj)) from None
        record(draft, DraftEvent.Action.SAVED, user)
    return draft


def record(draft, action, user, comment=""):
    return DraftEvent.objects.create(draft=draft, action=action, user=user, comment=comment)


def publish(draft, user, approved_by=None, comment="", revision=None, over_newer=False):
    """Apply the draft to its live item and save it as a new version. ValidationError when
    the item is gone or the draft's values no longer fit it; DraftChanged when the draft is no
    longer at `revision` (the one the publisher read); BaseChanged when the item was saved
    since the draft began, unless `over_newer`."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if not draft.is_active:
            raise ValidationError(_("This draft has already been published or discarded."))
        if revision is not None and draft.revision != revision:
            raise DraftChanged()
        obj = draft.item
        if obj is None:
            raise ValidationError(
                _("The item of this draft has been deleted; the draft's text is kept below.")
            )
        if not over_newer and newest_version_id(obj) != draft.base_version:
            raise BaseChanged()
        apply(draft, obj)
        obj.full_clean()
        approver = approved_by or user
        note = _("Published from a draft by %(author)s, approved by %(approver)s.") % {
            "author": name(draft.author),
            "approver": name(approver),
        }
        if comment:
            note = f"{note} {comment}"
        with create_revision():
            set_user(user)
            set_comment(note)
            obj.save()
        draft.state = Draft.State.PUBLISHED
        draft.share_key = ""
        draft.save(update_fields=["state", "share_key", "updated"])
        record(draft, DraftEvent.Action.PUBLISHED, user, comment)
    return obj


def discard(draft, user):
    """Close the draft unless it was finished meanwhile; whether it was this call's doing."""
    open_rows = Draft.objects.filter(pk=draft.pk, state__in=Draft.ACTIVE)
    state = Draft.State.DISCARDED
    if not open_rows.update(state=state, share_key="", updated=timezone.now()):
        return False
    draft.state, draft.share_key = state, ""
    record(draft, DraftEvent.Action.DISCARDED, user)
    return True


def name(user):
    if user is None:
        return _("someone no longer on the staff")
    return user.get_full_name() or user.get_username()
