import zoneinfo

from django.conf import settings
from django.utils import timezone


class PermissionsPolicyMiddleware:
    """Turn off the browser features the site does not use, on every response.

    Placed before WhiteNoise, like the other header middleware, so that static files carry
    the header too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_OFF)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class AdminTimeZoneMiddleware:
    """The admin takes and shows times in settings.ADMIN_TIME_ZONE (IOM headquarters).

    Public pages keep the site's time zone; only views of the admin site switch.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            timezone.activate(zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE))
