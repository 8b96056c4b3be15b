from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from genmig.views import media

admin.site.site_header = "GenMig website administration"
admin.site.site_title = "GenMig admin"
admin.site.index_title = "Edit the GenMig website"

urlpatterns = [
    path("admin/", admin.site.urls),
    *([] if settings.MEDIA_BUCKET else [re_path(r"^media/(?P<path>.+)$", media, name="media")]),
    path("", include("partners.urls")),
    # Pages last: its /<slug>/ pattern catches every other single-segment path.
    path("", include("pages.urls")),
]

handler500 = "genmig.views.server_error"
