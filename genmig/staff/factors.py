"""Second factors of local accounts: an authenticator app (TOTP) and recovery codes.

django-otp keeps the devices and checks the codes (each TOTP code once, each recovery code
once). Wrong codes are counted for the account as failed sign-ins are: after
AXES_FAILURE_LIMIT of them in AXES_COOLOFF_TIME, the account's codes are refused for that
time, and django-axes counts each against the address too.
"""

import contextvars

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .caching import cached
from .records import Event, Method, record

RECOVERY_CODE_COUNT = 10
# The session the request under way belongs to: the one that stays when others are ended.
current_session_key = contextvars.ContextVar("current_session_key", default=None)
current_request = contextvars.ContextVar("current_request", default=None)


def passkey_domain(request):
    """The relying party of passkeys: the host name the site is reached by, without port."""
    return request.get_host().rsplit(":", 1)[0] if "]" not in request.get_host() else ""


def has_second_factor(user):
    return any(
        not isinstance(device, StaticDevice) for device in devices_for_user(user, confirmed=True)
    )


def method_of(device):
    if isinstance(device, StaticDevice):
        return Method.RECOVERY
    return Method.TOTP if isinstance(device, TOTPDevice) else Method.PASSKEY


def _failure_key(user):
    return f"staff-second-factor-failures:{user.pk}"


def is_locked(user):
    # Without the cache the count is django-axes' alone (in the database), by address.
    return cached("get", _failure_key(user), 0, default=0) >= settings.AXES_FAILURE_LIMIT


def check_code(request, user, code):
    """The device that `code` belongs to (TOTP or a recovery code, used up), else None."""
    code = "".join(str(code).split())
    device = match_token(user, code) if code and not is_locked(user) else None
    if device is not None:
        cached("delete", _failure_key(user))
        return device
    key, seconds = _failure_key(user), int(settings.AXES_COOLOFF_TIME.total_seconds())
    cached("add", key, 0, seconds)
    if cached("incr", key, default=False) is False:
        cached("set", key, 1, seconds)
    record(request, Event.FAILED, Method.TOTP, user=user, detail="wrong second-factor code")
    # django-axes counts it against the address, as a wrong password.
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "second_factor": True},
        request=request,
    )
    return None


def new_totp_device(user):
    """An unconfirmed authenticator app device, replacing any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_device(request, device):
    """Confirm the device and give the account new recovery codes: return them."""
    device.confirmed = True
    device.save()
    return new_recovery_codes(request, device)


def new_recovery_codes(request, device):
    """The account's first factor `device` is set up: new recovery codes, returned."""
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    record(request, Event.FACTOR_ADDED, method_of(device), user=device.user)
    return codes


def end_other_sessions(user, keep=None):
    """Delete the user's sessions but `keep`; return how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


# Accounts being deleted: their devices go with them, and are not "removed" from them.
users_being_deleted = contextvars.ContextVar("users_being_deleted", default=frozenset())


def factor_removed(device):
    """A confirmed device was deleted (in the admin): record it, end the other sessions."""
    if not getattr(device, "confirmed", True) or isinstance(device, StaticDevice):
        return
    if device.user_id in users_being_deleted.get():
        return
    user = device.user
    record(current_request.get(), Event.FACTOR_REMOVED, method_of(device), user=user)
    end_other_sessions(user, keep=current_session_key.get())
