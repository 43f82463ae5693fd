"""Models of the innovation app: 劳模和工匠人才创新工作室 (studios) and their alliances (联盟),
and 五小 ideas (小发明/小创造/小革新/小设计/小建议) with 智慧众筹 support, expert review,
implementation milestones, rewards and moderation.

Every row hangs off an owning union (``organisation``), directly or through its parent row:
that is what ``scoping`` filters on. Amounts are yuan as ``Decimal`` with two places.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile
from gonghui.innovation.choices import (
    AchievementKind,
    Feasibility,
    IdeaKind,
    IdeaStatus,
    Moderation,
    ProjectStatus,
    ReviewRating,
    RewardKind,
    StudioLevel,
    StudioStatus,
)
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation

MONEY = {"max_digits": 14, "decimal_places": 2}

# ---- studios -----------------------------------------------------------------------------


class Studio(models.Model):
    """A 劳模和工匠人才创新工作室: a team around an honoured worker (the lead, 领衔人) in a
    host enterprise, named by a union body at a level; reviewed yearly, funded, and de-listed
    (摘牌) when it stops performing."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=120)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="studios", verbose_name=_("owning union")
    )
    employer = models.CharField(_("host enterprise"), max_length=120)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    lead = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="led_studios", verbose_name=_("lead")
    )
    # The lead's honours come from the honours registry (gonghui.honours). This note is the
    # officer's written reason when the lead has no honour there (an honour not yet entered,
    # e.g. "2018 宝鸡市劳动模范, 宝市总发〔2018〕12号"), or a remark; it is audited. Studios named
    # before the registry existed keep theirs (see docs/modules/innovation.md).
    lead_honour_note = models.CharField(_("lead's honour"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=StudioLevel.choices)
    named_on = models.DateField(_("named on"))
    naming_body = models.CharField(_("naming body"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=StudioStatus.choices, default=StudioStatus.NAMED
    )
    description = models.TextField(_("description"), blank=True)
    delisting_proposed = models.BooleanField(_("de-listing proposed"), default=False)
    delisting_proposal_reason = models.CharField(_("why de-listing is proposed"), max_length=200, blank=True)
    delisted_on = models.DateField(_("de-listed on"), null=True, blank=True)
    delisting_reason = models.TextField(_("reason for de-listing"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    """A worker on a studio's team (besides the lead)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="team")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="studio_memberships")
    role = models.CharField(_("role"), max_length=60, blank=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        ordering = ["joined_on"]
        constraints = [models.UniqueConstraint(fields=["studio", "member"], name="unique_studio_member")]

    def __str__(self) -> str:
        return f"{self.studio_id}: {self.member_id}"


class Achievement(models.Model):
    """A result of a studio: a patent, an innovation, an operating method, a standard or a
    cost saving, with the savings it brought in yuan."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    achieved_on = models.DateField(_("date"))
    savings = models.DecimalField(_("savings (yuan)"), default=Decimal("0.00"), **MONEY)
    patent_no = models.CharField(_("patent number"), max_length=40, blank=True)

    class Meta:
        ordering = ["-achieved_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(savings__gte=0), name="achievement_savings_gte_0")
        ]

    def __str__(self) -> str:
        return self.title


class StudioReview(models.Model):
    """The yearly review (年度考核) of a studio. Two failed years in a row propose de-listing."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=20, choices=ReviewRating.choices)
    comments = models.TextField(_("comments"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="one_review_per_studio_year")]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year}: {self.rating}"


class Funding(models.Model):
    """Money a studio received in a year (e.g. 省总 special fund 7万)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    source = models.CharField(_("source"), max_length=120)

    class Meta:
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funding_amount_gt_0")]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year}: {self.amount}"


class Alliance(models.Model):
    """A studio alliance (创新工作室联盟) across regions, industries and enterprises, founded by
    one union under a charter; its lead studio rotates."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=120)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="alliances", verbose_name=_("founding union")
    )
    charter = models.TextField(_("charter"), blank=True)
    founded_on = models.DateField(_("founded on"))
    studios = models.ManyToManyField(Studio, through="AllianceMembership", related_name="alliances")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("studio alliance")
        verbose_name_plural = _("studio alliances")

    def __str__(self) -> str:
        return self.name


class AllianceMembership(models.Model):
    """A studio's membership of an alliance (a studio may belong to several)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="alliance_memberships")
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["joined_on"]
        constraints = [models.UniqueConstraint(fields=["alliance", "studio"], name="unique_alliance_studio")]

    def __str__(self) -> str:
        return f"{self.alliance_id}: {self.studio_id}"


class AllianceLeadTerm(models.Model):
    """One term of a rotating lead studio (轮值牵头); the history is kept."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="lead_terms")
    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="lead_term_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id}: {self.studio_id} {self.starts_on}–{self.ends_on}"


class JointProject(models.Model):
    """A project several studios of an alliance run together (协同攻关)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    studios = models.ManyToManyField(Studio, related_name="joint_projects")
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


# ---- ideas -------------------------------------------------------------------------------


class IdeaSettings(models.Model):
    """Per-union thresholds for ideas; a union without a row inherits from the nearest
    ancestor that has one, then from the settings defaults."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="idea_settings")
    support_threshold = models.PositiveIntegerField(_("supports needed for review"))
    report_threshold = models.PositiveIntegerField(_("reports that hide an idea"))
    review_days = models.PositiveIntegerField(_("days for the expert review"), default=30)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(support_threshold__gte=1), name="support_threshold_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(report_threshold__gte=1), name="report_threshold_gte_1"
            ),
            models.CheckConstraint(condition=models.Q(review_days__gte=1), name="review_days_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.support_threshold}/{self.report_threshold}"


class Idea(models.Model):
    """A worker's 五小 idea (小发明/小创造/小革新/小设计/小建议): submitted, supported by
    colleagues (智慧众筹), reviewed by experts, adopted or not with a published answer, then
    implemented by milestones and rewarded. Owned by the author's union at submission."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    author = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("author")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("owning union")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IdeaKind.choices)
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("problem"))
    proposal = models.TextField(_("proposal"))
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    moderation = models.CharField(
        _("moderation"), max_length=20, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    review_due_on = models.DateField(_("review due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answer = models.TextField(_("published answer"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["author", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_review_overdue(self) -> bool:
        return (
            self.status == IdeaStatus.IN_REVIEW
            and self.review_due_on is not None
            and timezone.localdate() > self.review_due_on
        )


class IdeaAttachment(StoredFile):
    """A file attached to an idea (a photo, a sketch, a PDF). Stored in the database: small by
    rule, written in the same transaction as the idea, and no shared disk between servers."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")


class IdeaSupport(models.Model):
    """One member's support (点赞支持) of an idea: at most one per member and idea."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="idea_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["idea", "member"], name="one_support_per_member")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.member_id}"


class IdeaReport(models.Model):
    """A member's report that an idea is inappropriate. Enough open reports hide the idea
    until a moderator restores or removes it; the decision closes the open reports."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="idea_reports")
    reason = models.CharField(_("reason"), max_length=200)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["idea", "member"], name="one_report_per_member")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.member_id}"


class IdeaExpert(models.Model):
    """An expert assigned to review one idea (may be outside the union's officers)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="experts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="unique_idea_expert")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.user_id}"


class IdeaReview(models.Model):
    """The expert review that decides an idea: feasibility, estimated benefit, score 0–100
    and the outcome, whose answer is published to the author and supporters."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    feasibility = models.CharField(_("feasibility"), max_length=20, choices=Feasibility.choices)
    estimated_benefit = models.DecimalField(_("estimated benefit (yuan)"), **MONEY)
    score = models.PositiveSmallIntegerField(_("score"))
    adopted = models.BooleanField(_("adopted"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="idea_review_score_lte_100"),
            models.CheckConstraint(condition=models.Q(estimated_benefit__gte=0), name="idea_benefit_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.score}"


class IdeaMilestone(models.Model):
    """A step of implementing an adopted idea; progress % is the share of steps done."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and timezone.localdate() > self.due_on


class IdeaReward(models.Model):
    """A reward given for an adopted idea (cash in yuan, a certificate, points)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), default=Decimal("0.00"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    awarded_on = models.DateField(_("awarded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["awarded_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="idea_reward_amount_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.kind} {self.amount}"
