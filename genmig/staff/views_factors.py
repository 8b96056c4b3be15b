"""Setting up and giving the second factor of a local account."""

from base64 import b32encode

import segno
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.views import CompleteCredentialAuthenticationView

from genmig.views import login_locked_out

from . import factors
from .forms import CodeForm, ConfirmAppForm
from .records import Event, Method, record

SESSION_NEW_DEVICE = "staff_new_totp_device"
SESSION_RECOVERY_CODES = "staff_recovery_codes"


def next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("admin:index")


def staff_login_required(view):
    return never_cache(login_required(view, login_url="admin:login"))


@staff_login_required
def verify(request):
    """The second step of a password sign-in: an app code or a recovery code."""
    user = request.user
    if not factors.has_second_factor(user):
        return redirect(reverse("staff:set_up") + "?" + request.GET.urlencode())
    if factors.is_locked(user):
        logout(request)
        return login_locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = factors.check_code(request, user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            record(request, Event.SIGNED_IN, factors.method_of(device), user=user)
            return redirect(next_url(request))
        if factors.is_locked(user):
            logout(request)
            return login_locked_out(request)
        form.add_error("code", _("This code is not right, or was used already."))
    return render_page(request, "staff/verify.html", _("Second factor"), form=form)


@staff_login_required
def set_up(request):
    """Set up an authenticator app: shows its key, takes a code from it, then shows the
    recovery codes once."""
    user = request.user
    if factors.has_second_factor(user) and not user.is_verified():
        return redirect(reverse("staff:verify") + "?" + request.GET.urlencode())
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(SESSION_NEW_DEVICE)
    ).first()
    if device is None:
        device = factors.new_totp_device(user)
        request.session[SESSION_NEW_DEVICE] = device.pk
    form = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if device.verify_token(code):
            codes = factors.confirm_totp_device(request, device)
            otp_login(request, device)
            request.session.pop(SESSION_NEW_DEVICE, None)
            request.session[SESSION_RECOVERY_CODES] = codes
            return redirect(reverse("staff:recovery_codes") + "?" + request.GET.urlencode())
        form.add_error("code", _("This code is not right: check the key and the time."))
    key = b32encode(device.bin_key).decode()
    # The same address as a QR code, drawn on the server: the phone's app scans it.
    qr_code = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff"
    )
    return render_page(
        request,
        "staff/set_up.html",
        _("Set up a second factor"),
        form=form,
        key=" ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        config_url=device.config_url,
        qr_code=mark_safe(qr_code),  # noqa: S308 (segno's own SVG of the address)
    )


@staff_login_required
def passkey_added(request):
    """Where the set-up page goes once the browser has registered a passkey (the library's
    view checked it and counts the session as verified): recovery codes, as for an app."""
    from django_otp_webauthn.models import WebAuthnCredential

    device = request.user.otp_device
    if not isinstance(device, WebAuthnCredential):
        return redirect(reverse("staff:set_up") + "?" + request.GET.urlencode())
    request.session[SESSION_RECOVERY_CODES] = factors.new_recovery_codes(request, device)
    return redirect(reverse("staff:recovery_codes") + "?" + request.GET.urlencode())


class PasskeySignInView(CompleteCredentialAuthenticationView):
    """django-otp-webauthn's last step of a passkey check, recorded."""

    def complete_auth(self, device):
        user = super().complete_auth(device)
        record(self.request, Event.SIGNED_IN, Method.PASSKEY, user=device.user)
        return user


@staff_login_required
def recovery_codes(request):
    codes = request.session.pop(SESSION_RECOVERY_CODES, None)
    if not codes:
        return redirect(next_url(request))
    return render_page(request, "staff/recovery_codes.html", _("Your recovery codes"), codes=codes)


def render_page(request, template, title, **extra):
    context = {**admin.site.each_context(request), "title": title, "next": next_url(request)}
    context.update(extra)
    return render(request, template, context)
