from django.contrib import admin

from .models import SignInRecord


@admin.register(SignInRecord)
class SignInRecordAdmin(admin.ModelAdmin):
    """Read-only, and for superusers alone: who signed in, when, how and from where."""

    list_display = ["when", "event", "method", "username", "user", "address", "detail"]
    list_filter = ["event", "method"]
    search_fields = ["username", "user__username", "address"]
    date_hierarchy = "when"
    list_select_related = ["user"]

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
