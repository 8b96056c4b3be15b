from django.contrib import admin

from .models import SignInRecord


class RecordsForSuperusers(admin.ModelAdmin):
    """Records the site keeps of what happened: shown to superusers alone, never edited."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignInRecord)
class SignInRecordAdmin(RecordsForSuperusers):
    """Read-only, and for superusers alone: who signed in, when, how and from where."""

    list_display = ["when", "event", "method", "username", "user", "address", "detail"]
    list_filter = ["event", "method"]
    search_fields = ["username", "user__username", "address"]
    date_hierarchy = "when"
    list_select_related = ["user"]
