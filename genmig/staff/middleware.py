from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .factors import current_request, current_session_key, has_second_factor
from .views_oidc import SESSION_METHOD

# Admin views a signed-in account reaches before its second factor.
OPEN_ADMIN_VIEWS = {"login", "logout", "jsi18n"}


class SecondFactorMiddleware:
    """Staff signed in with a password of this site reach the admin only once they have
    given their second factor, and are first taken to set one up if they have none.

    The IOM account's own sign-in stands for both factors (the provider asks for its own).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        key_token = current_session_key.set(session.session_key if session else None)
        request_token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_session_key.reset(key_token)
            current_request.reset(request_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin" or match.url_name in OPEN_ADMIN_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or not user.is_staff:
            return None
        if request.session.get(SESSION_METHOD) == "oidc" or user.is_verified():
            return None
        step = "staff:verify" if has_second_factor(user) else "staff:set_up"
        return HttpResponseRedirect(
            reverse(step) + "?" + urlencode({"next": request.get_full_path()})
        )
