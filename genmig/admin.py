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


@admin.register(ErasureLog)
class ErasureLogAdmin(admin.ModelAdmin):
    list_display = ["erased_at", "key"]
    date_hierarchy = "erased_at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("Upper or lower case and spaces around it do not matter."),
    )


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
        else:
            lines.append(_("%(kind)s: %(count)d deleted.") % {"count": count, "kind": name})
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
    context.update(email=email, held=held, effects=what_erasing_does(held))
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
                "what": ", ".join(
                    f"{count} {name.replace('_', ' ')}" for name, count in erased.items()
                ),
            },
        )
        return redirect(f"{reverse('personal_data')}?{urlencode({'email': email})}")
    if action == "confirm" and held:
        return render(request, "admin/personal_data_confirm.html", context)
    return render(request, "admin/personal_data.html", context)
