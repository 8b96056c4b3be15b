from django.conf import settings


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
