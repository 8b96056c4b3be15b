from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "GenMig website administration"
admin.site.site_title = "GenMig admin"
admin.site.index_title = "Edit the GenMig website"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    # Pages last: its /<slug>/ pattern catches every other single-segment path.
    path("", include("pages.urls")),
]

handler500 = "genmig.views.server_error"
