"""Models of the competitions app: labour and skills competitions (劳动和技能竞赛) with a
WorldSkills-CIS-style marking scheme, judges' marks, results and recommendations.

Marks are stored as the judges typed them; every computed figure (aspect marks, section
scores, totals, standardised scores) is kept to ``scoring.STORE_PLACES`` decimal places and
rounded to two places only when displayed.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.competitions.choices import (
    AppealStatus,
    AspectKind,
    CorrectionStatus,
    EntryKind,
    Kind,
    MeasurementMode,
    RecommendationKind,
    RecommendationStatus,
    ResultsState,
    SheetStatus,
    Stage,
    Status,
)
from gonghui.core.ids import new_id
from gonghui.members.choices import SkillGrade
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation

# Enough digits for raw figures: 10 decimal places, rounded to 2 only on display.
RAW = {"max_digits": 24, "decimal_places": 10}
USER = settings.AUTH_USER_MODEL


class Competition(models.Model):
    """A competition (竞赛) organised by a union for the members of its subtree: one stage
    (基层选拔 → 市赛 → 省赛 → 决赛) of one occupation (工种)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="competitions", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SKILLS)
    occupation = models.CharField(_("occupation"), max_length=60)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.GRASSROOTS)
    previous_stage = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_stages",
        verbose_name=_("previous stage"),
    )
    advance_count = models.PositiveIntegerField(_("entries advancing from the previous stage"), default=0)
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_skill_grade = models.CharField(
        _("minimum skill grade"), max_length=20, choices=SkillGrade.choices, blank=True
    )
    theory_weight = models.DecimalField(
        _("theory weight"), max_digits=4, decimal_places=3, default=Decimal("0.30")
    )
    allow_high_theory_weight = models.BooleanField(_("allow a theory weight above 30%"), default=False)
    appeal_window_hours = models.PositiveSmallIntegerField(_("appeal window (hours)"), default=2)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The rule set turning published results into recommendations; empty = rules.DEFAULT_RULES.
    rules = models.JSONField(_("recommendation rules"), default=dict, blank=True)
    results_state = models.CharField(
        _("results"), max_length=20, choices=ResultsState.choices, default=ResultsState.NONE, blank=True
    )
    results_computed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results_computed_at = models.DateTimeField(null=True, blank=True)
    results_verified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results_verified_at = models.DateTimeField(null=True, blank=True)
    results_published_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registration_opens", "title"]
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theory_weight__gte=0) & models.Q(theory_weight__lte=1),
                name="competition_theory_weight_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes__gte=models.F("registration_opens")),
                name="competition_registration_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Entry(models.Model):
    """One competitor in a competition: a member, or a team of members with a name."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(
        _("entry"), max_length=20, choices=EntryKind.choices, default=EntryKind.INDIVIDUAL
    )
    name = models.CharField(_("name"), max_length=100)
    number = models.PositiveIntegerField(_("competitor number"))
    theory_score = models.DecimalField(_("theory score"), null=True, blank=True, **RAW)
    advanced_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="one_competitor_number"),
            models.CheckConstraint(
                condition=models.Q(theory_score__isnull=True)
                | (models.Q(theory_score__gte=0) & models.Q(theory_score__lte=100)),
                name="entry_theory_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class EntryMember(models.Model):
    """A member competing in an entry (one row for an individual, several for a team). A
    member enters a competition once."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="competitors")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="competition_entries")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "member"], name="one_entry_per_member_and_competition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.member_id}"


