import re

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .factors import current_request, current_session_key, has_second_factor
from .views_oidc import SESSION_METHOD

# Admin views a signed-in account reaches before its second factor.
OPEN_ADMIN_VIEWS = {"login", "logout", "jsi18n"}
# Staff views outside Django's admin site (under /admin/ too) that are themselves the steps of
# signing in: choosing, setting up and giving a second factor, the IOM account's return.
OPEN_STAFF_NAMESPACES = {"staff", "otp_webauthn"}
OPEN_STAFF_VIEWS = {"staff_oidc_callback", "staff_passkey_complete"}
STAFF_ROUTE = re.compile(r"^(?:[a-z]{2}/)?admin/")


def needs_second_factor(match):
    """Whether the view is the admin's or another staff view under /admin/ (such as the
    personal data pages), and not a step of signing in."""
    if match is None:
        return False
    if match.app_name == "admin":
        return match.url_name not in OPEN_ADMIN_VIEWS
    return (
        bool(STAFF_ROUTE.match(match.route or ""))
        and match.app_name not in OPEN_STAFF_NAMESPACES
        and match.url_name not in OPEN_STAFF_VIEWS
    )


def is_signed_in_staff(request):
    """Staff who have signed in all the way: with the IOM account, or with a password and a
    second factor. Only they see what visitors do not (drafts, embargoed items)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    return request.session.get(SESSION_METHOD) == "oidc" or user.is_verified()


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
        if not needs_second_factor(request.resolver_match):
            return None
        user = request.user
        if not user.is_authenticated or not user.is_staff or is_signed_in_staff(request):
            return None
        step = "staff:verify" if has_second_factor(user) else "staff:set_up"
        return HttpResponseRedirect(
            reverse(step) + "?" + urlencode({"next": request.get_full_path()})
        )
