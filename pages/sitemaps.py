from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Page, Resource, Update


class PageSitemap(Sitemap):
    """Every published page, the partner directory (the “partners” page) among them."""

    def items(self):
        return Page.objects.published().order_by("nav_position", "pk")

    def lastmod(self, page):
        return page.updated


class UpdateSitemap(Sitemap):
    def items(self):
        return Update.objects.published().order_by("-date", "pk")

    def lastmod(self, update):
        return update.updated


class ListSitemap(Sitemap):
    """The resource and update lists, last modified when their newest item was."""

    lists = {"pages:resources": Resource, "pages:updates": Update}

    def items(self):
        return list(self.lists)

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.lists[name].objects.published().aggregate(latest=Max("updated"))["latest"]


sitemaps = {"pages": PageSitemap, "updates": UpdateSitemap, "lists": ListSitemap}
