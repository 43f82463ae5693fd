"""Read-only admin for the member tables. Personal data appears only in its masked form;
the encrypted values and blind indexes are never shown. Changes go through the officer
pages and their services."""

from django.contrib import admin

from gonghui.core.admin import OperatorAdmin
from gonghui.members.models import DuesRecord, Enrolment, Member, MembershipEvent, Transfer


@admin.register(Member)
class MemberAdmin(OperatorAdmin):
    list_display = [
        "name",
        "member_no",
        "organisation",
        "status",
        "id_number_masked",
        "phone_masked",
        "joined_on",
    ]
    list_filter = ["status", "employment_form", "is_migrant_worker"]
    search_fields = ["member_no", "name", "name_pinyin"]
    list_select_related = ["organisation"]
    fields = [
        "name",
        "member_no",
        "organisation",
        "status",
        "id_number_masked",
        "phone_masked",
        "gender",
        "birth_date",
        "ethnicity",
        "education",
        "political_status",
        "employer",
        "job",
        "skill_grade",
        "employment_status",
        "employment_form",
        "is_migrant_worker",
        "joined_on",
        "card_no",
        "user",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields


@admin.register(MembershipEvent)
class MembershipEventAdmin(OperatorAdmin):
    list_display = ["member", "kind", "from_status", "to_status", "organisation", "effective_on", "actor"]
    list_filter = ["kind"]
    search_fields = ["member__member_no"]
    list_select_related = ["member", "organisation", "actor"]
    fields = [
        "member",
        "kind",
        "from_status",
        "to_status",
        "from_organisation",
        "organisation",
        "effective_on",
        "reason",
        "actor",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(Enrolment)
class EnrolmentAdmin(OperatorAdmin):
    list_display = [
        "name",
        "organisation",
        "status",
        "routed_by",
        "submitted_at",
        "due_on",
        "id_number_masked",
    ]
    list_filter = ["status", "routed_by", "employment_form"]
    search_fields = ["name", "employer"]
    list_select_related = ["organisation"]
    fields = [
        "name",
        "id_number_masked",
        "phone_masked",
        "gender",
        "birth_date",
        "employer",
        "work_division",
        "work_address",
        "employment_form",
        "organisation",
        "routed_by",
        "status",
        "submitted_at",
        "due_on",
        "decided_at",
        "decided_by",
        "decision_reason",
        "member",
    ]
    readonly_fields = fields


@admin.register(Transfer)
class TransferAdmin(OperatorAdmin):
    list_display = ["member", "from_organisation", "to_organisation", "status", "requested_at", "due_on"]
    list_filter = ["status"]
    search_fields = ["member__member_no"]
    list_select_related = ["member", "from_organisation", "to_organisation"]
    fields = [
        "member",
        "from_organisation",
        "to_organisation",
        "status",
        "reason",
        "previous_status",
        "requested_by",
        "requested_at",
        "due_on",
        "released_by",
        "released_at",
        "decided_by",
        "decided_at",
        "refusal_reason",
    ]
    readonly_fields = fields


@admin.register(DuesRecord)
class DuesRecordAdmin(OperatorAdmin):
    list_display = ["member", "month", "monthly_wage", "base", "amount", "exempt", "paid_on"]
    list_filter = ["exempt"]
    search_fields = ["member__member_no"]
    list_select_related = ["member"]
    fields = [
        "member",
        "month",
        "monthly_wage",
        "base",
        "amount",
        "exempt",
        "paid_on",
        "recorded_by",
        "created_at",
    ]
    readonly_fields = fields
