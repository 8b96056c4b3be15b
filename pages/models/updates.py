import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from library.rendering import picture_context

from ..dates import zone_city
from ..files import (
    delete_files_after_commit,
    stored_values,
)
from ..images import make_renditions, rendition_names, validate_lead_image
from ..markdown import render_markdown, validate_markdown
from .content import Page
from .schedule import PublishedQuerySet, Scheduled, local_time_problem, validate_time_zone


class UpdateQuerySet(PublishedQuerySet):
    def upcoming_first(self, now=None):
        """Upcoming events and webinars, soonest first; then everything else, newest first."""
        now = now or timezone.now()
        return self.annotate(
            upcoming_rank=Case(When(starts_at__gte=now, then=Value(1)), default=Value(0)),
            upcoming_start=Case(When(starts_at__gte=now, then=F("starts_at"))),
        ).order_by(
            "-upcoming_rank", F("upcoming_start").asc(nulls_last=True), "-date", "-starts_at", "-pk"
        )


class Update(Scheduled):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        WEBINAR = "webinar", _("Webinar")
        EVENT = "event", _("Event")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("Filled in from the title; the update's address is /updates/ followed by it."),
    )
    date = models.DateField(
        _("date"),
        default=timezone.localdate,
        help_text=_("For news, the date of publication; for events and webinars, the day."),
    )
    start_time = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("For events and webinars: when it starts, in the time zone below."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Zurich",
        validators=[validate_time_zone],
        help_text=_("The time zone of the start time. Geneva is “Europe/Zurich”."),
    )
    starts_at = models.DateTimeField(editable=False, null=True)
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Only for an event that lasts several days: the day it ends."),
    )
    end_time = models.TimeField(
        _("end time"),
        null=True,
        blank=True,
        help_text=_("For events and webinars: when it ends, in the same time zone."),
    )
    ends_at = models.DateTimeField(editable=False, null=True)
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where an event happens, for example “Palais des Nations, Geneva”. "
            "Leave empty for a webinar that is only online."
        ),
    )
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Where people join online (the webinar's or the live stream's address)."),
    )
    registration_url = models.URLField(
        _("registration link"),
        blank=True,
        help_text=_("For events and webinars: where visitors sign up."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences, shown in lists, the feed and when shared."),
    )
    body = models.TextField(
        _("text"),
        blank=True,
        validators=[validate_markdown],
        help_text=Page._meta.get_field("body").help_text,
    )
    image = models.FileField(
        _("lead image"),
        upload_to="updates/",
        max_length=200,
        blank=True,
        validators=[validate_lead_image],
        help_text=_(
            "Optional. A photograph or picture shown at the top of the update, in lists and "
            "when it is shared: a JPEG, PNG or WebP file of at most 10 MB, best at least "
            "1472 pixels wide. The site makes the smaller copies itself."
        ),
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it, in a sentence: "
            "“Four speakers on a panel at the Global Forum in Geneva”."
        ),
    )
    image_decorative = models.BooleanField(
        _("the image is decorative"),
        default=False,
        help_text=_(
            "Tick only if the image adds nothing that the text does not say; "
            "it then needs no description."
        ),
    )
    # The sizes and formats made from the image on save: widths, names and the sharing crop.
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # The picture of the library the lead image is; its file and renditions are copied here, so
    # that showing the update reads this row alone.
    picture = models.ForeignKey(
        "library.Picture",
        verbose_name=_("picture from the library"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
        help_text=_("Choose a picture already in the library, or upload a new one below."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published updates appear on the site, in the feed and the sitemap."),
    )
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("update (news, webinar, event)")
        verbose_name_plural = _("updates (news, webinars, events)")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="news") | Q(starts_at__isnull=False),
                name="event_has_start",
                violation_error_message=_("Events and webinars need a start time."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event must end after it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    # The lead image's files are named in its rendition record too (pages/files.py), and the
    # history restores the image with that record (pages/history.py).
    other_file_fields = ("image_renditions",)
    file_records = {"image": "image_renditions"}
    library_choices = {"image": "picture"}

    @staticmethod
    def other_file_names(values):
        return rendition_names(values.get("image_renditions"))

    def save(self, *args, **kwargs):
        self.starts_at = self.compute_start()
        self.ends_at = self.compute_end()
        from library.choosing import use_library_picture

        (previous_renditions,) = stored_values(self, "image_renditions") or ({},)
        use_library_picture(self)
        super().save(*args, **kwargs)
        # The image field names one of the renditions, so these are every file it had.
        stale = rendition_names(previous_renditions) - rendition_names(self.image_renditions)
        delete_files_after_commit(self.image.storage, stale)

    def get_absolute_url(self):
        return reverse("pages:update", kwargs={"slug": self.slug})

    def get_calendar_url(self):
        return reverse("pages:update_calendar", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        # The constraints checked next look at these.
        self.starts_at = self.compute_start()
        self.ends_at = self.compute_end()
        errors = {}
        if self.kind != self.Kind.NEWS:
            if self.start_time is None:
                errors["start_time"] = _("Events and webinars need a start time.")
            if self.end_time is None:
                errors["end_time"] = _("Events and webinars need an end time.")
            elif self.starts_at and self.ends_at <= self.starts_at:
                errors["end_time"] = _(
                    "The end is before the start: check the end time, or give an end date "
                    "for an event that lasts past midnight."
                )
        if self.date and self.time_zone in zoneinfo.available_timezones():
            for field, day, time in (
                ("start_time", self.date, self.start_time),
                ("end_time", self.end_date or self.date, self.end_time),
            ):
                if time is not None and (problem := local_time_problem(day, time, self.time_zone)):
                    errors.setdefault(field, problem)
        alt_field = build_localized_fieldname("image_alt", settings.LANGUAGE_CODE)
        described = getattr(self, alt_field, "") or (
            getattr(self.picture, build_localized_fieldname("alt", settings.LANGUAGE_CODE))
            if self.picture_id
            else ""
        )
        if (self.image or self.picture_id) and not self.image_decorative and not described:
            errors[alt_field] = _(
                "Describe the image for people who cannot see it, or tick "
                "“the image is decorative” if it adds nothing to the text."
            )
        if errors:
            raise ValidationError(errors)

    def compute_start(self):
        if self.start_time is None or self.date is None:
            return None
        local = datetime.datetime.combine(self.date, self.start_time)
        return local.replace(tzinfo=zoneinfo.ZoneInfo(self.time_zone))

    def compute_end(self):
        if self.end_time is None or self.start_time is None or self.date is None:
            return None
        local = datetime.datetime.combine(self.end_date or self.date, self.end_time)
        return local.replace(tzinfo=zoneinfo.ZoneInfo(self.time_zone))

    @property
    def local_end(self):
        return self.ends_at.astimezone(zoneinfo.ZoneInfo(self.time_zone)) if self.ends_at else None

    @property
    def zone_label(self):
        """The event's time zone as people say it: “Geneva time”, “Bogota time”."""
        return _("%(city)s time") % {"city": zone_city(self.time_zone)}

    @property
    def zone_abbreviation(self):
        """“CET”, “CEST”, or “UTC−05” where the zone has no letters for it."""
        name = self.local_start.tzname() if self.starts_at else ""
        return f"UTC{name}".replace("-", "−") if name[:1] in ("+", "-") else name

    @property
    def ends_same_day(self):
        return bool(self.ends_at) and self.local_end.date() == self.local_start.date()

    @property
    def local_start(self):
        """The start in the event's own time zone, for display."""
        return (
            self.starts_at.astimezone(zoneinfo.ZoneInfo(self.time_zone)) if self.starts_at else None
        )

    @property
    def is_upcoming(self):
        return bool(self.starts_at and self.starts_at >= timezone.now())

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def lead_image(self):
        """What templates need to show the image, from the row alone: no file is opened."""
        alt = "" if self.image_decorative else self.image_alt
        return picture_context(self.image.storage, self.image, self.image_renditions, alt)


def store_renditions(upload, slug, folder="updates/renditions"):
    """Make and store every rendition of a new upload; the master kept is the largest JPEG."""
    stem = (slug or "update")[:50]  # the stored names stay well within the field's length
    files, info = make_renditions(upload, stem)
    storage = default_storage
    for file in files:
        stored = storage.save(f"{folder}/{file.name}", file)
        for entries in info["sources"].values():
            for entry in entries:
                if entry[1] == file.name:
                    entry[1] = stored
        if info["share"] == file.name:
            info["share"] = stored
    # The row's image field keeps the largest JPEG: no camera data or location, bounded in size.
    master = info["sources"]["image/jpeg"][-1][1]
    return master, info


def _delete_update_images(sender, instance, **kwargs):
    delete_files_after_commit(default_storage, rendition_names(instance.image_renditions))


post_delete.connect(_delete_update_images, sender=Update, dispatch_uid="delete-update-renditions")
