"""Writing audit entries (services call :func:`record` inside their transaction) and naming
their action codes for people (:func:`label`).

Each app declares the codes it writes as an ``AuditAction`` TextChoices in its ``choices.py``
(code → label) and names that class in its AppConfig (``audit_actions``); the audit page and
API show the label. With ``GONGHUI_AUDIT_STRICT`` (the test settings) writing a code that no app
declares raises, so a new action cannot reach officers as a bare code.
"""

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

from gonghui.core.models import AuditEntry


def declared_by_app() -> list[tuple[object, list[tuple[str, Any]]]]:
    """Every declared audit action grouped by the app that writes it, in the order of
    ``INSTALLED_APPS``: ``[(app config, [(code, label), ...]), ...]`` (for choosing what to
    see on the audit page)."""
    groups = []
    for config in apps.get_app_configs():
        path = getattr(config, "audit_actions", None)
        if path:
            groups.append((config, list(import_string(path).choices)))
    return groups


@functools.cache
def _labels() -> dict[str, Any]:
    return {code: name for _config, actions in declared_by_app() for code, name in actions}


@functools.cache
def _declaring_apps() -> frozenset[str]:
    return frozenset(c.label for c in apps.get_app_configs() if getattr(c, "audit_actions", None))


def declared(code: str) -> bool:
    """Some app declares ``code`` with a label."""
    return code in _labels()


def label(code: str) -> str:
    """The name people read for an audit action code (in the active language); an unknown
    code is shown as it is (entries written before its label existed)."""
    return str(_labels().get(code, code))


def plain(value: Any) -> Any:
    """``value`` as JSON holds it in an entry: None, a bool, a number or a text (a date, a
    Decimal, a choice … as its text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# The old private name, still read by assistance/services/households.py on main while the apps
# are brought into shape in parallel (issue 13); the integrator removes it with that use.
_plain = plain


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """Fields whose value changed, as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        k: [plain(before.get(k)), plain(after.get(k))]
        for k in keys
        if plain(before.get(k)) != plain(after.get(k))
    }


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: plain(getattr(obj, f)) for f in fields}


def entry(
    *,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    organisation_id=None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """One audit entry, not yet saved (for :func:`record_many`). ``actor`` may be None for
    the public (an anonymous applicant) or the system."""
    if (
        getattr(settings, "GONGHUI_AUDIT_STRICT", False)
        and action.split(".", 1)[0] in _declaring_apps()
        and not declared(action)
    ):
        raise ValueError(f"audit action {action!r} has no label: declare it in the app's AuditAction")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    label = ""
    if actor is not None and actor.is_authenticated:
        label = actor.get_username()
    elif actor is None:
        label = "system"
    else:
        label = "anonymous"
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        organisation_id=organisation_id,
        changes=dict(changes or {}),
        reason=reason,
    )


def record(**kwargs) -> AuditEntry:
    """Write one audit entry (the arguments of :func:`entry`)."""
    item = entry(**kwargs)
    item.save(force_insert=True)
    return item


def record_many(entries: Iterable[AuditEntry], *, batch_size: int = 1000) -> None:
    """Write many entries made by :func:`entry` in batches (bulk operations: one entry per
    object still, without one round trip each)."""
    AuditEntry.objects.bulk_create(list(entries), batch_size=batch_size)
