from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from genmig.views import healthz, media
from pages.sitemaps import sitemaps
from pages.views import robots_txt

admin.site.site_header = "GenMig website administration"
admin.site.site_title = "GenMig admin"
admin.site.index_title = "Edit the GenMig website"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    *([] if settings.MEDIA_BUCKET else [re_path(r"^media/(?P<path>.+)$", media, name="media")]),
    path("", include("partners.urls")),
    # Pages last: its /<slug>/ pattern catches every other single-segment path.
    path("", include("pages.urls")),
]

handler500 = "genmig.views.server_error"
