"""The sensitive-word list of the news checks, kept by the site's operators."""

from django.contrib import admin

from gonghui.core.admin import OperatorAdmin
from gonghui.news.models import SensitiveWord


@admin.register(SensitiveWord)
class SensitiveWordAdmin(OperatorAdmin):
    """Operators add, switch off and remove words; a word only highlights an item for its
    reviewers (news.checks), so the list is configuration, not a record to audit."""

    list_display = ["word", "active"]
    list_filter = ["active"]
    search_fields = ["word"]

    def has_add_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request)
