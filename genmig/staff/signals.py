"""Sign-in records for password sign-ins and failures, and for second factors."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .records import Event, Method, record

OIDC_BACKEND = "genmig.staff.oidc.StaffOIDCBackend"


@receiver(user_logged_in, dispatch_uid="staff.signed_in")
def signed_in(sender, request, user, **kwargs):
    # The IOM account's sign-in is recorded by its own view, with what it found out.
    if getattr(user, "backend", "") != OIDC_BACKEND:
        record(request, Event.SIGNED_IN, Method.PASSWORD, user=user)


@receiver(user_login_failed, dispatch_uid="staff.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if "username" in credentials:
        record(request, Event.FAILED, Method.PASSWORD, username=credentials["username"] or "")


@receiver(post_delete, sender=WebAuthnCredential, dispatch_uid="staff.passkey_removed")
@receiver(post_delete, sender=TOTPDevice, dispatch_uid="staff.totp_removed")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="staff.static_removed")
def factor_removed(sender, instance, **kwargs):
    from .factors import factor_removed as removed

    removed(instance)


# A user's deletion takes its devices with it: Django sends every pre_delete of the deletion
# before any post_delete, so the devices' receivers above know their user is going.
# (Receivers for the user model alone: one for every model would stop Django deleting rows
# in bulk, such as sessions, without fetching each first.)
@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="staff.user_deleting")
def user_deleting(sender, instance, **kwargs):
    from .factors import users_being_deleted

    users_being_deleted.set(users_being_deleted.get() | {instance.pk})


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="staff.user_deleted")
def user_deleted(sender, instance, **kwargs):
    from .factors import users_being_deleted

    users_being_deleted.set(users_being_deleted.get() - {instance.pk})
