import datetime
import zoneinfo

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .files import (
    delete_files_with_rows,
    delete_if_replaced,
    hash_new_upload,
    stored_file_name,
    validate_pdf,
)
from .markdown import render_markdown


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(name)s” is not a time zone name such as “Europe/Zurich”."),
            params={"name": name},
        )


class PublishedQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: the one rule used by views, navigation, feeds and search.

        An item is public when it is marked published and, for items that can be scheduled,
        its publishing time (if any) has come and its end time (if any) has not.
        """
        published = self.filter(published=True)
        if not issubclass(self.model, Scheduled):
            return published
        now = now or timezone.now()
        return published.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
        )


class Scheduled(models.Model):
    """Optional times at which an item becomes public and stops being public.

    Visitors see the change at its time without anything being run: the page cache keeps no
    page past the next of these times (genmig/cache.py, pages/schedule.py).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLIC = "public", _("Public")
        EXPIRED = "expired", _("Expired")

    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. If set, visitors see the item only from this time on (it must also be "
            "marked published). Empty: as soon as it is published."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_("Optional. If set, visitors no longer see the item from this time on."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError(
                {"unpublish_at": _("The end time must come after the publishing time.")}
            )

    def schedule_state(self, now=None):
        """Draft, scheduled (not public yet), public or expired, as visitors see it now."""
        now = now or timezone.now()
        if not self.published:
            return self.State.DRAFT
        if self.unpublish_at and self.unpublish_at <= now:
            return self.State.EXPIRED
        if self.publish_at and self.publish_at > now:
            return self.State.SCHEDULED
        return self.State.PUBLIC

    @property
    def is_public(self):
        return self.schedule_state() == self.State.PUBLIC


class Page(Scheduled):
    HOME_SLUG = "home"

    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_("The heading at the top of the page, also used in the browser tab."),
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_(
            "The last part of the page's address: “background” gives /background/. "
            "Lower-case letters, numbers and hyphens only. The page called “home” is the "
            "front page; “background” and “partners” have fixed places on the site, so "
            "keep those addresses as they are."
        ),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_(
            "One or two sentences saying what the page is about. Search engines and "
            "social media show it under the title."
        ),
    )
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "The page's text, in Markdown: a blank line starts a new paragraph, "
            "## starts a section heading, - starts a list item, "
            "[words](https://example.org) makes a link, **words** makes bold. "
            "Scripts, styles and embedded frames are removed."
        ),
    )
    nav_title = models.CharField(
        _("menu label"),
        max_length=40,
        blank=True,
        help_text=_("A shorter name for the menu. Leave empty to use the title."),
    )
    show_in_nav = models.BooleanField(
        _("show in menu"),
        default=True,
        help_text=_("Show a link to this page in the menu at the top of every page."),
    )
    nav_position = models.PositiveSmallIntegerField(
        _("menu position"),
        default=100,
        help_text=_("Pages with a smaller number come first in the menu."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Only published pages can be seen by visitors. Staff can preview an "
            "unpublished page with “View on site”."
        ),
    )
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["nav_position", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug == self.HOME_SLUG:
            return reverse("pages:home")
        return reverse("pages:page", kwargs={"slug": self.slug})

    @property
    def menu_label(self):
        """The menu label in the current language, its title there if it has none; else English."""
        language = get_language()
        for name in (f"nav_title_{language}", f"title_{language}", "nav_title_en", "title_en"):
            if value := getattr(self, name, ""):
                return value
        return self.title

    @property
    def body_html(self):
        return render_markdown(self.body)


class Resource(Scheduled):
    class Type(models.TextChoices):
        REPORT = "report", _("Report")
        POLICY_BRIEF = "policy-brief", _("Policy brief")
        TOOLKIT = "toolkit", _("Toolkit")
        VIDEO = "video", _("Video")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=250)
    publisher = models.CharField(
        _("publisher"),
        max_length=150,
        default="IOM",
        help_text=_("Who published it, for example “IOM” or “IOM and UN Women”."),
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year of publication."))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.REPORT)
    url = models.URLField(
        _("link"),
        blank=True,
        help_text=_("Where to read it, for example its page in the IOM publications platform."),
    )
    file = models.FileField(
        _("PDF file"),
        upload_to="resources/",
        blank=True,
        validators=[validate_pdf],
        help_text=_("Or upload the document itself: a PDF of at most 20 MB."),
    )
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("One paragraph on what the resource offers.")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published resources appear on the site.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=100,
        help_text=_("Within one year, resources with a smaller number come first."),
    )
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "position", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return f"{self.title} ({self.year})"

    def save(self, *args, **kwargs):
        previous = stored_file_name(self, "file")
        hash_new_upload(self, "file")
        super().save(*args, **kwargs)
        delete_if_replaced(self, "file", previous)

    def get_absolute_url(self):
        return f"{reverse('pages:resources')}#resource-{self.pk}"

    def clean(self):
        super().clean()
        if not self.url and not self.file:
            raise ValidationError(_("Give a link or upload a PDF file, so visitors can open it."))

    @property
    def link(self):
        """Where a visitor opens the resource: the uploaded file, or else the link."""
        return self.file.url if self.file else self.url


