from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken, User
from gonghui.core.admin import OperatorAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins are kept by operators with Django's own user forms; lockouts are lifted
    through the accounts service so the audit log records it. A password reset or a
    deactivation here also revokes the user's API tokens, through the accounts services."""

    list_display = ["username", "display_name", "is_active", "is_superuser", "locked_until", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    readonly_fields = ["failed_logins", "last_failed_login", "locked_until", "last_login", "date_joined"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Gonghui"), {"fields": ["display_name", "failed_logins", "last_failed_login", "locked_until"]}),
    ]
    actions = ["unlock"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        """Django's password form saves the new password; then the accounts service records
        the reset and revokes the user's API tokens, in the same transaction."""
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    services.password_reset_record(actor=request.user, user=user)
        return response

    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            services.tokens_revoke_all(
                actor=request.user, user=obj, reason=gettext("The login was deactivated.")
            )

    @admin.action(description=_("Lift the lockout"))
    def unlock(self, request, queryset):
        for user in queryset:
            services.user_unlock(actor=request.user, user=user)
        messages.success(request, _("Lockouts lifted."))


@admin.register(ApiToken)
class ApiTokenAdmin(OperatorAdmin):
    """Tokens are made by their owners; operators can only see and revoke them. Only the
    prefix is shown — the secret is never stored."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            try:
                services.token_revoke(actor=request.user, token=token)
            except PermissionDenied:
                messages.error(request, _("Not allowed."))
                return
        messages.success(request, _("Tokens revoked."))

    def has_change_permission(self, request, obj=None):
        # Needed for admin actions to appear; every field stays read-only.
        return request.user.is_active and request.user.is_superuser
