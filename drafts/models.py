"""Changes to a live item kept apart from it until they are published.

A draft holds the change form's values as JSON; the item itself, and so every public page,
feed and cache, stays as it is until the draft is published (drafts/publishing.py). Public
queries never read this table.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=Draft.ACTIVE)

    def of(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )


class Draft(models.Model):
    class State(models.TextChoices):
        EDITING = "editing", _("Being written")
        SUBMITTED = "submitted", _("Waiting for review")
        SENT_BACK = "sent_back", _("Sent back")
        SCHEDULED = "scheduled", _("Scheduled for publishing")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    ACTIVE = (State.EDITING, State.SUBMITTED, State.SENT_BACK, State.SCHEDULED)

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    item_repr = models.CharField(_("item"), max_length=250)
    data = models.JSONField(_("changed values"), encoder=DjangoJSONEncoder, default=dict)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.EDITING
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("started"), auto_now_add=True)
    updated = models.DateTimeField(_("last saved"), auto_now=True)
    # Raised by every save: a form opened on an older revision is told someone saved since.
    revision = models.PositiveIntegerField(default=1)
    # The item's newest saved version when the draft was started: a live change since is shown.
    base_version = models.PositiveBigIntegerField(null=True, blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    share_key = models.CharField(max_length=32, blank=True)
    share_created = models.DateTimeField(null=True, blank=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state__in=["editing", "submitted", "sent_back", "scheduled"]),
                name="one_open_draft_per_item",
            )
        ]

    def __str__(self):
        return str(_("Draft of “%(item)s”") % {"item": self.item_repr})

    @property
    def is_active(self):
        return self.state in self.ACTIVE

    def new_share_key(self):
        self.share_key = secrets.token_urlsafe(18)


class DraftEvent(models.Model):
    """What happened to a draft, by whom, with the comment given: the draft's own history."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")
        SCHEDULED = "scheduled", _("Scheduled for publishing")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")
        LINK_CREATED = "link_created", _("Preview link created")
        LINK_REVOKED = "link_revoked", _("Preview link revoked")

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    time = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("draft event")
        verbose_name_plural = _("draft events")

    def __str__(self):
        return f"{self.get_action_display()} ({self.time:%Y-%m-%d %H:%M})"


class StaffLanguage(models.Model):
    """The language a member of staff last used the admin in: their emails are written in it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("staff language")
        verbose_name_plural = _("staff languages")

    def __str__(self):
        return self.language


class ReviewNotice(models.Model):
    """An email about a draft to one person: stored first, then delivered exactly once."""

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Not sent yet")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")

    draft = models.ForeignKey(Draft, null=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    delivery_status = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.PENDING
    )
    delivery_attempts = models.PositiveIntegerField(default=0)
    next_delivery_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_delivery_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("review email")
        verbose_name_plural = _("review emails")

    def __str__(self):
        return self.subject
