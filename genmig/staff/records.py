"""Sign-in records: written on every sign-in, failure and change of second factor; kept
SIGN_IN_RECORD_RETENTION_DAYS days."""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from genmig.http import client_ip

from .models import SignInRecord

Event = SignInRecord.Event
Method = SignInRecord.Method


def record(request, event, method, user=None, username="", detail=""):
    address = client_ip(request) if request is not None else ""
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        address = None
    if user is not None and not username:
        username = user.get_username()
    return SignInRecord.objects.create(
        when=timezone.now(),
        event=event,
        method=method,
        user=user,
        username=str(username)[:150],
        address=address,
        detail=str(detail)[:255],
    )


def purge_sign_in_records(now=None):
    """Delete the records older than SIGN_IN_RECORD_RETENTION_DAYS; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SIGN_IN_RECORD_RETENTION_DAYS)
    deleted, _by_model = SignInRecord.objects.filter(when__lt=cutoff).delete()
    return deleted


def _records_of(user):
    # Failed password sign-ins name the account as typed, without a user.
    return SignInRecord.objects.filter(Q(user=user) | Q(user=None, username=user.get_username()))


def exported(entry):
    """One record as an export of personal data gives it: a plain dict."""
    return {
        "when": entry.when.isoformat(),
        "event": entry.event,
        "method": entry.method,
        "username": entry.username,
        "address": entry.address,
        "detail": entry.detail,
    }


def sign_in_records_of(user):
    """One person's records, for an export of their data: a list of plain dicts."""
    return [exported(entry) for entry in _records_of(user).order_by("when", "pk")]


def erase_sign_in_records_of(user):
    """Delete one person's records (an erasure of their data); return how many."""
    deleted, _by_model = _records_of(user).delete()
    return deleted
