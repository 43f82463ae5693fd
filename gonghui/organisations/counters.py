"""Counts over whole subtrees, kept in ``SubtreeCount``: one row per organisation, dimension and
value, holding the count for the organisation *and all its descendants*. Statistics for any
node are then one indexed read of that node's rows, whatever the size of the subtree.

Domain apps describe a change as deltas on the organisations the change happened in
(``apply``); this module adds each delta to that organisation and to every ancestor, in the
caller's transaction. It knows nothing about what is counted: the domain app names the
dimensions, and supplies set-based SQL of its own counts for ``rebuild`` (the repair, and the
way to fill the table in an existing database).

Consistency under concurrency (PostgreSQL):

* ``apply`` reads the paths of the organisations it adds to with ``FOR NO KEY UPDATE``.
  Moving a subtree rewrites those paths (a key update), so a writer and a move of the same
  subtree are serialised: a writer either finishes before the move reads the totals it moves,
  or it waits and then sees the new ancestors.
* Counter rows are upserted in a fixed order (organisation, dimension, value), so two writers
  lock shared ancestor rows in the same order and do not deadlock each other.
* ``rebuild`` locks the whole table first, so writers wait and then add their deltas on top of
  the rebuilt counts.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import connection, transaction

from gonghui.organisations.models import Organisation, SubtreeCount

Key = tuple  # (organisation_id, dimension, value)

ORGANISATIONS = "organisations"  # dimension: organisations by kind, and "all"
ALL = "all"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _org_id_param(value):
    """An organisation id as the database driver wants it in raw SQL."""
    return Organisation._meta.pk.get_db_prep_value(value, connection, prepared=False)


def _prefixes(path: str) -> list[str]:
    """The paths of a node and all its ancestors (materialised path: every ``steplen``
    characters is one level)."""
    step = Organisation.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def _ids_for_paths(paths: Iterable[str]) -> dict[str, object]:
    paths = set(paths)
    if not paths:
        return {}
    return dict(Organisation.objects.filter(path__in=paths).values_list("path", "pk"))


def _lock_paths(organisation_ids: Iterable) -> dict[object, str]:
    """Paths of the given organisations, locked against a concurrent move (see module doc)."""
    qs = Organisation.objects.filter(pk__in=sorted(set(organisation_ids), key=str)).order_by("pk")
    if connection.features.has_select_for_no_key_update:
        qs = qs.select_for_update(no_key=True)
    elif connection.features.has_select_for_update:
        qs = qs.select_for_update()
    return dict(qs.values_list("pk", "path"))


def _upsert(rows: Mapping[Key, int]) -> None:
    """Add each delta to its row, creating missing rows; keys are ``(organisation id as a
    string, dimension, value)``. Rows are written in key order (see module doc): on
    PostgreSQL in one statement over arrays (``unnest``: four parameters however many rows),
    elsewhere as one single-row statement executed for every row."""
    items = sorted((k, n) for k, n in rows.items() if n)
    if not items:
        return
    table = _table(SubtreeCount)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {table} ({qn('organisation_id')}, {qn('dimension')}, {qn('value')}, {qn('n')}) "
    tail = (
        f" ON CONFLICT ({qn('organisation_id')}, {qn('dimension')}, {qn('value')}) "
        f"DO UPDATE SET {qn('n')} = {table}.{qn('n')} + EXCLUDED.{qn('n')}"
    )
    ids: dict[str, object] = {}
    for (org, _dimension, _value), _n in items:
        if org not in ids:
            ids[org] = _org_id_param(uuid.UUID(org))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                head + "SELECT o, d, v, n FROM unnest(%s::uuid[], %s::varchar[], %s::varchar[], %s::bigint[])"
                " WITH ORDINALITY AS r(o, d, v, n, i) ORDER BY i" + tail,
                [
                    [ids[org] for (org, _d, _v), _n in items],
                    [d for (_o, d, _v), _n in items],
                    [v for (_o, _d, v), _n in items],
                    [n for _k, n in items],
                ],
            )
            return
        # One single-row statement, prepared once (see members.search._insert).
        cursor.executemany(
            head + "VALUES (%s, %s, %s, %s)" + tail,
            [(ids[org], dimension, value, n) for (org, dimension, value), n in items],
        )


def apply(deltas: Mapping[Key, int]) -> None:
    """Add ``deltas`` — ``{(organisation_id, dimension, value): change}`` — to each
    organisation named and to all its ancestors, in the caller's transaction. Deltas are summed
    per row first (a change that cancels out writes nothing). Three queries whatever the size
    of ``deltas`` (the paths, the ancestors' ids, the upsert; on SQLite the upsert is one
    ``executemany``). Raises ``Organisation.DoesNotExist`` for an unknown organisation."""
    summed: dict[Key, int] = defaultdict(int)
    for (org_id, dimension, value), n in deltas.items():
        if n:
            summed[(str(org_id), dimension, value)] += n
    deltas = {k: n for k, n in summed.items() if n}
    if not deltas:
        return
    with transaction.atomic(savepoint=False):
        paths = {
            str(pk): path for pk, path in _lock_paths({org_id for org_id, _dim, _value in deltas}).items()
        }
        missing = {org_id for org_id, _dim, _value in deltas} - set(paths)
        if missing:
            raise Organisation.DoesNotExist(f"No organisation {sorted(map(str, missing))[0]}")
        ids = _ids_for_paths(p for path in paths.values() for p in _prefixes(path))
        # Each organisation's line of ancestors, as canonical id strings (cheap to hash and
        # sort: a bulk import can touch tens of thousands of rows).
        lines = {org_id: [str(ids[p]) for p in _prefixes(path)] for org_id, path in paths.items()}
        rows: dict[Key, int] = defaultdict(int)
        for (org_id, dimension, value), n in deltas.items():
            for ancestor in lines[org_id]:
                rows[(ancestor, dimension, value)] += n
        _upsert(rows)


def totals(
    organisation: Organisation, *, pinned: Mapping[str, str] | None = None
) -> dict[tuple[str, str], int]:
    """``{(dimension, value): n}`` for the organisation's whole subtree: one indexed query (raw
    SQL: this is the hot read of every dashboard). Rows that have come back to zero are left
    out. ``pinned`` limits some dimensions to one value each (e.g. only this month's row of a
    by-month dimension)."""
    table = _table(SubtreeCount)
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {qn('dimension')}, {qn('value')}, {qn('n')} FROM {table} "
        f"WHERE {qn('organisation_id')} = %s AND {qn('n')} <> 0"
    )
    params: list = [_org_id_param(organisation.pk)]
    for dimension, value in sorted((pinned or {}).items()):
        sql += f" AND ({qn('dimension')} <> %s OR {qn('value')} = %s)"
        params += [dimension, value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(dimension, value): n for dimension, value, n in cursor.fetchall()}


def move_subtree(node: Organisation, old_parent_path: str, new_parent_path: str) -> None:
    """Carry ``node``'s subtree totals from its old ancestors to its new ones. Call it in the
    transaction of the move, *before* the move itself (the node's own rows are keyed by id and
    do not change; the paths given are resolved as they are now). Locks the subtree's
    organisations first, so no writer can add to the subtree between reading the totals and
    the move (see module doc)."""
    with transaction.atomic(savepoint=False):
        subtree = Organisation.objects.filter(path__startswith=node.path).order_by("path")
        if connection.features.has_select_for_update:
            list(subtree.select_for_update().values_list("pk", flat=True))
        moved = totals(node)
        if not moved:
            return
        old = _ids_for_paths(_prefixes(old_parent_path))
        new = _ids_for_paths(_prefixes(new_parent_path))
        rows: dict[Key, int] = defaultdict(int)
        for (dimension, value), n in moved.items():
            for org_id in old.values():
                rows[(str(org_id), dimension, value)] -= n
            for org_id in new.values():
                rows[(str(org_id), dimension, value)] += n
        _upsert(rows)


def organisation_deltas(organisation: Organisation, sign: int = 1) -> dict[Key, int]:
    """The organisation's own contribution to the ``organisations`` dimension."""
    return {
        (organisation.pk, ORGANISATIONS, organisation.kind): sign,
        (organisation.pk, ORGANISATIONS, ALL): sign,
    }


