from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Update


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = _("GenMig updates")
    subtitle = _(
        "News, webinars and events of GenMig, the Gender and Migration Research Policy "
        "Action Lab of IOM."
    )
    link = reverse_lazy("pages:updates")
    query_parameters = {}

    def items(self):
        return Update.objects.published().order_by("-date", "-pk")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.starts_at or item.updated

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.get_kind_display()]
