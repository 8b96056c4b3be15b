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
    """For a load balancer: 200 while this instance can serve pages, 503 when it cannot.

    Only the database is needed to serve pages; without the cache they are rendered on every
    request, slower but correct, so a cache that does not answer is reported in the body
    ("degraded") with status 200: a balancer must not take every instance out at once for
    it. Details go to the log only.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check failed: the database does not answer")
        return HttpResponse("unavailable\n", content_type="text/plain", status=503)
    try:
        cache.set("healthz", "ok", timeout=10)
        cache_ok = cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check: the cache does not answer")
        cache_ok = False
    else:
        if not cache_ok:
            logger.warning("Health check: the cache does not keep what is stored in it")
    body = "ok\n" if cache_ok else "ok\ncache: degraded\n"
    return HttpResponse(body, content_type="text/plain")


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
