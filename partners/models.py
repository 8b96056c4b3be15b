from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pages.files import delete_files_with_rows, delete_if_replaced, stored_file_name
from pages.models import PublishedQuerySet, Scheduled

from .logos import validate_logo


class PartnerType(models.TextChoices):
    RESEARCH = "research", _("Research institution")
    GOVERNMENT = "government", _("Government")
    UN = "un", _("United Nations agency")
    IGO = "igo", _("Other intergovernmental organization")
    NGO = "ngo", _("Non-governmental organization")
    PRIVATE = "private", _("Private sector")


class Partner(Scheduled):
    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        SUPPORTER = "supporter", _("Supporter (funds or supports GenMig)")

    name = models.CharField(_("name"), max_length=200, help_text=_("The organization's full name."))
    slug = models.SlugField(
        _("short name for addresses"),
        max_length=80,
        unique=True,
        help_text=_("Filled in from the name; used in links. Lower-case letters and hyphens."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        default=Role.PARTNER,
        help_text=_(
            "Partners are listed in the partner directory; supporters are credited "
            "separately, under “GenMig is supported by”."
        ),
    )
    type = models.CharField(
        _("type of organization"),
        max_length=20,
        choices=PartnerType.choices,
        help_text=_("Partners are grouped by this type on the partners page."),
    )
    country = CountryField(
        _("country"),
        blank=True,
        blank_label=_("(none: global or several countries)"),
        help_text=_(
            "Where the organization is based. Visitors see the name in their language. Leave "
            "empty for an organization that works worldwide."
        ),
    )
    website = models.URLField(
        _("website"), blank=True, help_text=_("The full address, starting with https://.")
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="partners/logos/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        validators=[validate_logo],
        help_text=_(
            "Optional. A PNG, JPEG or WebP image of at most 2 MB (not SVG). It is scaled "
            "down automatically; a wide logo on a white or transparent background looks best."
        ),
    )
    logo_width = models.PositiveIntegerField(null=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, editable=False)
    # The logo of the library the partner's logo is; its file is named here too, so that the
    # public pages read this row alone.
    logo_picture = models.ForeignKey(
        "library.Picture",
        verbose_name=_("logo from the library"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        limit_choices_to={"kind": "logo"},
        help_text=_("Choose a logo already in the library, or upload a new one below."),
    )
    description = models.CharField(
        _("short description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence on who they are or what they bring to GenMig."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published partners appear on the site."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=100,
        help_text=_("Partners with a smaller number come first within their group."),
    )
    joined = models.DateField(
        _("date joined"), default=timezone.localdate, help_text=_("When they joined GenMig.")
    )
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("partner or supporter")
        verbose_name_plural = _("partners and supporters")

    def __str__(self):
        return self.name

    library_choices = {"logo": "logo_picture"}

    def save(self, *args, **kwargs):
        from library.logos import use_library_logo

        previous_logo = stored_file_name(self, "logo")
        # A newly uploaded logo goes into the library as a small WebP copy (partners/logos.py).
        use_library_logo(self)
        super().save(*args, **kwargs)
        delete_if_replaced(self, "logo", previous_logo)

    def get_absolute_url(self):
        return f"{reverse('partners:directory')}?type={self.type}#{self.slug}"


delete_files_with_rows(Partner, "logo")


class Benefit(models.Model):
    text = models.CharField(
        _("benefit"),
        max_length=300,
        help_text=_("One benefit of partnering with GenMig, as one short sentence."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Benefits with a smaller number come first.")
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Only published benefits appear on the site.")
    )
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("benefit of partnering")
        verbose_name_plural = _("benefits of partnering")

    def __str__(self):
        return self.text


class EnquiryQuerySet(models.QuerySet):
    def due(self, now=None):
        """Enquiries whose notification email has not gone out and may be tried now: pending,
        or claimed by an attempt that never finished (its claim ran out)."""
        return self.filter(
            delivery_status__in=[Enquiry.Delivery.PENDING, Enquiry.Delivery.SENDING],
            next_delivery_at__lte=now or timezone.now(),
        )


class Enquiry(models.Model):
    """A message sent through the contact form. Stored before any email is attempted."""

    class Topic(models.TextChoices):
        PARTNERSHIP = "partnership", _("Partnership")
        RESEARCH = "research", _("Research collaboration")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Something else")

    # The partner types, so that enquiries and partners can be compared, and two more.
    INDIVIDUAL = "individual"
    ORGANISATION_TYPES = [
        *PartnerType.choices,
        (INDIVIDUAL, _("Individual (not writing for an organization)")),
        ("other", _("Other")),
    ]

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")
        SPAM = "spam", _("Spam")

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Not sent yet")
        SENT = "sent", _("Sent")
        # Claimed by one attempt, which is talking to the mail server now.
        SENDING = "sending", _("Being sent")
        # Caught by the robot trap: kept, marked spam, and never emailed.
        WITHHELD = "withheld", _("Not sent (caught as spam)")

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), max_length=254)
    organisation_type = models.CharField(
        _("type of organization"), max_length=20, choices=ORGANISATION_TYPES
    )
    organisation = models.CharField(_("organization"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    submitted_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    language = models.CharField(
        _("language of the form"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the site when the enquiry was sent; reply in it if you can."),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        help_text=_("Mark an enquiry handled once it has been answered."),
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(
        _("internal note"),
        blank=True,
        # In the database too, so that a worker still running the release before this field
        # existed stores its enquiries meanwhile.
        db_default="",
        help_text=_(
            "For the GenMig team only: what was done, who answers, what to follow up. Never "
            "sent to the person who wrote; included when they ask for a copy of their data."
        ),
    )

    delivery_status = models.CharField(
        _("notification email"),
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.PENDING,
    )
    delivery_attempts = models.PositiveIntegerField(_("sending attempts"), default=0)
    next_delivery_at = models.DateTimeField(
        _("next attempt"), default=timezone.now, null=True, blank=True
    )
    last_delivery_error = models.TextField(_("last sending error"), blank=True)
    delivered_at = models.DateTimeField(_("email sent"), null=True, blank=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [
            models.Index(
                fields=["delivery_status", "next_delivery_at"], name="enquiry_delivery_due"
            )
        ]

    def __str__(self):
        return f"{self.get_topic_display()}: {self.sender}"

    @property
    def sender(self):
        """Who the enquiry is from: the organization, or the person writing as themselves."""
        return self.organisation or self.name


class RecentSubmission(models.Model):
    """An enquiry accepted in the last hour, counted for the hourly limit per client.

    Kept in the database, so that every worker and instance counts together and no traffic
    can push the count out of a cache. The client is known only by a keyed hash of its
    address (an IPv6 client by its /64 network); rows are deleted once an hour old.
    """

    client = models.CharField(_("client"), max_length=64, db_index=True)
    submitted_at = models.DateTimeField(_("sent"), db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("recent submission")
        verbose_name_plural = _("recent submissions")

    def __str__(self):
        return f"{self.client[:12]} {self.submitted_at:%Y-%m-%d %H:%M}"
