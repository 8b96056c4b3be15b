from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from genmig.admin import personal_data_view
from genmig.admin_language import switch_language
from genmig.query import page_number, reads_query
from genmig.staff.views_factors import PasskeySignInView
from genmig.staff.views_oidc import CallbackView
from genmig.views import healthz, media
from pages.sitemaps import sitemaps
from pages.views import robots_txt

admin.site.site_header = _("GenMig website administration")
admin.site.site_title = _("GenMig admin")
admin.site.index_title = _("Edit the GenMig website")

urlpatterns = [
    path(
        "sitemap.xml",
        reads_query(p=page_number)(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    # The admin's language switch: stores the choice, then shows the page in that language.
    path("i18n/setlang/", switch_language, name="set_language"),
    # The redirect URI registered at the provider: one address, whatever the language.
    path("admin/oidc/callback/", CallbackView.as_view(), name="staff_oidc_callback"),
    # Passkeys: django-otp-webauthn's steps; its last sign-in step records the sign-in.
    path(
        "admin/passkeys/authentication/complete/",
        PasskeySignInView.as_view(),
        name="staff_passkey_complete",
    ),
    path("admin/passkeys/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    *([] if settings.MEDIA_BUCKET else [re_path(r"^media/(?P<path>.+)$", media, name="media")]),
]
# English at the unprefixed addresses, French under /fr/, Spanish under /es/.
urlpatterns += i18n_patterns(
    path("admin/staff/", include("genmig.staff.urls")),
    path("admin/personal-data/", admin.site.admin_view(personal_data_view), name="personal_data"),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    # Pages last: its /<slug>/ pattern catches every other single-segment path.
    path("", include("pages.urls")),
    prefix_default_language=False,
)

handler500 = "genmig.views.server_error"
