from django import template
from django.conf import settings

from genmig.staff.oidc import ProviderUnavailable, discovery

register = template.Library()


@register.simple_tag
def staff_oidc_enabled():
    return settings.STAFF_OIDC_ENABLED


@register.simple_tag
def staff_provider_logout_url():
    """The provider's own sign-out page (its end_session_endpoint), or ""."""
    if not settings.STAFF_OIDC_ENABLED:
        return ""
    try:
        return discovery().get("end_session_endpoint", "")
    except ProviderUnavailable:
        return ""
