from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from gonghui.core.ids import new_id
from gonghui.organisations.choices import GrassrootsType, Kind, Level, Ownership, Role
from gonghui.organisations.pinyin import name_keys


class Organisation(MP_Node):
    """A trade union or federation of unions: from the ACFTU down to a grassroots union in one
    enterprise. Stored as a materialised path (ADR 0002) so a subtree is one prefix match."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    grassroots_type = models.CharField(
        _("grassroots type"), max_length=20, choices=GrassrootsType.choices, blank=True
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    division_code = models.CharField(_("division code"), max_length=6, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    host_name = models.CharField(_("host unit"), max_length=120, blank=True, db_index=True)
    host_credit_code = models.CharField(_("host unit credit code"), max_length=18, blank=True)
    host_industry = models.CharField(_("host unit industry"), max_length=60, blank=True)
    host_ownership = models.CharField(
        _("host unit ownership"), max_length=20, choices=Ownership.choices, blank=True
    )
    host_staff_count = models.PositiveIntegerField(_("host unit staff"), null=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    chairman = models.CharField(_("chairman"), max_length=50, blank=True)
    chairman_term_start = models.DateField(_("chairman's term starts"), null=True, blank=True)
    chairman_term_end = models.DateField(_("chairman's term ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The name read in pinyin, for the union picker (organisations.selectors.union_matches):
    # " xianshizonggonghui " and " xaszgh ", kept by save() whenever the name is written.
    name_pinyin = models.CharField(max_length=800, blank=True, editable=False)
    name_initials = models.CharField(max_length=160, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    steplen = 4

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind", "division_code"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived from the name on every write, so no path that renames a union (services,
        # the admin, treebeard's add_child) can leave the picker reading an old name.
        self.name_pinyin, self.name_initials = name_keys(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def contains(self, other: "Organisation") -> bool:
        """``other`` is this organisation or below it in the tree (materialised paths: a
        descendant's path starts with its ancestor's). The one tree comparison outside
        ``scoping``'s own queries."""
        return other.path.startswith(self.path)

    @staticmethod
    def lineage(path: str) -> list[str]:
        """The paths of the organisation at ``path`` and of every organisation above it, from
        the root down: the rows that settings or rights are inherited from (``path__in``)."""
        step = Organisation.steplen
        return [path[:i] for i in range(step, len(path) + 1, step)]

    @property
    def is_grassroots(self) -> bool:
        return self.kind == Kind.GRASSROOTS


class RoleAssignment(models.Model):
    """A user holds ``role`` on an organisation and, through it, on its whole subtree."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class SubtreeCount(models.Model):
    """A pre-aggregated count for an organisation's whole subtree, one row per
    (dimension, value) — e.g. members by status, employment form, gender, birth year, join
    month. Domain apps add deltas through ``organisations.counters``, which applies them to
    the organisation and all its ancestors in the caller's transaction; moving a subtree
    moves its totals. Statistics for any node are then a handful of indexed rows."""

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=30)
    value = models.CharField(max_length=30)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dimension", "value"], name="one_count_per_dimension_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.dimension}={self.value}: {self.n}"
