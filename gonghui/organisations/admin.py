from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gonghui.core.admin import OperatorAdmin
from gonghui.organisations import services
from gonghui.organisations.models import Organisation, RoleAssignment


@admin.register(Organisation)
class OrganisationAdmin(OperatorAdmin):
    """Read-only: the tree is edited on the organisation pages, through the services that
    check codes, keep the materialised path and write the audit log."""

    list_display = ["name", "code", "kind", "level", "division_code", "numchild", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name", "code", "host_name"]
    ordering = ["path"]
    readonly_fields = [
        *services.AUDITED_FIELDS,
        "path",
        "depth",
        "numchild",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(OperatorAdmin):
    """Roles are given and revoked through the organisations services (audited)."""

    list_display = ["user", "role", "organisation", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name", "organisation__code"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user", "organisation"]
    fields = ["user", "organisation", "role"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # Lets the revoke action run; existing assignments are shown read-only.
        return request.user.is_active and request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        assignment = services.role_assign(
            actor=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
        )
        obj.pk = assignment.pk
        obj._state.adding = False

    @admin.action(description=_("Revoke the selected roles"))
    def revoke(self, request, queryset):
        for assignment in queryset.select_related("user", "organisation"):
            services.role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("Roles revoked."))
