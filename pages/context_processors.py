from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import SiteSettings
from .views import site_pages


def site(request):
    """What every page's header and footer need; each query runs only if a template uses it."""
    return {
        "nav_pages": SimpleLazyObject(lambda: [p for p in site_pages(request) if p.show_in_nav]),
        "site_settings": SimpleLazyObject(lambda: SiteSettings.for_request(request)),
        "contact_email": settings.CONTACT_EMAIL,
    }
