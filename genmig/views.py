import logging
import sys

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.static import serve

logger = logging.getLogger(__name__)

# How long to tell clients to wait when the database does not answer.
RETRY_AFTER_SECONDS = 60


def server_error(request):
    """The 500 page, rendered without context processors so that it needs no database.

    When the error is that the database does not answer, visitors get the 503 page instead:
    the site is down for a while, not broken.
    """
    context = {"contact_email": settings.CONTACT_EMAIL}
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 otherwise; details go to the log only."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("healthz", "ok", timeout=10)
        healthy = cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check failed")
        healthy = False
    if healthy:
        return HttpResponse("ok\n", content_type="text/plain")
    return HttpResponse("unavailable\n", content_type="text/plain", status=503)


def media(request, path):
    """Uploaded files, on a single machine without object storage.

    Their names carry a hash of their content, so they may be cached for a year.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """What django-axes answers while sign-in is locked: the admin's page, status 429."""
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed sign-in attempts"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
