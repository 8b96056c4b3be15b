"""The personal data of staff the site keeps: sessions, sign-in records (django-axes), staff
accounts and their names in the history. Each function does one thing for one kind;
genmig/personal_data.py lists them."""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from reversion.models import Revision

# Sessions --------------------------------------------------------------------------------


def purge_expired_sessions(now=None):
    return Session.objects.filter(expire_date__lt=now or timezone.now()).delete()[0]


def _sessions_of(user):
    return [
        session.pk
        for session in Session.objects.filter(expire_date__gte=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


# Sign-in attempts (django-axes) ----------------------------------------------------------


def _axes_models():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [AccessAttempt, AccessFailureLog, AccessLog]


def purge_sign_in_attempts(now=None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGN_IN_RECORD_RETENTION_DAYS)
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[1].get(model._meta.label, 0)
        for model in _axes_models()
    )


def _names_signed_in_with(email):
    """The names sign-in attempts may carry for this address: itself, and its accounts'."""
    return [email, *staff_accounts(email).values_list("username", flat=True)]


def _attempts_of(model, email, before=None):
    names = Q()
    for name in _names_signed_in_with(email):
        names |= Q(username__iexact=name)
    attempts = model.objects.filter(names)
    return attempts.filter(attempt_time__lte=before) if before else attempts


def export_sign_in_attempts(email):
    return [
        {
            "kind": model._meta.model_name,
            "username": attempt.username,
            "address": attempt.ip_address,
            "browser": attempt.user_agent,
            "time": attempt.attempt_time.isoformat(),
        }
        for model in _axes_models()
        for attempt in _attempts_of(model, email).order_by("attempt_time")
    ]


def erase_sign_in_attempts(email, before=None):
    return sum(
        _attempts_of(model, email, before).delete()[1].get(model._meta.label, 0)
        for model in _axes_models()
    )


# Staff accounts, and their names in the history ------------------------------------------


def staff_accounts(email, before=None):
    accounts = get_user_model().objects.filter(email__iexact=email)
    return accounts.filter(date_joined__lte=before) if before else accounts


def staff_addresses():
    return set(get_user_model().objects.exclude(email="").values_list("email", flat=True))


def export_staff_accounts(email):
    return [
        {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "active": user.is_active,
            "staff": user.is_staff,
            "joined": user.date_joined.isoformat(),
            "last_sign_in": user.last_login and user.last_login.isoformat(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "versions_saved": Revision.objects.filter(user=user).count(),
        }
        for user in staff_accounts(email).order_by("pk")
    ]


def _forget_identity_and_factors(user):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    from .staff.factors import users_being_deleted
    from .staff.models import Identity

    Identity.objects.filter(user=user).delete()
    token = users_being_deleted.set(users_being_deleted.get() | {user.pk})
    try:
        for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
            model.objects.filter(user=user).delete()
    finally:
        users_being_deleted.reset(token)


def export_identity(email):
    from .staff.models import Identity

    return [
        {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "since": identity.created.isoformat(),
        }
        for identity in Identity.objects.filter(user__in=staff_accounts(email))
    ]


def _staff_languages(email, before=None):
    from drafts.models import StaffLanguage

    return StaffLanguage.objects.filter(user__in=staff_accounts(email, before))


def export_staff_language(email):
    return [
        {"username": row.user.get_username(), "language": row.language}
        for row in _staff_languages(email).select_related("user").order_by("pk")
    ]


def erase_staff_language(email, before=None):
    return _staff_languages(email, before).delete()[0]


def neutral_label(user):
    return f"former-staff-{user.pk}"


def erase_staff_accounts(email, before=None):
    """Deactivate the accounts and replace their names, in the history too, by a label."""
    erased = 0
    for user in staff_accounts(email, before):
        Session.objects.filter(pk__in=_sessions_of(user)).delete()
        # Its tie to the IOM account and its second factors go too: signing in again with the
        # IOM account makes a new account, never brings this one back.
        _forget_identity_and_factors(user)
        label = neutral_label(user)
        user.username = label
        user.first_name = user.last_name = user.email = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        # The history shows each version's author by the account, now the label; the admin's
        # log of changes to accounts names the account as it was called then.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
        ).update(object_repr=label)
        erased += 1
    return erased


# The history ----------------------------------------------------------------------------


def purge_history(now=None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.VERSION_MAX_AGE_DAYS)
    return Revision.objects.filter(date_created__lt=cutoff).delete()[0]


# Records of sign-ins (genmig.staff): password, IOM account, second factors -----------------


def _sign_in_records(email, before=None):
    """Records of the address's accounts, and of sign-ins typed with one of its names."""
    from .staff.models import SignInRecord

    names = Q()
    for name in _names_signed_in_with(email):
        names |= Q(username__iexact=name)
    records = SignInRecord.objects.filter(Q(user__in=staff_accounts(email)) | names)
    return records.filter(when__lte=before) if before else records


def export_sign_in_records(email):
    from .staff.records import exported

    return [exported(entry) for entry in _sign_in_records(email).order_by("when", "pk")]


def erase_sign_in_records(email, before=None):
    return _sign_in_records(email, before).delete()[0]