# --- rebuilding from the source tables ------------------------------------------------------


def _organisation_source() -> tuple[str, list]:
    org = _table(Organisation)
    qn = connection.ops.quote_name
    return (
        f"SELECT {qn('id')} AS organisation_id, %s AS dimension, {qn('kind')} AS value, 1 AS n FROM {org} "
        f"UNION ALL SELECT {qn('id')}, %s, %s, 1 FROM {org}",
        [ORGANISATIONS, ORGANISATIONS, ALL],
    )


def _expected_sql(sources: Iterable[tuple[str, list]]) -> tuple[str, list]:
    """A SELECT of every expected (organisation_id, dimension, value, n) row: the sources'
    own counts per organisation, rolled up to every ancestor. Ancestors are found by equality
    on a path prefix (one index probe per level), never by LIKE."""
    parts, params = [], []
    for sql, p in [_organisation_source(), *sources]:
        parts.append(f"SELECT * FROM ({sql}) s{len(parts)}")
        params.extend(p)
    org = _table(Organisation)
    qn = connection.ops.quote_name
    depth = Organisation.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
    levels = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, depth + 1)) or "SELECT 1 AS k"
    step = Organisation.steplen
    sql = (
        f"WITH own AS ("
        f"SELECT organisation_id, dimension, value, SUM(n) AS n FROM ({' UNION ALL '.join(parts)}) src "
        f"GROUP BY organisation_id, dimension, value), "
        f"levels AS ({levels}) "
        f"SELECT a.{qn('id')} AS organisation_id, own.dimension, own.value, SUM(own.n) AS n "
        f"FROM own JOIN {org} o ON o.{qn('id')} = own.organisation_id "
        f"JOIN levels ON levels.k <= o.{qn('depth')} "
        f"JOIN {org} a ON a.{qn('path')} = SUBSTR(o.{qn('path')}, 1, levels.k * {step}) "
        f"GROUP BY a.{qn('id')}, own.dimension, own.value"
    )
    return sql, params


