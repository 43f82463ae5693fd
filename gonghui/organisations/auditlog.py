"""The audit log in words, for the audit page and ``GET /api/v1/audit``: an entry's action by
its label (each app's ``AuditAction``, through :func:`gonghui.core.audit.label`), who did it by
name, the object by its name and kind, and each change by the field's name with values as
people read them — a choice's label, Yes/No, the name of a referenced record instead of its
id or code. Officers never have to read a code or a UUID.

Entries are read through ``organisations.selectors.audit_entries`` (scoped); this module only
presents them. Models are found through the entry's ``object_type`` (``app_label.model``) with
Django's app registry, so this app imports none of the apps that write entries.

A change key is named, in this order, by: the verbose name of the model field it records
(``CHANGE_FIELD_ALIASES`` where the key is not the field's own name), ``CHANGE_NAMES`` (for
one kind of object, then for any), the plural name of the model it names (``"members.Member"``:
counts per table). A new key that is none of these fails
``organisations/tests/test_auditlog.py``.

Records an entry refers to — by a foreign key's value, by a code or user name recorded
instead (``CHANGE_REFERENCES``), or by a UUID inside a text such as an object's name written
with ids — are looked up once per model for the whole page.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit

# Change keys that are not a field of the entry's own model, and the field they record.
CHANGE_FIELD_ALIASES = {
    ("members.transfer", "member_status"): ("members.member", "status"),
    ("members.transfer", "organisation"): ("members.member", "organisation"),
    ("members.transfer", "to"): ("members.transfer", "to_organisation"),
    ("members.enrolment", "member_no"): ("members.member", "member_no"),
    ("accounts.user", "superuser"): ("accounts.user", "is_superuser"),
}

# Names for change keys that record no named model field: ``(object_type, key)`` for a key of
# one kind of object, ``key`` for the same meaning on any object.
CHANGE_NAMES = {
    "to": gettext_lazy("New union"),
    "parent": gettext_lazy("Parent"),
    "user": gettext_lazy("User"),
    "from_network": gettext_lazy("From network"),
    "from_address_ref": gettext_lazy("Address reference"),
    "status": gettext_lazy("Status"),
    "organisation": gettext_lazy("Organisation"),
    "file": gettext_lazy("File"),
    "format": gettext_lazy("File format"),
    "rows": gettext_lazy("Rows"),
    "filters": gettext_lazy("Export filters"),
    "unmasked": gettext_lazy("Unmasked ID numbers and phones"),
    ("members.member", "field"): gettext_lazy("Revealed field"),
    ("members.importbatch", "processed"): gettext_lazy("Rows processed"),
    ("members.importbatch", "created"): gettext_lazy("Members added"),
    ("members.importbatch", "updated"): gettext_lazy("Members updated"),
    ("members.importbatch", "skipped"): gettext_lazy("Rows skipped"),
    ("members.importbatch", "errors"): gettext_lazy("Rows with errors"),
    ("members.importbatch", "checkpoint_row"): gettext_lazy("Resumed after row"),
    ("members.importbatch", "removed"): gettext_lazy("Members removed"),
    ("members.importbatch", "restored"): gettext_lazy("Members restored"),
    ("members.importbatch", "batches"): gettext_lazy("Import files deleted"),
    ("members.importbatch", "orphans"): gettext_lazy("Stray files deleted"),
    ("members.importbatch", "older_than_hours"): gettext_lazy("Older than (hours)"),
    ("competitions.competition", "aspects"): gettext_lazy("Aspects"),
    ("competitions.competition", "sections"): gettext_lazy("Sections"),
    ("competitions.competition", "entries"): gettext_lazy("Entries ranked"),
    ("competitions.competition", "recommendations"): gettext_lazy("Recommendations made"),
    ("competitions.entry", "members"): gettext_lazy("Competitors (member numbers)"),
    ("competitions.sheet", "marks"): gettext_lazy("Total mark"),
    ("competitions.substitution", "judge"): gettext_lazy("Judge"),
    ("honours.honour", "holder"): gettext_lazy("Holder"),
    ("honours.nominationlist", "publicity"): gettext_lazy("Publicity period"),
    ("honours.nominationlist", "quotas"): gettext_lazy("Quotas"),
    ("honours.nominee", "categories"): gettext_lazy("Quota categories"),
    ("honours.nominee", "list"): gettext_lazy("Nomination list"),
    ("honours.nominee", "with"): gettext_lazy("Union"),
    ("honours.objection", "nominee"): gettext_lazy("Nominee"),
    ("innovation.alliance", "lead"): gettext_lazy("Lead studio and term"),
    ("innovation.alliance", "studios"): gettext_lazy("Studios"),
    ("innovation.jointproject", "studios"): gettext_lazy("Studios"),
    ("innovation.idea", "attachments"): gettext_lazy("Attachments"),
    ("innovation.idea", "estimated_benefit"): gettext_lazy("Estimated benefit (yuan)"),
    ("innovation.idea", "expert"): gettext_lazy("Expert"),
    ("innovation.idea", "feasibility"): gettext_lazy("Feasibility"),
    ("innovation.idea", "reward"): gettext_lazy("Reward"),
    ("innovation.idea", "score"): gettext_lazy("Score"),
    ("innovation.studio", "achievement"): gettext_lazy("Achievement"),
    ("innovation.studio", "funding"): gettext_lazy("Funding"),
    ("innovation.studio", "review"): gettext_lazy("Annual review"),
    ("innovation.studio", "savings"): gettext_lazy("Savings (yuan)"),
    ("innovation.studio", "team"): gettext_lazy("Team member"),
    ("rights.request", "automatic"): gettext_lazy("Escalated automatically"),
    ("rights.request", "followed_up"): gettext_lazy("Followed up"),
    ("rights.request", "letter"): gettext_lazy("Transfer letter"),
    ("rights.request", "on_time"): gettext_lazy("Closed on time"),
    ("rights.request", "recovered_total"): gettext_lazy("Recovered in total (yuan)"),
    ("assistance.household", "people"): gettext_lazy("Family members"),
    ("assistance.household", "bank_card"): gettext_lazy("Bank card"),
    ("assistance.household", "month"): gettext_lazy("Month"),
    ("assistance.household", "income"): gettext_lazy("Income (yuan)"),
    ("assistance.household", "score"): gettext_lazy("Risk score"),
    ("stations.ticket", "escalated"): gettext_lazy("Escalated"),
    "station": gettext_lazy("Station"),
    "phone": gettext_lazy("Phone"),
    "via": gettext_lazy("Linked by"),
    ("stations.ticket", "on_time"): gettext_lazy("Resolved on time"),
    ("stations.ticket", "closed"): gettext_lazy("Closed"),
    "kind": gettext_lazy("Kind"),
    ("stations.station", "stations"): gettext_lazy("Stations imported"),
    ("stations.station", "hours"): gettext_lazy("Opening hours"),
    ("stations.station", "reports"): gettext_lazy("Reports"),
    ("activities.activity", "targets"): gettext_lazy("Target unions"),
    ("activities.activity", "reservations"): gettext_lazy("Reserved places"),
    ("activities.activityreport", "news_item"): gettext_lazy("News draft of the report"),
    ("activities.activityreport", "photos"): gettext_lazy("Photos"),
    ("activities.signup", "at"): gettext_lazy("Scanned at"),
    ("activities.signup", "direction"): gettext_lazy("Check-in or check-out"),
    ("activities.signup", "source"): gettext_lazy("How it was recorded"),
    ("activities.signup", "computed_minutes"): gettext_lazy("Minutes from the check-ins"),
    ("activities.signup", "minutes"): gettext_lazy("Certified minutes"),
}

# Entries whose change keys are the codes of a competition's marking aspects (A1, B2 …): the
# marks and their corrections, one key per aspect marked.
KEYED_BY_ASPECT = {"competitions.mark", "competitions.sheet"}

# Change keys whose values name records without being a foreign key of the entry's model:
# the model they name (a value is its id, or a code or user name, see ``_natural_keys``).
CHANGE_REFERENCES = {
    ("organisations.organisation", "parent"): "organisations.Organisation",
}

# Change keys whose values are the codes of a choice list, and that list (dotted path: this app
# imports none of the apps that write entries).
CHANGE_CHOICES = {
    ("members.member", "field"): "gonghui.members.choices.PiiField",
}

UUID_IN_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@dataclass
class AuditChange:
    """One ``{field: [before, after]}`` item of an audit entry, ready to show."""

    code: str
    name: str
    before: object  # None: the entry has no "before" (a creation)
    after: object


@dataclass
class ReadableEntry:
    """An audit entry as officers read it."""

    entry: object
    action: str
    actor: str
    object_kind: str
    object_name: str
    changes: list


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _audited_field(object_type: str, name: str):
    object_type, name = CHANGE_FIELD_ALIASES.get((object_type, name), (object_type, name))
    model = _model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def change_name(object_type: str, code: str) -> str | None:
    """The name people read for change key ``code`` of an ``object_type`` entry, or None when
    it has none (the code is then shown as it is)."""
    field = _audited_field(object_type, code)
    # Only a translated verbose name reads better than the code.
    verbose_name = getattr(field, "verbose_name", None)
    if isinstance(verbose_name, Promise):
        return str(capfirst(verbose_name))
    name = CHANGE_NAMES.get((object_type, code), CHANGE_NAMES.get(code))
    if name is not None:
        return str(name)
    counted = _model(code) if "." in code else None
    if counted is not None:
        return str(capfirst(counted._meta.verbose_name_plural))
    if object_type in KEYED_BY_ASPECT:
        return _("Aspect %(code)s") % {"code": code}
    return None


def _referenced_model(object_type: str, code: str):
    """The model whose records the values of change ``code`` name, or None."""
    field = _audited_field(object_type, code)
    if field is not None and field.many_to_one:
        return field.related_model
    path = CHANGE_REFERENCES.get((object_type, code))
    return _model(path) if path else None


def _natural_keys(model) -> list[str]:
    """Fields other than the primary key by which a change may name a record of ``model``:
    a unique ``code`` (an organisation's), the user name of a login."""
    keys = []
    try:
        if model._meta.get_field("code").unique:
            keys.append("code")
    except FieldDoesNotExist:
        pass
    if model is apps.get_model(settings.AUTH_USER_MODEL):
        keys.append(model.USERNAME_FIELD)
    return keys


def _as_key(value):
    """A recorded reference as a primary key, or None when it does not look like one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _pairs(changes) -> list[tuple[str, object, object]]:
    out = []
    for code, value in (changes or {}).items():
        before, after = value if isinstance(value, (list, tuple)) and len(value) == 2 else (None, value)
        out.append((code, before, after))
    return out


def _text_models(object_type: str) -> list:
    """The models a UUID inside an entry's text may belong to: the entry's own, those its
    foreign keys point at, organisations and logins (those keyed by UUIDs)."""
    model = _model(object_type)
    found = []
    if model is not None:
        found.append(model)
        found += [f.related_model for f in model._meta.get_fields() if f.many_to_one and f.related_model]
    found += [apps.get_model("organisations.Organisation"), apps.get_model(settings.AUTH_USER_MODEL)]
    return [m for m in dict.fromkeys(found) if isinstance(m._meta.pk, models.UUIDField)]


class _Names:
    """The names of the records a page of entries refers to, looked up together: one query per
    model and kind of key."""

    def __init__(self):
        self.wanted: dict = defaultdict(set)  # (model, field) → values
        self.found: dict = {}  # (model, field, value) → name
        self.ids: dict = {}  # uuid text → name, whatever the model

    def want(self, model, value) -> None:
        key = _as_key(value)
        if key is not None:
            self.wanted[(model, "pk")].add(key)
            return
        for field in _natural_keys(model):
            self.wanted[(model, field)].add(str(value))

    def want_text(self, text, models) -> None:
        for match in UUID_IN_TEXT.findall(str(text or "")):
            for model in models:
                self.wanted[(model, "pk")].add(uuid.UUID(match))

    def look_up(self) -> None:
        wanted, self.wanted = self.wanted, defaultdict(set)
        for (model, field), values in wanted.items():
            values = [v for v in values if (model, field, v) not in self.found]
            if not values:
                continue
            column = model._meta.pk.attname if field == "pk" else field
            for obj in model._default_manager.filter(**{f"{column}__in": values}):
                name = str(obj)
                value = obj.pk if field == "pk" else str(getattr(obj, field))
                self.found[(model, field, value)] = name
                if field == "pk" and isinstance(obj.pk, uuid.UUID):
                    self.ids.setdefault(str(obj.pk), name)
                    # A record named with the ids of others (``"<member id> 2024-05"``):
                    # their names are looked up in the next round.
                    self.want_text(name, _text_models(model._meta.label_lower))

    def name(self, model, value):
        key = _as_key(value)
        if key is not None:
            return self.found.get((model, "pk", key), _("(a record since deleted)"))
        for field in _natural_keys(model):
            name = self.found.get((model, field, str(value)))
            if name is not None:
                return name
        return value

    def words(self, text: str, depth: int = 2) -> str:
        """``text`` with every UUID in it replaced by the name of the record it identifies."""

        def replace(match):
            name = self.ids.get(match.group(0).lower())
            if name is None:
                return _("(a record since deleted)")
            return self.words(name, depth - 1) if depth > 0 else name

        return UUID_IN_TEXT.sub(replace, text) if text else text


def _collect(entries, names: _Names) -> None:
    for entry in entries:
        text_models = _text_models(entry.object_type)
        names.want_text(entry.object_repr, text_models)
        for code, before, after in _pairs(entry.changes):
            model = _referenced_model(entry.object_type, code)
            for value in (before, after):
                if value in (None, "") or isinstance(value, bool):
                    continue
                if model is not None:
                    names.want(model, value)
                elif isinstance(value, str):
                    names.want_text(value, text_models)


def _choices(object_type: str, code: str, field) -> dict:
    path = CHANGE_CHOICES.get((object_type, code))
    pairs = import_string(path).choices if path else getattr(field, "flatchoices", None) or ()
    return {str(value): label for value, label in pairs}


def _readable_value(object_type: str, code: str, value, names: _Names):
    """A recorded value as people read it: Yes/No, a choice's label, "—" for blank, the name
    of a referenced record."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == "":
        return "—"
    model = _referenced_model(object_type, code)
    if model is not None:
        return names.name(model, value)
    choices = _choices(object_type, code, _audited_field(object_type, code))
    if str(value) in choices:
        return str(choices[str(value)])
    # Role assignments are recorded as "username:role".
    owner, colon, choice = str(value).rpartition(":")
    if colon and choice in choices:
        return f"{owner}: {choices[choice]}"
    return names.words(value) if isinstance(value, str) else value


def _change_rows(object_type: str, changes, names: _Names) -> list[AuditChange]:
    return [
        AuditChange(
            code,
            change_name(object_type, code) or code,
            _readable_value(object_type, code, before, names),
            _readable_value(object_type, code, after, names),
        )
        for code, before, after in _pairs(changes)
    ]


def _actor(entry) -> str:
    if entry.actor is not None:
        return str(entry.actor)  # the display name, else the user name
    if entry.actor_label == "system":
        return _("System")
    if entry.actor_label == "anonymous":
        return _("Anonymous visitor")
    return entry.actor_label or "—"


def _object_kind(object_type: str) -> str:
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def readable(entries) -> list[ReadableEntry]:
    """Entries (already scoped and paged) in words."""
    entries = list(entries)
    names = _Names()
    _collect(entries, names)
    names.look_up()  # the records the entries name
    names.look_up()  # the records those are named after (ids in their own names)
    return [
        ReadableEntry(
            entry=entry,
            action=audit.label(entry.action),
            actor=_actor(entry),
            object_kind=_object_kind(entry.object_type),
            object_name=names.words(entry.object_repr) or "—",
            changes=_change_rows(entry.object_type, entry.changes, names),
        )
        for entry in entries
    ]
