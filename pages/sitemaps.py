from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Page, Resource, Update


class TranslatedSitemap(Sitemap):
    """Each address once per language, with its versions in the others and x-default."""

    i18n = True
    alternates = True
    x_default = True


class PageSitemap(TranslatedSitemap):
    """Every published page, the partner directory (the “partners” page) among them."""

    def items(self):
        return Page.objects.published().order_by("nav_position", "pk")

    def lastmod(self, page):
        return page.updated


class UpdateSitemap(TranslatedSitemap):
    def items(self):
        return Update.objects.published().order_by("-date", "pk")

    def lastmod(self, update):
        return update.updated


class ListSitemap(TranslatedSitemap):
    """The resource and update lists, last modified when their newest item was."""

    lists = {"pages:resources": Resource, "pages:updates": Update}

    def items(self):
        # Each list's date is read once here, not once per language in lastmod().
        self.latest = {
            name: model.objects.published().aggregate(latest=Max("updated"))["latest"]
            for name, model in self.lists.items()
        }
        return list(self.lists)

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest[name]


sitemaps = {"pages": PageSitemap, "updates": UpdateSitemap, "lists": ListSitemap}
