from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.views.static import serve


def server_error(request):
    """The 500 page, rendered without context processors so that it needs no database."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"contact_email": settings.CONTACT_EMAIL}))


def media(request, path):
    """Uploaded files, on a single machine without object storage.

    Their names carry a hash of their content, so they may be cached for a year.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
