from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: the one rule used by views, navigation and feeds."""
        return self.filter(published=True)


class Page(models.Model):
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
        return self.nav_title or self.title

    @property
    def body_html(self):
        return render_markdown(self.body)
