from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.members.choices import (
    ETHNICITIES,
    Education,
    EmploymentForm,
    EmploymentStatus,
    EnrolmentConflict,
    EnrolmentStatus,
    EventKind,
    Gender,
    MembershipStatus,
    PoliticalStatus,
    RoutingBasis,
    SkillGrade,
    TransferStatus,
)
from gonghui.organisations.models import Organisation


class PersonalData(models.Model):
    """ID number and phone: encrypted text, a blind index for exact look-up, and the masked
    form for display (which reveals no more than the mask itself)."""

    id_number_enc = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=32, editable=False, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=32, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, editable=False, blank=True)

    class Meta:
        abstract = True


class Member(PersonalData):
    """A union member (会员): one person, one record for life ("join once, transfer with the
    job"). Separate from login users; ``user`` links the member's own login if they have one."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITIES, default="01")
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    job = models.CharField(_("job"), max_length=60, blank=True)
    skill_grade = models.CharField(_("skill grade"), max_length=20, choices=SkillGrade.choices, blank=True)
    employment_status = models.CharField(
        _("employment status"),
        max_length=20,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.EMPLOYED,
    )
    employment_form = models.CharField(
        _("employment form"), max_length=20, choices=EmploymentForm.choices, default=EmploymentForm.STANDARD
    )
    is_migrant_worker = models.BooleanField(_("migrant worker"), default=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("union")
    )
    member_no = models.CharField(_("member number"), max_length=20, unique=True)
    joined_on = models.DateField(_("joined on"))
    card_no = models.CharField(_("card number"), max_length=30, blank=True)
    status = models.CharField(
        _("membership status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.MEMBER,
    )
    # The import batch that created or last updated this record (undo and audit).
    import_batch = models.ForeignKey(
        "members.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["-joined_on", "member_no"]
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="unique_member_id_number")]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["phone_hash"], name="member_phone_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.member_no})"

    @property
    def age(self) -> int:
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class MembershipEvent(models.Model):
    """One change of 会籍 with its date and reason. Replaying the events up to a date gives
    the status and union of every member on that date, so past counts are reproducible."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MembershipStatus.choices)
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "created_at"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        indexes = [models.Index(fields=["member", "effective_on", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.effective_on}"


class MemberNumberSequence(models.Model):
    """The last member number issued for one division and year (locked when issuing)."""

    prefix = models.CharField(max_length=10, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class Enrolment(PersonalData):
    """An application to join (入会申请), online or entered for the worker. Routed to the
    union responsible for the worker; approved into a Member or rejected with a reason."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    employer = models.CharField(_("employer"), max_length=120)
    work_division = models.CharField(_("work place"), max_length=6)
    work_address = models.CharField(_("work address"), max_length=200, blank=True)
    employment_form = models.CharField(_("employment form"), max_length=20, choices=EmploymentForm.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("responsible union")
    )
    routed_by = models.CharField(_("routed by"), max_length=20, choices=RoutingBasis.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_on = models.DateField(_("decide by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    conflict = models.CharField(
        _("needs attention"), max_length=20, choices=EnrolmentConflict.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash", "phone_hash"],
                condition=models.Q(status="pending"),
                name="one_pending_enrolment_per_person_and_phone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation_id}"

    @property
    def is_overdue(self) -> bool:
        return self.status == EnrolmentStatus.PENDING and timezone.localdate() > self.due_on


class Transfer(models.Model):
    """Moving a membership to a new union (会员关系转接): released by the old union, accepted
    by the new one. Both see it; a refusal on either side leaves the member where they were."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    reason = models.TextField(_("reason for the transfer"))
    previous_status = models.CharField(max_length=20, choices=MembershipStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("complete by"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["requested", "released"]),
                name="one_open_transfer_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_organisation_id} → {self.to_organisation_id}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in {TransferStatus.REQUESTED, TransferStatus.RELEASED}
            and timezone.localdate() > self.due_on
        )


class DuesRecord(models.Model):
    """One month of dues for one member: the wage it was computed on and what was paid."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues")
    month = models.DateField(_("month"))  # first day of the month
    monthly_wage = models.DecimalField(_("monthly wage"), max_digits=12, decimal_places=2)
    base = models.DecimalField(_("dues base"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("dues"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    exempt = models.BooleanField(_("exempt"), default=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("dues record")
        verbose_name_plural = _("dues records")
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_dues_record_per_month")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"


class ImportBatch(models.Model):
    """One roster file brought in (or previewed): its options, live progress, per-row errors
    and the members it created or updated, so the whole batch can be undone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    class Duplicates(models.TextChoices):
        SKIP = "skip", _("Skip rows whose ID number exists")
        UPDATE = "update", _("Update existing members")
        FILL = "fill", _("Fill only empty fields of existing members")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Union for rows that name none"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    file_format = models.CharField(max_length=10, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    dry_run = models.BooleanField(_("preview only"), default=False)
    duplicates = models.CharField(
        _("duplicates"), max_length=10, choices=Duplicates.choices, default=Duplicates.SKIP
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # first errors: [{"row", "column", "message"}]
    message = models.TextField(blank=True)  # why the whole file failed
    # Resume point: rows up to here are committed (imports run in committed chunks).
    checkpoint_row = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class ImportChange(models.Model):
    """What one batch did to one member: created it, or updated it from ``before`` (masked
    copies are not enough to undo, so ``before`` holds the plain profile fields only — never
    the ID number or phone, which an import does not change)."""

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created = models.BooleanField(default=False)
    before = models.JSONField(default=dict, blank=True)
    row = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "member"], name="one_change_per_member_and_batch")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.member_id}"


class ExportJob(models.Model):
    """A member export of a subtree: masked unless the exporter may reveal personal data;
    the file is downloadable until ``expires_at``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_format = models.CharField(max_length=10)
    filters = models.JSONField(default=dict, blank=True)
    unmasked = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.file_format} ({self.status})"


class MemberSearchKey(models.Model):
    """One search key of a member (a pinyin reading, initials, the Chinese name): exact keys
    indexed for prefix range scans, which both databases answer from a B-tree."""

    id = models.BigAutoField(primary_key=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="search_keys")
    # The member's union, copied here (``search.index_members``, ``search.member_changed``) so
    # that counting the matches of a prefix inside a subtree reads this table's index only.
    # No constraint or index of its own: members PROTECT their union, keys go with members.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    # On PostgreSQL the column has the "C" collation (migration 0004), so prefix ranges
    # compare code points and use the index whatever the cluster's locale.
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "member", "organisation"], name="member_search_key_org")]
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="one_search_key_per_member")]

    def __str__(self) -> str:
        return self.key
