"""Every kind of personal data the site keeps, each with its retention period, its purge, and
what a person's export and erasure do with it.

Three lists, each of small functions, one a kind:

- KINDS: the privacy notice's table (the period in words, from the same setting the purge
  reads) and the daily purge (`manage.py purge_personal_data`), each `purge(now=None) -> int`;
- EXPORTS: `export(email) -> list` of what is held on an address (`manage.py personal_data
  export`, and the admin);
- ERASERS: `erase(email, before=None) -> int`, deleting or anonymising it; `before` limits an
  erasure replayed after a restore to what existed when it was made.

An erasure is recorded (genmig.models.ErasureLog, and the file ERASURE_LOG_FILE, which outlives
the database) by a keyed hash of the address, never the address, so that `manage.py restore`
can erase again whoever an older backup still holds.
"""

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from drafts import personal_data as review_notices
from pages.audience import purge_audience
from partners import personal_data as enquiries

from . import staff_data as staff
from .staff.records import purge_sign_in_records

logger = logging.getLogger(__name__)


def period_in_words(days):
    """A period of days as the privacy notice says it: months past two of them."""
    if days >= 60:
        months = round(days / 30.4375)
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _days(setting):
    return lambda: period_in_words(getattr(settings, setting))


def _session_period():
    days = max(1, round(settings.SESSION_COOKIE_AGE / 86400))
    return _("until it ends, at most %(period)s") % {"period": period_in_words(days)}


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    retention: Callable[[], str]
    purge: Callable[..., int] = None


KINDS = [
    Kind(
        "enquiries",
        _("Enquiries sent through the contact form, with the record of their notification email"),
        _days("ENQUIRY_RETENTION_DAYS"),
        enquiries.purge_enquiries,
    ),
    Kind(
        "spam_enquiries",
        _("Enquiries taken for spam"),
        _days("SPAM_ENQUIRY_RETENTION_DAYS"),
        enquiries.purge_spam_enquiries,
    ),
    Kind(
        "enquiry_client_hashes",
        _("A keyed hash of the address an enquiry came from, to limit enquiries per hour"),
        lambda: _("one hour"),
        enquiries.purge_client_hashes,
    ),
    Kind(
        "sign_in_attempts",
        _("Failed staff sign-ins, kept to stop password guessing (address, browser, name)"),
        _days("SIGN_IN_RECORD_RETENTION_DAYS"),
        staff.purge_sign_in_attempts,
    ),
    Kind(
        "sign_in_records",
        _(
            "Records of staff sign-ins (password or IOM account), refused sign-ins and second "
            "factors set up or removed (address, browser, name)"
        ),
        _days("SIGN_IN_RECORD_RETENTION_DAYS"),
        purge_sign_in_records,
    ),
    Kind(
        "sessions",
        _("Sessions of signed-in staff (a cookie)"),
        _session_period,
        staff.purge_expired_sessions,
    ),
    Kind(
        "history",
        _("Staff names in the history of edits"),
        _days("VERSION_MAX_AGE_DAYS"),
        staff.purge_history,
    ),
    Kind(
        "review_notices",
        _("Emails to staff about drafts to review (address, names, comments), once sent"),
        _days("REVIEW_NOTICE_RETENTION_DAYS"),
        review_notices.purge_review_notices,
    ),
    Kind(
        "staff_accounts",
        _("Staff accounts (name, email address)"),
        lambda: _("while the person edits the site; deactivated and anonymised on request"),
    ),
    Kind(
        "staff_language",
        _("The language each member of staff last used the admin in, for their review emails"),
        lambda: _("while the account exists; deleted with it or on request"),
    ),
    Kind(
        "audience",
        _("Daily counts of the pages read, documents downloaded and searches made (no address)"),
        _days("AUDIENCE_RETENTION_DAYS"),
        purge_audience,
    ),
    Kind(
        "backups",
        _("Backups of all of the above"),
        _days("BACKUP_KEEP_DAYS"),
    ),
]

