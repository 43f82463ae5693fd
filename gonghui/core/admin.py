"""The operators' admin (/ops/admin/): superusers only. Business changes go through the
product pages and their services, so most models are read-only here; personal data is
shown masked, never decrypted."""

from django.contrib import admin

from gonghui.core.models import AuditEntry


def _operator_only(request) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


# Staff flags alone never open the admin: only operators (superusers) do.
admin.site.has_permission = _operator_only


class OperatorAdmin(admin.ModelAdmin):
    """A model an operator may look at and, where a subclass allows it, change."""

    def has_module_permission(self, request):
        return _operator_only(request)

    def has_view_permission(self, request, obj=None):
        return _operator_only(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(OperatorAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_label", "action"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "organisation_id",
        "changes",
        "reason",
    ]
