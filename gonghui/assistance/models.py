"""Models of the assistance app: the local 低保 standard, hardship household files with their
family members, the timeline, monthly income records, payments and return-to-hardship alerts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.assistance import choices
from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile


class DibaoStandard(models.Model):
    """The local minimum living standard (城市低保标准) of one division (GB/T 2260), in yuan a
    month, from a date on. A county without its own row uses its city's, then its province's."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    division_code = models.CharField(_("division code"), max_length=6, db_index=True)
    effective_from = models.DateField(_("effective from"))
    monthly = models.DecimalField(_("yuan a month"), max_digits=10, decimal_places=2)
    note = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["division_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["division_code", "effective_from"], name="dibao_one_per_date"),
            models.CheckConstraint(condition=models.Q(monthly__gt=0), name="dibao_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.division_code} {self.effective_from} {self.monthly}"


class Household(models.Model):
    """One hardship household file (困难职工家庭档案): the head is a member; the owning union
    is the head's union when the file was opened. Never deleted: closed or out of hardship."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    file_no = models.CharField(_("file number"), max_length=20, unique=True)
    head = models.OneToOneField(
        "members.Member", on_delete=models.PROTECT, related_name="hardship_file", verbose_name=_("head")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    source = models.CharField(_("source"), max_length=12, choices=choices.Source.choices)
    status = models.CharField(_("status"), max_length=12, choices=choices.Status.choices, db_index=True)
    housing = models.CharField(_("housing"), max_length=20, choices=choices.Housing.choices)
    main_cause = models.CharField(_("main cause"), max_length=20, choices=choices.Cause.choices)
    secondary_causes = models.JSONField(_("secondary causes"), default=list, blank=True)
    # [{"kind": ExpenseKind, "monthly": "300.00"}]
    rigid_expenses = models.JSONField(_("rigid monthly expenses"), default=list, blank=True)
    medical_insurance = models.CharField(
        _("medical insurance"), max_length=10, choices=choices.MedicalInsurance.choices
    )
    zero_employment = models.BooleanField(_("no one in work (零就业)"), default=False)
    event_kind = models.CharField(_("event"), max_length=20, choices=choices.EventKind.choices, blank=True)
    event_compensation = models.DecimalField(
        _("compensation received"), max_digits=12, decimal_places=2, default=0
    )
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_card_enc = models.TextField(editable=False, blank=True)
    bank_card_hash = models.CharField(max_length=32, editable=False, blank=True, db_index=True)
    bank_card_masked = models.CharField(_("payout bank card"), max_length=30, editable=False, blank=True)
    # The last computed category, with the 低保 and date it used.
    category = models.CharField(_("category"), max_length=10, choices=choices.Category.choices)
    category_explanation = models.TextField(_("why"), blank=True)
    per_capita_income = models.DecimalField(_("per-capita income"), max_digits=12, decimal_places=2)
    dibao_monthly = models.DecimalField(_("低保"), max_digits=10, decimal_places=2)
    assessed_on = models.DateField(_("assessed on"))
    visited_on = models.DateField(_("home visit on"), null=True, blank=True)
    visitor = models.CharField(_("visited by"), max_length=60, blank=True)
    consent_signed = models.BooleanField(_("consent signed"), default=False)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review by"), null=True, blank=True, db_index=True)
    left_on = models.DateField(_("out of hardship on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.file_no

    def rigid_expense_lines(self) -> list[tuple[str, str]]:
        """The rigid monthly expenses as (label in the active language, amount) pairs."""
        labels = dict(choices.ExpenseKind.choices)
        return [(str(labels.get(e["kind"], e["kind"])), e["monthly"]) for e in self.rigid_expenses]

    def secondary_cause_labels(self) -> list[str]:
        labels = dict(choices.Cause.choices)
        return [str(labels.get(c, c)) for c in self.secondary_causes]

    def rigid_expense_amounts(self):
        from decimal import Decimal

        return [Decimal(str(item["monthly"])) for item in self.rigid_expenses]


class FamilyMember(models.Model):
    """A person in a hardship household, the head included (relation ``self``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="people")
    relation = models.CharField(_("relation"), max_length=10, choices=choices.Relation.choices)
    name = models.CharField(_("name"), max_length=50)
    id_number_enc = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=32, editable=False, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False, blank=True)
    monthly_income = models.DecimalField(_("monthly income"), max_digits=12, decimal_places=2, default=0)
    health = models.CharField(_("health"), max_length=10, choices=choices.Health.choices, default="healthy")
    disabled = models.BooleanField(_("disability"), default=False)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    schooling = models.CharField(_("schooling"), max_length=12, choices=choices.Schooling.choices, blank=True)
    employment = models.CharField(_("employment"), max_length=12, choices=choices.Employment.choices)

    class Meta:
        ordering = ["household", "relation", "name"]

    def __str__(self) -> str:
        return self.name


class HouseholdEvent(models.Model):
    """One step in a file's timeline (applied, checked, visited, publicised, paid, reviewed …)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("step"), max_length=30, choices=choices.Step.choices)
    from_status = models.CharField(max_length=12, choices=choices.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=choices.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class MonthlyIncome(models.Model):
    """The household's recorded income and rigid expenses for one month (for reviews and 脱困)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    month = models.DateField(_("month"))  # first day of the month
    income = models.DecimalField(_("household income"), max_digits=12, decimal_places=2)
    rigid_expenses = models.DecimalField(_("rigid expenses"), max_digits=12, decimal_places=2, default=0)
    household_size = models.PositiveSmallIntegerField(_("household size"))
    per_capita_income = models.DecimalField(max_digits=12, decimal_places=2)
    dibao_monthly = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["household", "month"]
        constraints = [models.UniqueConstraint(fields=["household", "month"], name="income_one_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.income}"


class Payment(models.Model):
    """Help delivered to a filed household, recorded against the file."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payments")
    # "kind" alone reads 组织类别 (the organisation kind) on the audit page
    kind = models.CharField(_("kind of help"), max_length=20, choices=choices.PaymentKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.paid_on}"


class RiskAlert(models.Model):
    """A return-to-hardship alert (防止返困) on a household that left hardship: the score, why, and
    the re-visit task for the owning union with its deadline."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="alerts")
    score = models.PositiveSmallIntegerField(_("risk score"))
    explanation = models.TextField(_("why"))
    revisit_by = models.DateField(_("re-visit by"))
    is_open = models.BooleanField(default=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["revisit_by"]

    def __str__(self) -> str:
        return f"{self.household} {self.score}"


class HouseholdAttachment(StoredFile):
    """A document of a hardship file (proof of income, medical bills, disability certificate,
    the signed consent form …): PDF, JPEG or PNG checked by its first bytes, stored in the
    database. Never deleted with the file."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("hardship file")
    )
    kind = models.CharField(_("document"), max_length=30, choices=choices.AttachmentKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
