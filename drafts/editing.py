"""The change form of a live item: “Save draft” beside “Publish”, the draft's panel, the
preview of unsaved changes, and the list column saying a draft is waiting.

`DraftAdminMixin` comes first in the bases of the admins of pages, updates, resources and
partners.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from . import actions, preview, review
from .models import Draft, DraftEvent
from .publishing import (
    DraftConflict,
    apply,
    name,
    newest_version_id,
    open_draft,
    record,
    save_draft,
    values_from_form,
)
from .roles import may_publish_directly
from .timing import saved_ago


def preview_languages():
    """(code, the language's name in the admin's language): "Aperçu en anglais"."""
    languages = [code for code, _name in settings.LANGUAGES]
    return [(code, get_language_info(code)["name_translated"]) for code in languages]


def reviewed_form(form_class, obj):
    """The form refusing, for someone who may not publish, a save that would leave the item
    public or make it so; their text stays in the form."""
    live = obj is not None and type(obj).objects.filter(pk=obj.pk, published=True).exists()

    class ReviewedForm(form_class):
        def clean(self):
            cleaned = super().clean()
            if live:
                self.add_error(
                    None,
                    _(
                        "This item is public: only a publisher can change it directly. Nothing "
                        "was saved; your text is still in the form. Use “Save draft”, then "
                        "“Submit for review”."
                    ),
                )
            elif cleaned.get("published"):
                self.add_error(
                    "published" if "published" in self.fields else None,
                    _(
                        "Only a publisher can publish. Untick “Published” to save it "
                        "unpublished, and ask a publisher to publish it."
                    ),
                )
            return cleaned

    return ReviewedForm


class DraftAdminMixin:
    change_form_template = "drafts/change_form.html"

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and getattr(request, "_show_draft", False):
            draft = open_draft(obj)
            request._draft = draft
            if draft is not None:
                apply(draft, obj)
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        publishing = request.method == "POST" and not (
            "_savedraft" in request.POST or request.POST.get("_preview")
        )
        if publishing and not may_publish_directly(request.user):
            form_class = reviewed_form(form_class, obj)
        conflict = getattr(request, "_draft_conflict", None)
        if conflict is None:
            return form_class
        message = _(
            "%(author)s saved a draft of this item %(when)s, while you were editing. "
            "Nothing was saved: your text is still in the form, and theirs is shown above it. "
            "“Save draft” again keeps yours in place of theirs."
        ) % {"author": name(conflict.author), "when": saved_ago(conflict.updated)}

        class ConflictForm(form_class):
            def clean(self):
                cleaned = super().clean()
                self.add_error(None, message)
                return cleaned

        return ConflictForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context.setdefault("draft_previewable", self.model._meta.label in preview.VIEWS)
        extra_context.setdefault("draft_languages", preview_languages())
        if object_id is None:
            if request.method == "POST" and request.POST.get("_preview"):
                if not self.has_add_permission(request):
                    raise PermissionDenied
                return self._preview_unsaved(request, None, extra_context)
            return super().changeform_view(request, object_id, form_url, extra_context)
        if request.method != "POST":
            request._show_draft = True
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra_context.update(self.draft_context(request, obj, request._draft))
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return super().changeform_view(request, object_id, form_url, extra_context)
        if request.POST.get("_draft_action"):
            return actions.act(self, request, obj, open_draft(obj))
        if request.POST.get("_preview"):
            return self._preview_unsaved(request, obj, extra_context)
        if "_savedraft" in request.POST and obj.published:
            form = self.get_form(request, obj, change=True)(
                request.POST, request.FILES, instance=obj
            )
            if form.is_valid():
                try:
                    seen = int(request.POST.get("_draft_revision") or 0)
                    draft = save_draft(type(obj).objects.get(pk=obj.pk), form, request.user, seen)
                except DraftConflict as conflict:
                    request._draft_conflict = conflict.draft
                    extra_context.update(self.draft_context(request, obj, conflict.draft))
                    extra_context["draft_theirs"] = self.their_values(obj, conflict.draft, form)
                    return super().changeform_view(request, object_id, form_url, extra_context)
                if request.FILES:
                    self.message_user(
                        request,
                        _("A draft keeps no new file: upload it when you publish."),
                        messages.WARNING,
                    )
                review.remember_language(request)
                self.message_user(
                    request,
                    _("Draft saved. Visitors still see the published version."),
                    messages.SUCCESS,
                )
                if draft.reopened:
                    self.message_user(
                        request,
                        _(
                            "The draft was approved or waiting for review: with your changes "
                            "it is being written again and will not be published. Submit it "
                            "for review again when it is ready."
                        ),
                        messages.WARNING,
                    )
                return HttpResponseRedirect(request.path)
        extra_context.update(self.draft_context(request, obj, open_draft(obj)))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        live = change and type(obj).objects.filter(pk=obj.pk, published=True).exists()
        if live and not may_publish_directly(request.user):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        draft = open_draft(obj) if change else None
        # Only the change form showing the draft as it is now publishes it; a list's row or a
        # form opened before the draft's last save leaves the draft open.
        if draft is not None and request.POST.get("_draft_revision") == str(draft.revision):
            request._published_draft = draft
            draft.state = Draft.State.PUBLISHED
            draft.share_key = ""
            draft.save(update_fields=["state", "share_key", "updated"])
            record(draft, DraftEvent.Action.PUBLISHED, request.user)

    def log_change(self, request, obj, message):
        draft = getattr(request, "_published_draft", None)
        if draft is not None:
            message = _("Published from a draft by %(author)s, approved by %(approver)s.") % {
                "author": name(draft.author),
                "approver": name(request.user),
            }
        return super().log_change(request, obj, message)

    def _preview_unsaved(self, request, obj, extra_context):
        language = request.POST["_preview"]
        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        valid_language = language in dict(settings.LANGUAGES)
        if form.is_valid() and valid_language and preview.previewable(form.instance):
            return preview.render_unsaved(request, form.instance, language)
        self.message_user(
            request, _("The preview needs the form filled in without errors."), messages.ERROR
        )
        return HttpResponseRedirect(request.path)

    def their_values(self, obj, draft, form):
        """The fields where the other editor's draft differs from this form: (label, text)."""
        rows = []
        mine = values_from_form(form, type(obj).objects.get(pk=obj.pk))
        for field_name, value in draft.data.items():
            if mine.get(field_name) != value and field_name in form.fields:
                rows.append((form.fields[field_name].label, value))
        return rows

    def draft_context(self, request, obj, draft):
        context = {"draft": draft, "draft_live": bool(obj.published)}
        context["draft_revision"] = draft.revision if draft else 0
        context["draft_previewable"] = preview.previewable(obj)
        context["draft_languages"] = preview_languages()
        context["admin_time_zone"] = settings.ADMIN_TIME_ZONE
        context["may_publish_form"] = may_publish_directly(request.user)
        if draft is None:
            return context
        links = [
            (label, preview.address(obj, code))
            for code, label in settings.LANGUAGES
            if context["draft_previewable"]
        ]
        context["draft_preview_links"] = links
        if draft.share_key and context["draft_previewable"]:
            token = preview.share_token(draft)
            context["draft_share_links"] = [
                (label, request.build_absolute_uri(preview.address(obj, code, token)))
                for code, label in settings.LANGUAGES
            ]
            context["draft_share_expires"] = preview.share_expires(draft)
        context["draft_events"] = list(draft.events.select_related("user"))
        context["draft_base_changed"] = newest_version_id(obj) != draft.base_version
        context.update(actions.allowed(request, draft))
        return context

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        drafts = Draft.objects.active().filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk")
        )
        return queryset.annotate(
            draft_waiting=Exists(drafts),
            draft_updated=Subquery(drafts.values("updated")[:1]),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_publish_directly(request.user):
            # Publishing or withdrawing a public item is the publishers' to do.
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    def get_list_display(self, request):
        return [*super().get_list_display(request), "draft_column"]

    @admin.display(description=gettext_lazy("draft"))
    def draft_column(self, obj):
        if not getattr(obj, "draft_waiting", False):
            return "—"
        return format_html(
            '<span class="draft-waiting">{}</span>',
            _("Draft changes, saved %(when)s") % {"when": saved_ago(obj.draft_updated)},
        )
