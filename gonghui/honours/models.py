"""Models of the honours app: the honour registry, nomination lists with their nominees and
level-by-level review, objections raised during the public notice (公示), and the ledger of
劳模进校园 / 大国工匠进校园 school visits by honoured people."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile
from gonghui.honours.choices import (
    HonourKind,
    HonourLevel,
    ListStatus,
    NomineeStatus,
    ObjectionStatus,
    Ownership,
    ReviewDecision,
    SchoolKind,
    VisitRole,
)
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation


class Honour(models.Model):
    """An honour a worker or a team holds (劳动模范, 先进工作者, 五一劳动奖章, 工人先锋号, 技术能手):
    who, what, which level and year, who conferred it, and the benefits that come with it.
    Filed under the member's union (a team: its union) so that union and every level above
    it see it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(_("honour"), max_length=20, choices=HonourKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    issuing_body = models.CharField(_("issuing body"), max_length=120)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
        verbose_name=_("member"),
    )
    team_name = models.CharField(_("team"), max_length=120, blank=True)
    team_host = models.CharField(_("host unit"), max_length=120, blank=True)
    team_members = models.ManyToManyField(Member, blank=True, related_name="team_honours")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="honours", verbose_name=_("union")
    )
    allowance = models.BooleanField(_("honour allowance"), default=False)  # 荣誉津贴
    medical_benefit = models.BooleanField(_("medical benefit"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    nominee = models.OneToOneField(
        "honours.Nominee", null=True, blank=True, on_delete=models.SET_NULL, related_name="honour"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "kind", "id"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        indexes = [
            models.Index(fields=["organisation", "year"]),
            models.Index(fields=["kind", "level", "year"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "level", "year"],
                condition=models.Q(member__isnull=False),
                name="one_honour_per_member_kind_level_year",
            ),
            models.UniqueConstraint(
                fields=["organisation", "team_name", "kind", "level", "year"],
                condition=models.Q(member__isnull=True),
                name="one_honour_per_team_kind_level_year",
            ),
            models.CheckConstraint(
                condition=(models.Q(member__isnull=False) & models.Q(team_name=""))
                | (models.Q(member__isnull=True) & ~models.Q(team_name="")),
                name="honour_is_for_a_member_or_a_team",
            ),
        ]

    def __str__(self) -> str:
        who = self.member.name if self.member_id else self.team_name
        return f"{who} · {self.year} {self.get_level_display()}{self.get_kind_display()}"

    @property
    def holder(self) -> str:
        return self.member.name if self.member_id else self.team_name


class NominationList(models.Model):
    """A selection round (推荐评选) run by an organiser union: lower unions recommend, each
    level reviews up to the organiser, the accepted nominees go on public notice (公示) and,
    with no objection upheld, the list is approved and the honours are granted."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("honour"), max_length=20, choices=HonourKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="nomination_lists", verbose_name=_("organiser")
    )
    issuing_body = models.CharField(_("issuing body"), max_length=120)
    allowance = models.BooleanField(_("honour allowance"), default=False)
    medical_benefit = models.BooleanField(_("medical benefit"), default=False)
    # [{"key", "label", "min_share"}]; see honours.quota.
    quota_rules = models.JSONField(_("quota rules"), default=list)
    recommend_by = models.DateField(_("recommend and review by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ListStatus.choices, default=ListStatus.BUILDING
    )
    quota_override_reason = models.TextField(_("reason for going ahead below quota"), blank=True)
    publicity_start = models.DateField(_("notice starts"), null=True, blank=True)
    publicity_end = models.DateField(_("notice ends"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("nomination list")
        verbose_name_plural = _("nomination lists")
        indexes = [models.Index(fields=["organiser", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_team_list(self) -> bool:
        return self.kind == HonourKind.PIONEER_TEAM

    def recommends_here(self, organisation: Organisation) -> bool:
        """``organisation`` may recommend to this list: it lies strictly below the organiser."""
        return organisation.pk != self.organiser_id and self.organiser.contains(organisation)

    def publicity_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == ListStatus.PUBLICITY
            and self.publicity_start is not None
            and self.publicity_start <= today <= self.publicity_end
        )

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ListStatus.BUILDING
            and self.recommend_by is not None
            and timezone.localdate() > self.recommend_by
        )


class Nominee(models.Model):
    """A person (or, for 工人先锋号, a team) recommended onto a nomination list, with the facts
    the quota counts. ``current_org`` is the level whose review it waits for ("谁在办")."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    nomination_list = models.ForeignKey(NominationList, on_delete=models.CASCADE, related_name="nominees")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    team_name = models.CharField(_("team"), max_length=120, blank=True)
    # Snapshot for the public notice: the member's union and employer, or the team's host unit.
    display_name = models.CharField(_("name"), max_length=120)
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    recommended_by_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("recommended by")
    )
    current_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("with"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NomineeStatus.choices, default=NomineeStatus.IN_REVIEW
    )
    deeds = models.TextField(_("achievements"))  # 主要事迹
    is_industrial_worker = models.BooleanField(_("industrial worker"), default=False)
    is_front_line = models.BooleanField(_("front-line worker"), default=False)
    is_migrant_worker = models.BooleanField(_("migrant worker"), default=False)
    enterprise_ownership = models.CharField(
        _("enterprise ownership"), max_length=12, choices=Ownership.choices, default=Ownership.NOT_ENTERPRISE
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("nominee")
        verbose_name_plural = _("nominees")
        indexes = [models.Index(fields=["nomination_list", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination_list", "member"],
                condition=models.Q(member__isnull=False) & ~models.Q(status__in=["withdrawn", "struck"]),
                name="one_live_nomination_per_member_and_list",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class NomineeReview(models.Model):
    """One step of a nominee's timeline: recommended, passed on or returned by a level,
    resubmitted, withdrawn, struck off."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="reviews")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.nominee_id} {self.decision}"


class Objection(models.Model):
    """An objection (异议) sent from the public notice page: tracked for the organiser and
    decided by supervision (upheld or dismissed, with a reply). The contact is personal data:
    stored encrypted, shown masked."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    nomination_list = models.ForeignKey(NominationList, on_delete=models.CASCADE, related_name="objections")
    nominee = models.ForeignKey(
        Nominee, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections"
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    contact_enc = models.TextField(editable=False)
    contact_masked = models.CharField(_("contact"), max_length=60, editable=False)
    text = models.TextField(_("objection"))
    status = models.CharField(
        _("status"), max_length=14, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED
    )
    reply = models.TextField(_("reply"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("decide by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.nomination_list_id}: {self.get_status_display()}"

    @property
    def is_overdue(self) -> bool:
        return self.status in {ObjectionStatus.RECEIVED, ObjectionStatus.INVESTIGATING} and (
            timezone.localdate() > self.due_on
        )


class SchoolVisit(models.Model):
    """One visit of honoured people (劳模, 工匠) to a school (劳模进校园 / 大国工匠进校园): who
    went, which school (its name and GB/T 2260 division, which the coverage counts by), when,
    in what role, on what topic, to how many students for how many hours, organised by which
    union. Visible to the organiser's scope (docs/modules/honours.md §8)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    people = models.ManyToManyField(Member, related_name="school_visits", verbose_name=_("honoured people"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="school_visits", verbose_name=_("organiser")
    )
    school_name = models.CharField(_("school"), max_length=120)
    school_division = models.CharField(_("school's division"), max_length=6)  # GB/T 2260, 6 digits
    school_kind = models.CharField(_("kind of school"), max_length=24, choices=SchoolKind.choices)
    date = models.DateField(_("date"))
    role = models.CharField(_("role"), max_length=12, choices=VisitRole.choices)
    topic = models.CharField(_("topic"), max_length=200)
    audience = models.PositiveIntegerField(_("audience"), validators=[MinValueValidator(1)])
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    # An activity of kind 劳模进校园 in the activities app this visit was part of: an id, not a
    # foreign key, so that this ledger does not depend on that app (set by it when linked).
    activity_id = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "school_name", "id"]
        verbose_name = _("school visit")
        verbose_name_plural = _("school visits")
        indexes = [
            models.Index(fields=["organisation", "date"]),
            models.Index(fields=["school_division", "date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(audience__gte=1), name="school_visit_has_an_audience"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="school_visit_takes_time"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.school_name}"


class VisitPhoto(StoredFile):
    """A photo of a school visit (JPEG or PNG), stored in the database like other uploads."""

    visit = models.ForeignKey(SchoolVisit, on_delete=models.CASCADE, related_name="photos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
