"""Models of the rights app: requests (诉求) with their timeline, transfers between unions,
and the wage-arrears details (workers of a group case, recoveries)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation
from gonghui.rights.choices import (
    OPEN_STATUSES,
    AidForm,
    Category,
    Cause,
    Channel,
    Complexity,
    EventKind,
    NeedSource,
    NeedStatus,
    Outcome,
    RequestStatus,
    RoutedBy,
    TransferStatus,
)


class Request(models.Model):
    """A worker's request (诉求) held by one union at a time (``organisation``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # The short number the worker quotes (RQ + day it came in + that day's sequence, e.g.
    # RQ202506010007); given at filing by ``services.requests.request_file``.
    number = models.CharField(_("request number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.ORDINARY
    )
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=32, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, editable=False, blank=True)
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    work_division = models.CharField(_("work place"), max_length=6)
    description = models.TextField(_("description"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    routed_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    routed_by = models.CharField(_("routed by"), max_length=20, choices=RoutedBy.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_on = models.DateField(_("due by"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)
    auto_escalated = models.BooleanField(default=False)
    # The due date the handling union was last warned about (request.due_soon,
    # services.requests.warn_due_soon): a request is warned once per deadline, and a changed
    # deadline (complexity, accepted transfer) no longer matches, so it is warned again.
    due_warned_for = models.DateField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on_time = models.BooleanField(null=True)
    reply = models.TextField(_("reply"), blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up call"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=200, blank=True)
    # Wage arrears (欠薪)
    project = models.CharField(_("project"), max_length=120, blank=True)
    amount_owed = models.DecimalField(
        _("amount owed"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    workers_count = models.PositiveIntegerField(_("number of workers"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="rights_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.localdate() > self.due_on

    @property
    def sla_colour(self) -> str:
        """green: in time; amber: due within two days; red: overdue; grey: closed."""
        if not self.is_open:
            return "closed"
        today = timezone.localdate()
        if today > self.due_on:
            return "red"
        if (self.due_on - today).days <= 2:
            return "amber"
        return "green"


class RequestTransfer(models.Model):
    """A request passed to another union; it moves only when that union accepts. With
    ``letter`` it is a cross-region referral (转办函) of a wage-arrears case."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    letter = models.BooleanField(_("referral letter"), default=False)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(status="pending"), name="rights_one_pending_transfer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_organisation_id} → {self.to_organisation_id}"


class RequestEvent(models.Model):
    """One line of a request's timeline."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.kind


class ArrearsWorker(models.Model):
    """One worker of a group wage-arrears case, with what they are owed."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="arrears_workers")
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=32, editable=False, blank=True)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, editable=False, blank=True)
    amount = models.DecimalField(_("amount owed"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Recovery(models.Model):
    """Wages recovered for a case; partial recoveries add up."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="recoveries")
    amount = models.DecimalField(_("amount recovered"), max_digits=14, decimal_places=2)
    recovered_on = models.DateField(_("recovered on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recovered_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount}"


class LegalAid(models.Model):
    """The legal-aid details of a request of that category (法律援助)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="legal_aid")
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    form = models.CharField(_("form of aid"), max_length=20, choices=AidForm.choices)
    monthly_income = models.DecimalField(_("monthly income"), max_digits=12, decimal_places=2)
    income_threshold = models.DecimalField(_("income threshold"), max_digits=12, decimal_places=2)
    passes_income_test = models.BooleanField(_("passes the income test"))
    amount_in_dispute = models.DecimalField(
        _("amount in dispute"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    knew_on = models.DateField(_("knew of the infringement on"))
    # Wage claims (劳动报酬) are not time-barred while the employment continues; the year runs
    # from its end (劳动争议调解仲裁法 art. 27(4)). Empty: the employment continues.
    employment_ended_on = models.DateField(_("employment ended on"), null=True, blank=True)
    # Empty while a wage claim's employment continues (no limitation running).
    limitation_ends_on = models.DateField(_("arbitration limitation ends on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal aid")

    def __str__(self) -> str:
        # The request's number, as officers quote it (the audit log shows this, never an id).
        return f"{self.get_cause_display()} · {self.request.number}"


class Evidence(StoredFile):
    """An evidence file of a legal-aid case (PDF, JPEG or PNG), stored in the database."""

    legal_aid = models.ForeignKey(LegalAid, on_delete=models.CASCADE, related_name="evidence")


class PracticalNeed(models.Model):
    """我为群众办实事: a practical need a union takes on, with public progress (no PII)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("need"), max_length=120)
    source = models.CharField(_("source"), max_length=10, choices=NeedSource.choices)
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner = models.CharField(_("owner"), max_length=60)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.PLANNED
    )
    progress = models.TextField(_("public progress"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "title"]

    def __str__(self) -> str:
        return self.title