delete_files_with_rows(Resource, "file")


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
        help_text=Page._meta.get_field("body").help_text,
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
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.starts_at = self.compute_start()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:update", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        self.starts_at = self.compute_start()  # the constraint checked next looks at it
        if self.kind != self.Kind.NEWS and self.start_time is None:
            raise ValidationError({"start_time": _("Events and webinars need a start time.")})

    def compute_start(self):
        if self.start_time is None or self.date is None:
            return None
        local = datetime.datetime.combine(self.date, self.start_time)
        return local.replace(tzinfo=zoneinfo.ZoneInfo(self.time_zone))

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


class SiteSettings(models.Model):
    """The one record of settings that editors may change for the whole site."""

    contact_email = models.EmailField(
        _("contact address shown on the site"),
        default="research@iom.int",
        help_text=_(
            "Shown in the footer and on the partners page. Enquiry notifications go to the "
            "address in the server configuration (CONTACT_EMAIL), not this one."
        ),
    )
    newsletter_url = models.URLField(
        _("newsletter sign-up link"),
        blank=True,
        help_text=_("Where visitors subscribe to the newsletter. Empty hides the link."),
    )
    video_url = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("A short video shown as a link on the Background page. Empty hides it."),
    )
    video_caption = models.CharField(
        _("video description"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the video is about, used as the link text, for example “Why the gender "
            "gap in migration matters (3 minutes)”."
        ),
    )
    linkedin_url = models.URLField(_("LinkedIn page"), blank=True)
    x_url = models.URLField(_("X (Twitter) account"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1  # there is only ever one record
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def social_links(self):
        return [
            (label, url)
            for label, url in (
                ("LinkedIn", self.linkedin_url),
                ("X", self.x_url),
                ("YouTube", self.youtube_url),
            )
            if url
        ]


class LinkCheck(models.Model):
    """An external address found in editors' content, as `manage.py check_links` last found it."""

    url = models.URLField(_("address"), max_length=2000, unique=True)
    checked_at = models.DateTimeField(_("last checked"))
    broken = models.BooleanField(_("broken"), default=False)
    status = models.PositiveSmallIntegerField(_("answer (HTTP status)"), null=True, blank=True)
    error = models.CharField(_("problem"), max_length=300, blank=True)
    # [{"model": "pages.Page", "pk": 1, "item": "About", "field": "body", "language": "fr"}]
    places = models.JSONField(_("where it is used"), default=list, blank=True)

    class Meta:
        ordering = ["-broken", "url"]
        verbose_name = _("checked link")
        verbose_name_plural = _("checked links")

    def __str__(self):
        return self.url


class SearchDocument(models.Model):
    """One published-or-not item as the site search sees it in one language (pages/search.py).

    Kept up to date by signals on every save and delete; `manage.py rebuild_search_index`
    builds it anew. Whether a visitor may find an item is decided when searching, through its
    model's `published()`, never here.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        UPDATE = "update", _("Update")
        RESOURCE = "resource", _("Resource")
        PARTNER = "partner", _("Partner")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("item"))
    language = models.CharField(_("searched in"), max_length=8)
    text_language = models.CharField(
        _("language of the text"),
        max_length=8,
        help_text=_("The searched language, or English while the item is not translated."),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    # SQLite: the stemmed words, which the FTS5 table (migration 0009) indexes.
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # PostgreSQL: the weighted text-search vector, under a GIN index (migration 0009).
    vector = SearchVectorField(null=True)

    class Meta:
        ordering = ["kind", "object_id", "language"]
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="one_search_document_per_language"
            )
        ]
        indexes = [models.Index(fields=["language", "kind", "object_id"])]

    def __str__(self):
        return f"{self.title} ({self.language})"