class Section(models.Model):
    """A section (模块) of the marking scheme with its weight in the practical score (the
    weights of a competition add up to 1)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=4)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="one_section_name")]

    def __str__(self) -> str:
        return self.name


class Aspect(models.Model):
    """One marked aspect of a section: a *measurement* (full mark or zero, or tolerance
    bands on a measured deviation) or a *judgement* (three judges score 0–3 against the
    written descriptors)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="aspects")
    code = models.CharField(_("code"), max_length=20)
    description = models.CharField(_("description"), max_length=300)
    max_mark = models.DecimalField(_("maximum mark"), max_digits=8, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=20, choices=AspectKind.choices)
    mode = models.CharField(_("measurement"), max_length=10, choices=MeasurementMode.choices, blank=True)
    bands = models.JSONField(default=list, blank=True)  # [{"within": "0.5", "mark": "2"}, ...]
    descriptors = models.JSONField(default=dict, blank=True)  # {"0": "...", ..., "3": "..."}
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["competition", "code"], name="one_aspect_code")]

    def __str__(self) -> str:
        return self.code


class JudgeAssignment(models.Model):
    """A judge (裁判) assigned to mark one section of a competition."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="judges", verbose_name=_("section")
    )
    judge = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="judge_assignments", verbose_name=_("judge")
    )
    assigned_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "judge"], name="one_assignment_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.section_id}:{self.judge_id}"


class Substitution(models.Model):
    """A judge stood down for one competitor and section because of a conflict of interest,
    and who marks in their place."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="substitutions")
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="substitutions", verbose_name=_("entry")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="+", verbose_name=_("section")
    )
    conflicted_judge = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="substitutions")
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "section", "conflicted_judge"], name="one_substitution_per_conflict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conflicted_judge_id} → {self.substitute_id}"


class Sheet(models.Model):
    """The marks of one entry in one section (评分表); locked once signed off."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="sheets")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="sheets")
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.OPEN
    )
    # Written justifications of judgement spreads above 1: {aspect code: text}.
    justifications = models.JSONField(default=dict, blank=True)
    signed_off_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry__number", "section__order"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "section"], name="one_sheet_per_entry_section")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.section_id}"

    @property
    def locked(self) -> bool:
        return self.status == SheetStatus.SIGNED_OFF


class Mark(models.Model):
    """What a judge recorded for one aspect of a sheet, exactly as entered: a 0–3 score for
    a judgement (one row per judge), or for a measurement 1/0 (full or zero) or the measured
    deviation (tolerance bands), one row per aspect."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="marks")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="marks")
    judge = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), **RAW)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "aspect", "judge"], name="one_mark_per_judge_and_aspect")
        ]

    def __str__(self) -> str:
        return f"{self.aspect_id}={self.value}"


class Correction(models.Model):
    """A change to a mark of a signed-off sheet: it needs a reason and a second person with
    the right to manage the competition; it applies only when approved."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="corrections")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")  # whose mark
    old_value = models.DecimalField(null=True, blank=True, **RAW)
    new_value = models.DecimalField(**RAW)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.aspect_id}: {self.old_value} → {self.new_value}"


class Result(models.Model):
    """One entry's computed result (raw figures; two decimals only on display)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="results")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="result")
    theory = models.DecimalField(**RAW)
    practical = models.DecimalField(**RAW)
    raw_total = models.DecimalField(**RAW)
    rank = models.PositiveIntegerField()
    standardised = models.DecimalField(**RAW)
    meets_standard = models.BooleanField()

    class Meta:
        ordering = ["rank", "entry__number"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.rank}"


class Appeal(models.Model):
    """An appeal (申诉) against published results, filed within the window and decided by a
    supervisor of the organiser."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="appeals")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.entry_id} ({self.status})"


class Recommendation(models.Model):
    """What a published result suggests for a member — a title, a grade promotion or an
    honour nomination — with the reason; nothing changes until an officer accepts it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="recommendations")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="recommendations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RecommendationKind.choices)
    detail = models.CharField(max_length=100)  # a title or honour name, or the target SkillGrade
    from_grade = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices, default=RecommendationStatus.PENDING
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry__number", "kind"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.detail}"

    @property
    def detail_label(self) -> str:
        """The grade's name for a promotion, else the title or honour as stored."""
        if self.kind == RecommendationKind.GRADE and self.detail in SkillGrade.values:
            return str(SkillGrade(self.detail).label)
        return self.detail
