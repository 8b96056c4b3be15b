import re
import zoneinfo

from django.conf import settings
from django.utils import timezone

from genmig.views import healthz

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer the load balancer's /healthz before anything else looks at the request.

    The balancer probes each instance over plain HTTP by its own address, so neither the
    redirect to HTTPS nor the check of the Host header (ALLOWED_HOSTS) may stand in the way.
    The answer says nothing but ok, degraded or unavailable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)


ADMIN_PATH = re.compile(r"^/((fr|es)/)?admin/")


class PermissionsPolicyMiddleware:
    """Turn off the browser features the site does not use, on every response; in the admin,
    passkeys (PERMISSIONS_POLICY_ADMIN_SELF) are allowed for the site itself.

    Placed before WhiteNoise, like the other header middleware, so that static files carry
    the header too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_OFF)
        self.admin_header = ", ".join(
            f"{feature}=(self)"
            if feature in settings.PERMISSIONS_POLICY_ADMIN_SELF
            else f"{feature}=()"
            for feature in settings.PERMISSIONS_POLICY_OFF
        )

    def __call__(self, request):
        response = self.get_response(request)
        admin = ADMIN_PATH.match(request.path_info)
        response.headers.setdefault(
            "Permissions-Policy", self.admin_header if admin else self.header
        )
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
