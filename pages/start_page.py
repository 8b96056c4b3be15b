"""The admin's start page as an editor reads it: what needs doing first, each quiet section
folded into one line, then the kinds of content; the accounts and security records of the
sign-in apps only for superusers, folded, lower down."""

from django.utils.translation import gettext_lazy as _

from .attention import sections

# What needs doing first: enquiries and broken links, then what the clock is about to change.
ORDER = ["enquiries", "links", "live", "expiring", "fr", "es", "drafts", "stale"]
QUIET = {
    "enquiries": _("No new enquiries, and every notification email has gone out."),
    "live": _("Nothing going live in the next 14 days."),
    "expiring": _("Nothing expiring in the next 14 days."),
    "fr": _("Every text has its French version."),
    "es": _("Every text has its Spanish version."),
    "drafts": _("No unpublished items."),
    "stale": _("Everything has been updated within the last year."),
}
NOTHING_SCHEDULED = _("Nothing going live or expiring in the next 14 days.")
# The apps whose models editors edit; the others hold accounts and sign-in records.
CONTENT_APPS = ("pages", "partners")


def attention(request):
    """{"sections": the sections with something to count, only their non-zero lines;
    "quiet": one line for each section with nothing to do}."""
    found = sorted(sections(request), key=lambda section: ORDER.index(section["name"]))
    busy, quiet = [], {}
    for section in found:
        items = [item for item in section["items"] if item[1]]
        if items or section.get("keep_open"):
            busy.append({**section, "items": items})
        else:
            quiet[section["name"]] = QUIET[section["name"]]
    if "live" in quiet and "expiring" in quiet:
        del quiet["expiring"]
        quiet["live"] = NOTHING_SCHEDULED
    return {"sections": busy, "quiet": list(quiet.values())}


def split_apps(request, app_list):
    """(the content apps, the other apps a superuser sees) of the admin's app list."""
    content = [app for app in app_list if app["app_label"] in CONTENT_APPS]
    others = [app for app in app_list if app["app_label"] not in CONTENT_APPS]
    return content, others if request.user.is_superuser else []
