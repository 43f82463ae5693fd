"""Writing audit entries. Services call :func:`record` inside their transaction."""

from collections.abc import Iterable, Mapping
from typing import Any

from gonghui.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """Fields whose value changed, as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in keys
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


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
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    elif actor is None:
        label = "system"
    else:
        label = "anonymous"
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
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
