"""The audit log in words, for the audit page and ``GET /api/v1/audit``: an entry's action by
its label (each app's ``AuditAction``, through :func:`gonghui.core.audit.label`), who did it by
name, the object by its name and kind, and each change by the field's name with values as
people read them — a choice's label, Yes/No, the name of a referenced record instead of its
id. Officers never have to read a code or a UUID.

Entries are read through ``organisations.selectors.audit_entries`` (scoped); this module only
presents them. Models are found through the entry's ``object_type`` (``app_label.model``) with
Django's app registry, so this app imports none of the apps that write entries.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit

# Change keys that are not a field of the entry's own model, and the field they record.
CHANGE_FIELD_ALIASES = {
    ("members.transfer", "member_status"): ("members.member", "status"),
    ("members.transfer", "organisation"): ("members.member", "organisation"),
    ("members.enrolment", "member_no"): ("members.member", "member_no"),
    ("accounts.user", "superuser"): ("accounts.user", "is_superuser"),
}

# Names for change keys that record no model field.
CHANGE_NAMES = {
    "to": gettext_lazy("New union"),
    "parent": gettext_lazy("Parent"),
    "user": gettext_lazy("User"),
    "from_network": gettext_lazy("From network"),
    "from_address_ref": gettext_lazy("Address reference"),
}


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


def _as_key(value):
    """A recorded reference as a primary key, or None when it does not look like one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _readable_value(field, value, names: dict):
    """A recorded value as people read it: Yes/No, a choice's label, "—" for blank, the name
    of a referenced record."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == "":
        return "—"
    if field is not None and field.many_to_one:
        key = _as_key(value)
        if key is not None:
            return names.get((field.related_model, key), _("(a record since deleted)"))
    choices = {str(code): label for code, label in getattr(field, "flatchoices", None) or ()}
    if str(value) in choices:
        return choices[str(value)]
    # Role assignments are recorded as "username:role".
    owner, colon, code = str(value).rpartition(":")
    if colon and code in choices:
        return f"{owner}: {choices[code]}"
    return value


def _pairs(changes) -> list[tuple[str, object, object]]:
    out = []
    for code, value in (changes or {}).items():
        before, after = value if isinstance(value, (list, tuple)) and len(value) == 2 else (None, value)
        out.append((code, before, after))
    return out


def _referenced_names(entries) -> dict:
    """The names of every record the page's changes refer to, one query per model."""
    wanted: dict = defaultdict(set)
    for entry in entries:
        for code, before, after in _pairs(entry.changes):
            field = _audited_field(entry.object_type, code)
            if field is not None and field.many_to_one:
                for value in (before, after):
                    key = _as_key(value) if value not in (None, "") else None
                    if key is not None:
                        wanted[field.related_model].add(key)
    names = {}
    for model, keys in wanted.items():
        for obj in model._default_manager.filter(pk__in=keys):
            names[(model, obj.pk)] = str(obj)
    return names


def _change_rows(object_type: str, changes, names: dict) -> list[AuditChange]:
    rows = []
    for code, before, after in _pairs(changes):
        field = _audited_field(object_type, code)
        # Only a translated verbose name reads better than the code.
        verbose_name = getattr(field, "verbose_name", None)
        name = capfirst(verbose_name) if isinstance(verbose_name, Promise) else CHANGE_NAMES.get(code, code)
        rows.append(
            AuditChange(
                code, str(name), _readable_value(field, before, names), _readable_value(field, after, names)
            )
        )
    return rows


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
    names = _referenced_names(entries)
    return [
        ReadableEntry(
            entry=entry,
            action=audit.label(entry.action),
            actor=_actor(entry),
            object_kind=_object_kind(entry.object_type),
            changes=_change_rows(entry.object_type, entry.changes, names),
        )
        for entry in entries
    ]