EXPORTS = [
    ("enquiries", enquiries.export_enquiries),
    ("staff_accounts", staff.export_staff_accounts),
    ("sign_in_attempts", staff.export_sign_in_attempts),
    ("sign_in_records", staff.export_sign_in_records),
    ("iom_account", staff.export_identity),
    ("staff_language", staff.export_staff_language),
    ("review_notices", review_notices.export_review_notices),
    ("draft_comments", review_notices.export_draft_comments),
]

# Sign-in attempts first: they are found by the account's name, which erasing it replaces.
ERASERS = [
    ("enquiries", enquiries.erase_enquiries),
    ("sign_in_attempts", staff.erase_sign_in_attempts),
    ("sign_in_records", staff.erase_sign_in_records),
    ("staff_language", staff.erase_staff_language),
    ("review_notices", review_notices.erase_review_notices),
    ("draft_comments", review_notices.erase_draft_comments),
    ("staff_accounts", staff.erase_staff_accounts),
]

# Where the addresses that data is kept under are found, to replay erasures after a restore.
ADDRESS_SOURCES = [
    enquiries.enquiry_addresses,
    staff.staff_addresses,
    review_notices.review_notice_addresses,
]


def retention_table():
    """The privacy notice's table: each kind of data and how long it is kept, in words."""
    return [(kind.label, kind.retention()) for kind in KINDS]


def purge(now=None):
    """Delete what is past its retention period; how many of each kind."""
    now = now or timezone.now()
    return {kind.name: kind.purge(now) for kind in KINDS if kind.purge}


def normalise(email):
    return email.strip().lower()


def erasure_key(email):
    """A keyed hash of the address (the key derived from SECRET_KEY), never the address."""
    return salted_hmac("genmig.erasure", normalise(email), algorithm="sha256").hexdigest()


def export(email):
    """Everything held on this address, by kind; kinds with nothing are left out."""
    email = normalise(email)
    found = {name: export_kind(email) for name, export_kind in EXPORTS}
    return {name: items for name, items in found.items() if items}


def erase(email, before=None, record=True):
    """Erase everything held on this address and record it; how many of each kind."""
    from .models import ErasureLog

    email = normalise(email)
    with transaction.atomic():
        erased = {name: erase_kind(email, before) for name, erase_kind in ERASERS}
        erased = {name: count for name, count in erased.items() if count}
        if erased and record:
            entry = ErasureLog.objects.create(key=erasure_key(email))
            # Before the database commits: a restore must know of every erasure it has.
            append_to_file(entry.key, entry.erased_at)
    return erased


def append_to_file(key, erased_at):
    path = settings.ERASURE_LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"key": key, "erased_at": erased_at.isoformat()}) + "\n"
    with open(path, "a", encoding="utf-8") as log:
        log.write(line)
        log.flush()
        os.fsync(log.fileno())


def read_file(path=None):
    """The file's erasures as {key: latest time}; a line cut short by a crash is skipped."""
    path = path or settings.ERASURE_LOG_FILE
    entries = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return entries
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
            key, erased_at = item["key"], datetime.fromisoformat(item["erased_at"])
        except (ValueError, KeyError, TypeError):
            logger.warning("Erasure log %s: line %d is not an erasure, skipped", path, number)
            continue
        entries[key] = max(erased_at, entries.get(key, erased_at))
    return entries


def replay(extra=None):
    """Erase again whoever the erasure log names and the database still holds (after a
    restore of an older backup); each only for what existed when they were erased. Returns
    the number of addresses erased."""
    from .models import ErasureLog

    erasures = dict(extra or {})
    for key, erased_at in read_file().items():
        erasures[key] = max(erased_at, erasures.get(key, erased_at))
    for key, erased_at in ErasureLog.objects.values_list("key", "erased_at"):
        erasures[key] = max(erased_at, erasures.get(key, erased_at))
    known = set(ErasureLog.objects.values_list("key", flat=True))
    ErasureLog.objects.bulk_create(
        ErasureLog(key=key, erased_at=erasures[key]) for key in erasures.keys() - known
    )
    addresses = {normalise(address) for source in ADDRESS_SOURCES for address in source()}
    replayed = 0
    for address in addresses:
        erased_at = erasures.get(erasure_key(address))
        if erased_at and erase(address, before=erased_at, record=False):
            replayed += 1
    return replayed
