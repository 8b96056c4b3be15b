"""The two steps of a sign-in with the IOM account, and the messages when one fails."""

import logging

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .oidc import ProviderUnavailable, discovery
from .records import Event, Method, record

logger = logging.getLogger(__name__)

SESSION_METHOD = "staff_sign_in_method"

# The provider's `error` codes (RFC 6749 4.1.2.1, OpenID Connect 3.1.2.6) people cause.
CANCELLED = {"access_denied", "consent_required", "interaction_required", "login_required"}


def unavailable_message():
    return _(
        "The IOM sign-in service does not answer at the moment. Try again in a few "
        "minutes; a local account can still sign in with its password below."
    )


def login_page(request):
    return HttpResponseRedirect(reverse("admin:login"))


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE challenge."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.STAFF_OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderUnavailable as error:
            logger.warning("IOM account sign-in unavailable: %s", error)
            messages.error(request, unavailable_message())
            return login_page(request)
        request.GET = request.GET.copy()
        request.GET.setdefault("next", reverse("admin:index"))
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: every failure is a message and a record."""

    @property
    def failure_url(self):
        return reverse("admin:login")

    def get(self, request):
        if not settings.STAFF_OIDC_ENABLED:
            raise Http404
        error = request.GET.get("error")
        if error:
            states = request.session.get("oidc_states", {})
            if states.pop(request.GET.get("state", ""), None) is not None:
                request.session.modified = True
            if error in CANCELLED:
                text = _("Sign-in with the IOM account was cancelled or refused.")
            else:
                text = _("The IOM sign-in service refused the sign-in (%(error)s).") % {
                    "error": error[:60]
                }
            return self.fail(text, f"provider error: {error}")
        try:
            response = super().get(request)
        except SuspiciousOperation as problem:
            logger.warning("IOM account sign-in refused: %s", problem)
            return self.fail(
                _("The sign-in with the IOM account could not be checked. Please try again."),
                str(problem),
            )
        except (ProviderUnavailable, requests.RequestException, ValueError) as problem:
            logger.warning("IOM account sign-in failed: %s", problem)
            return self.fail(unavailable_message(), str(problem))
        return response

    def login_failure(self):
        return self.fail(
            _("The sign-in with the IOM account could not be checked. Please try again."),
            "refused",
        )

    def fail(self, text, detail, user=None):
        messages.error(self.request, text)
        record(self.request, Event.FAILED, Method.OIDC, user=user, detail=detail)
        return HttpResponseRedirect(self.failure_url)

    def login_success(self):
        if not self.user.is_staff:
            return self.fail(
                _(
                    "Your IOM account has no role on this site, so it cannot open the "
                    "administration. Ask the site's administrators for a role."
                ),
                "no mapped role",
                user=self.user,
            )
        auth.login(self.request, self.user, backend="genmig.staff.oidc.StaffOIDCBackend")
        self.request.session[SESSION_METHOD] = Method.OIDC
        record(self.request, Event.SIGNED_IN, Method.OIDC, user=self.user)
        return HttpResponseRedirect(self.success_url)
