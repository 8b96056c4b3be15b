from django.conf import settings

from .models import Page


def site(request):
    """What every page's header and footer need. The menu query runs only if it is shown."""
    return {
        "nav_pages": Page.objects.published()
        .filter(show_in_nav=True)
        .only("title", "nav_title", "slug"),
        "contact_email": settings.CONTACT_EMAIL,
        "newsletter_url": settings.NEWSLETTER_URL,
    }