def rebuild(sources: Iterable[tuple[str, list]] = ()) -> int:
    """Replace every counter row by counts recomputed from the source tables, in one
    transaction. ``sources`` are SQL SELECTs (with their parameters) of the domain apps' *own*
    counts: columns ``organisation_id, dimension, value, n``, one organisation each, several
    rows per key allowed. The ``organisations`` dimension is always included. Returns the
    number of rows written."""
    sql, params = _expected_sql(list(sources))
    table = _table(SubtreeCount)
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} ({qn('organisation_id')}, {qn('dimension')}, {qn('value')}, {qn('n')}) "
            f"SELECT organisation_id, dimension, value, n FROM ({sql}) expected WHERE n <> 0",
            params,
        )
        return cursor.rowcount


def compare(sources: Iterable[tuple[str, list]] = (), *, limit: int = 20) -> list[dict]:
    """Differences between the counter rows and what ``rebuild`` would write, without writing:
    up to ``limit`` rows ``{"organisation_id", "dimension", "value", "stored", "expected"}``
    (an empty list when they agree). Rows at zero count as absent."""
    sql, params = _expected_sql(list(sources))
    table = _table(SubtreeCount)
    qn = connection.ops.quote_name
    stored = (
        f"SELECT {qn('organisation_id')} AS organisation_id, {qn('dimension')} AS dimension, "
        f"{qn('value')} AS value, {qn('n')} AS n FROM {table} WHERE {qn('n')} <> 0"
    )
    expected = f"SELECT organisation_id, dimension, value, n FROM ({sql}) e WHERE n <> 0"
    query = (
        f"SELECT organisation_id, dimension, value, n, 'expected' AS side FROM "
        f"({expected} EXCEPT {stored}) missing "
        f"UNION ALL SELECT organisation_id, dimension, value, n, 'stored' FROM "
        f"({stored} EXCEPT {expected}) extra"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params + params)
        rows = cursor.fetchall()
    out: dict[tuple, dict] = {}
    for org_id, dimension, value, n, side in rows:
        key = (str(uuid.UUID(str(org_id))), dimension, value)
        entry = out.setdefault(
            key,
            {"organisation_id": key[0], "dimension": dimension, "value": value, "stored": 0, "expected": 0},
        )
        entry[side] = int(n)
    return sorted(out.values(), key=lambda e: (e["organisation_id"], e["dimension"], e["value"]))[:limit]
