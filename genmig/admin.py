"""The erasure log, and one person's personal data, for superusers only."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import personal_data
from .models import ErasureLog
from .staff.admin import RecordsForSuperusers


@admin.register(ErasureLog)
class ErasureLogAdmin(RecordsForSuperusers):
    list_display = ["erased_at", "key"]
    date_hierarchy = "erased_at"


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("Upper or lower case and spaces around it do not matter."),
    )


# The kinds of data an export finds (genmig/personal_data.py EXPORTS), as staff read them.
KIND_LABELS = {
    "enquiries": gettext_lazy("Enquiries"),
    "staff_accounts": gettext_lazy("Staff accounts"),
    "sign_in_attempts": gettext_lazy("Sign-in attempts (kept to stop password guessing)"),
    "sign_in_records": gettext_lazy("Sign-in records"),
    "iom_account": gettext_lazy("Ties to an IOM account"),
    "staff_language": gettext_lazy("Language of the admin, for review emails"),
    "review_notices": gettext_lazy("Emails about drafts to review"),
    "draft_comments": gettext_lazy("Comments given on drafts"),
}


def counted(found):
    """{kind: items or count} as "Enquiries: 1, Sign-in records: 6"."""
    return [
        (KIND_LABELS.get(name, name), count if isinstance(count, int) else len(count))
        for name, count in found.items()
    ]


def what_erasing_does(held):
    """What an erasure will do, kind by kind, in words."""
    lines = []
    for name, items in held.items():
        count = len(items)
        if name == "enquiries":
            lines.append(
                ngettext(
                    "%(count)d enquiry, with the record of its notification email, is deleted.",
                    "%(count)d enquiries, with the records of their notification emails, are "
                    "deleted.",
                    count,
                )
                % {"count": count}
            )
        elif name == "staff_accounts":
            for account in items:
                lines.append(
                    _(
                        "The staff account “%(name)s” is deactivated; its name and address are "
                        "removed and the history shows it as a former staff member."
                    )
                    % {"name": account["username"]}
                )
        elif name == "sign_in_attempts":
            lines.append(
                ngettext(
                    "%(count)d record of a sign-in or failed attempt is deleted.",
                    "%(count)d records of sign-ins or failed attempts are deleted.",
                    count,
                )
                % {"count": count}
            )
        elif name == "sign_in_records":
            lines.append(
                ngettext(
                    "%(count)d sign-in record is deleted.",
                    "%(count)d sign-in records are deleted.",
                    count,
                )
                % {"count": count}
            )
        elif name == "iom_account":
            lines.append(
                _(
                    "The tie to the IOM account and any second factor are removed: signing in "
                    "again with that account would make a new, empty account."
                )
            )
        else:
            label = KIND_LABELS.get(name, name)
            lines.append(_("%(kind)s: %(count)d deleted.") % {"count": count, "kind": label})
    return lines


def personal_data_view(request):
    """Look up what is held on one address; download it as JSON; erase it, after a page that
    says what will be removed."""
    if not request.user.is_superuser:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    form = AddressForm(source or None)
    context = {
        **admin.site.each_context(request),
        "title": _("Personal data held on one address"),
        "form": form,
    }
    if not form.is_valid():
        return render(request, "admin/personal_data.html", context)
    email = personal_data.normalise(form.cleaned_data["email"])
    held = personal_data.export(email)
    context.update(
        email=email, held=held, held_kinds=counted(held), effects=what_erasing_does(held)
    )
    if request.method == "GET" and request.GET.get("download") and held:
        response = HttpResponse(
            json.dumps(held, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "erase" and held:
        erased = personal_data.erase(email)
        messages.success(
            request,
            _("Erased what was held on %(email)s (%(what)s); the erasure is recorded.")
            % {
                "email": email,
                "what": ", ".join(f"{label}: {count}" for label, count in counted(erased)),
            },
        )
        return redirect(f"{reverse('personal_data')}?{urlencode({'email': email})}")
    if action == "confirm" and held:
        return render(request, "admin/personal_data_confirm.html", context)
    return render(request, "admin/personal_data.html", context)
