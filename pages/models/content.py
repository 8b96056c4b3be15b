from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..files import (
    delete_files_with_rows,
    delete_if_replaced,
    stored_file_name,
    validate_pdf,
)
from ..markdown import render_markdown, validate_markdown
from .schedule import PublishedQuerySet, Scheduled


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
        validators=[validate_markdown],
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
    # The document of the library the file is; its file's name is copied here.
    document = models.ForeignKey(
        "library.Document",
        verbose_name=_("document from the library"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
        help_text=_("Choose a document already in the library, or upload a new one below."),
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

    library_choices = {"file": "document"}

    def save(self, *args, **kwargs):
        from library.choosing import use_library_document

        previous = stored_file_name(self, "file")
        use_library_document(self)
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
    embed_video = models.BooleanField(
        _("play the video on the page"),
        default=False,
        help_text=_(
            "Off: visitors see a card that links to the video, and the page asks nothing of "
            "another site. On: a YouTube video plays in the page, from youtube-nocookie.com, "
            "which receives the visitor's address when the page loads."
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

    @classmethod
    def for_request(cls, request):
        """The settings, read once for each request however many parts of the page ask."""
        if not hasattr(request, "_site_settings"):
            request._site_settings = cls.load()
        return request._site_settings

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
