from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader


def server_error(request):
    """The 500 page, rendered without context processors so that it needs no database."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"contact_email": settings.CONTACT_EMAIL}))
