"""Member search at provincial scale: one row per search key in ``MemberSearchKey``.

Every member has the keys of :func:`keys_for`: each full-pinyin reading and each initials
reading of the name (surname read as a surname, every reading of a given-name character), the
Chinese name and its given-name part. A text query is a prefix range on the ``(key, member)``
B-tree (``key >= q AND key < prefix_end(q)``, e.g. "zw" <= key < "zx"), which SQLite and PostgreSQL both answer from the
index in key order. The page is walked in that order, so the database stops after one page:

* a member matches through its *smallest* key in the range (a ``NOT EXISTS`` probe on the
  ``(member, key)`` unique index drops its other matching keys, so no member appears twice);
* the query itself is the smallest string of its range, so exact matches (exact name, exact
  full pinyin, exact initials) come first; then by the matched key (the name, or its reading
  in pinyin order), then by member id (see ``TIE_ORDER``).

ID numbers and phones are found only exactly, through the blind index; member numbers exactly
or by prefix. Everything is restricted to the user's scope (``scoping.restrict``).

Lists answer an exact count (docs/product.md §4.3) without counting member rows where they can
(``CountedQuerySet``): the list without a query, or filtered by status, reads the subtree
counters (``counted_totals``); a name search counts search keys, which carry their member's
union for that (``key_match_count``). The list without a query is newest record first
(``LIST_ORDER``), read through the primary key or through the unions, whichever the counts
say is shorter (``listing``).
"""

import itertools
import time
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet

from gonghui.core.text import to_halfwidth
from gonghui.core.validators import normalise_id_number, normalise_mobile
from gonghui.members import permissions, pinyin
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member, MemberSearchKey
from gonghui.members.services import personal
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation, SubtreeCount

KEY_LENGTH = MemberSearchKey._meta.get_field("key").max_length
MAX_CHAR = "\U0010ffff"
# Members with the same matched key (all the 张伟, all the "zw") follow the key index, by
# member id (ids are time-ordered, so roughly oldest record first): a page then costs 20
# index steps. Sorting such a group by name and member number means fetching every member of
# it first (4,600 rows for "zw" at a million members: p95 35-80 ms instead of ~15 ms).
TIE_ORDER = ("sk__member_id",)
DELETE_BATCH = 500
REBUILD_CACHE_KIB = 256 * 1024
# The list without a query: newest record first. Ids are UUIDv7, so this is the primary key
# read backwards, stopping after one page (see ``listing``).
LIST_ORDER = ("-id",)
WALK_PAGE = 20


# ---- keys ------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return "".join(to_halfwidth(text or "").split()).lower()


# The readings are combined per name part, each part cached: a roster has a few hundred
# surnames and some ten thousand given names, so a million names cost a million string joins,
# not a million pinyin look-ups. ``pinyin.name_keys`` gives the same variants (tested). The
# caches are small on purpose: whole names rarely repeat, and an entry costs about a kilobyte,
# so a cache of a quarter of a million names made an import's memory grow by 300 MB.
Combos = tuple[tuple[str, str], ...]  # (full pinyin, initials) variants, most common first


@lru_cache(maxsize=4096)
def _surname_combos(surname: str) -> Combos:
    if surname in pinyin.COMPOUND_SURNAMES:
        syllables = pinyin.COMPOUND_SURNAMES[surname].split()
        return (("".join(syllables), "".join(s[:1] for s in syllables)),)
    if surname in pinyin.SINGLE_SURNAMES:
        reading = pinyin.SINGLE_SURNAMES[surname]
        return ((reading, reading[:1]),)
    return tuple((r, r[:1]) for r in pinyin.char_readings(surname))


@lru_cache(maxsize=16384)
def _given_combos(given: str) -> Combos:
    syllables = [r for r in (pinyin.char_readings(ch) for ch in given) if r]
    combos = itertools.islice(itertools.product(*syllables), pinyin.MAX_VARIANTS)
    return tuple(("".join(c), "".join(x[:1] for x in c)) for c in combos)


def name_search_keys(name: str) -> frozenset[str]:
    """The keys of one name: the Chinese name, its given-name part, and the full pinyin and
    initials of each reading (at most ``pinyin.MAX_VARIANTS`` readings)."""
    return _compact_name_keys(_compact(name))


@lru_cache(maxsize=8192)
def _compact_name_keys(compact: str) -> frozenset[str]:
    if not compact:
        return frozenset()
    surname, given = pinyin.split_surname(compact)
    surnames = _surname_combos(surname) or (("", ""),)
    givens = _given_combos(given) if given else (("", ""),)
    if len(surnames) == 1:
        sf, si = surnames[0]
        combos = [(sf + gf, si + gi) for gf, gi in givens]
    else:
        combos = itertools.islice(
            ((sf + gf, si + gi) for sf, si in surnames for gf, gi in givens), pinyin.MAX_VARIANTS
        )
    keys = {compact, given}
    for full, initials in combos:
        keys.add(full)
        keys.add(initials)
    keys.discard("")
    if any(len(k) > KEY_LENGTH for k in keys):
        keys = {k[:KEY_LENGTH] for k in keys}
    return frozenset(keys)


def keys_for(member: Member) -> set[str]:
    """Every key under which ``member`` is found by a name search."""
    return set(name_search_keys(member.name or ""))


def index_members(members: Iterable[Member], *, new: bool = False) -> int:
    """Replace the search keys of ``members`` (after create, rename, import); ``new=True``
    for rows inserted in this transaction, which have no keys to delete yet. Runs in the
    caller's transaction; returns the number of keys written."""
    members = list({m.pk: m for m in members if m.pk is not None}.values())  # each member once
    if not members:
        return 0
    ids = [m.pk for m in members]
    for i in range(0, 0 if new else len(ids), DELETE_BATCH):
        MemberSearchKey.objects.filter(member_id__in=ids[i : i + DELETE_BATCH]).delete()
    rows = key_rows(members)
    _insert(rows)
    return len(rows)


def key_rows(members: Iterable[Member]) -> list[tuple]:
    """The ``(member_id, organisation_id, key)`` rows of ``members``' search keys, as the
    database stores the ids, in key order: the ``(key, member, organisation)`` index then
    takes a batch in one sweep instead of jumping around a B-tree much larger than the cache.
    For bulk writers that insert keys themselves (``index_members`` does it for the others)."""
    rows = []
    for m in members:
        member_id, org_id = _db_id(m.pk), _db_id(m.organisation_id)
        rows.extend((member_id, org_id, key) for key in name_search_keys(m.name or ""))
    rows.sort(key=lambda row: row[2])
    return rows


def member_changed(before: dict, member: Member) -> None:
    """After a member row changed (``before`` is ``counters.snapshot`` taken before): new keys
    when the name changed, the keys moved with the member when the union changed. Runs in the
    caller's transaction."""
    members_changed([(before, member)])


def members_changed(changes: Iterable[tuple[dict, Member]]) -> None:
    """``member_changed`` for many ``(before, member)`` pairs: one rewrite for the renamed,
    one UPDATE per new union for the moved."""
    renamed, moved = [], defaultdict(list)
    for before, member in changes:
        if before.get("name") != member.name:
            renamed.append(member)
        elif before.get("organisation_id") != member.organisation_id:
            moved[member.organisation_id].append(member.pk)
    index_members(renamed)
    for organisation_id, ids in moved.items():
        for i in range(0, len(ids), DELETE_BATCH):
            MemberSearchKey.objects.filter(member_id__in=ids[i : i + DELETE_BATCH]).update(
                organisation_id=organisation_id
            )


def _db_id(pk):
    """A UUID id as the database stores it (hex text on SQLite, a UUID on PostgreSQL)."""
    return pk if connection.vendor == "postgresql" else Member._meta.pk.get_db_prep_value(pk, connection)


def _insert(rows: list[tuple]) -> None:
    """Bulk insert ``(member_id, organisation_id, key)`` rows (``key_rows``), without model
    instances: COPY on PostgreSQL, one ``executemany`` on SQLite."""
    if not rows:
        return
    table = connection.ops.quote_name(MemberSearchKey._meta.db_table)
    columns = "(member_id, organisation_id, key)"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    # One single-row statement for every row, prepared once. (Multi-row VALUES lists of
    # varying length are each a prepared statement of their own, megabytes each, kept in the
    # connection's statement cache: import memory grew with every chunk.)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} {columns} VALUES (%s, %s, %s)", rows)


def rebuild_all(*, batch_size: int = 20000, progress=None) -> int:
    """Rebuild the keys of every member, in batches by primary key, each batch in its own
    transaction (an interrupted rebuild can simply be run again). ``progress(done, keys,
    seconds)`` is called after each batch. Returns the number of members indexed."""
    started = time.monotonic()
    done = keys = 0
    last = None
    if connection.vendor == "sqlite":
        # SQLite's default page cache is 2 MB; the key index of a million members is some
        # 300 MB. A larger cache for this connection makes the rebuild 2-3 times faster.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size=-{REBUILD_CACHE_KIB}")
    while True:
        qs = Member.objects.order_by("pk").only("pk", "name", "organisation_id")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        batch = list(qs[:batch_size])
        if not batch:
            break
        with transaction.atomic():
            keys += index_members(batch)
        done += len(batch)
        last = batch[-1].pk
        if progress:
            progress(done, keys, time.monotonic() - started)
    return done


# ---- search ----------------------------------------------------------------------------


def search(
    user,
    q: str = "",
    *,
    organisation=None,
    status: str = "",
    employment_form: str = "",
) -> QuerySet:
    """Members in scope matching ``q``: exact ID number or phone (through the blind index),
    member number (exact or prefix), Chinese name, full pinyin or initials (prefix of any
    reading), exact matches first."""
    qs = scoping.restrict(Member.objects.all(), user, scoping.Action.VIEW).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(permissions.in_subtree(organisation))
    if status:
        qs = qs.filter(status=status) if status != "active" else qs.filter(status__in=IN_MEMBERSHIP)
    if employment_form:
        qs = qs.filter(employment_form=employment_form)
    q = (q or "").strip()
    compact = _compact(q)
    if not compact:
        if employment_form and status != "active":
            # The counters hold employment forms of members in membership only.
            return qs.order_by(*LIST_ORDER)
        return listing(qs, user, organisation, status, employment_form)
    id_like = normalise_id_number(compact)
    if len(id_like) == 18 and id_like[:17].isdigit() and (id_like[17].isdigit() or id_like[17] == "X"):
        return qs.filter(id_number_hash=personal.id_hash(id_like)).order_by("name", "member_no")
    phone = normalise_mobile(q.replace(" ", ""))
    if len(phone) == 11 and phone.isdigit() and phone.startswith("1"):
        return qs.filter(Q(phone_hash=personal.phone_hash(phone)) | Q(member_no=phone)).order_by(
            "name", "member_no"
        )
    if compact.isdigit():
        # A range, not LIKE: SQLite's LIKE ... ESCAPE never uses an index.
        return qs.filter(member_no__gte=compact, member_no__lt=prefix_end(compact)).order_by("member_no")
    key = compact[:KEY_LENGTH]
    found = by_key(qs, key, scope_organisations(user, organisation))
    if status or employment_form:
        return found  # those filters need the member rows: the plain count
    return _counted(found, lambda: key_match_count(user, key, organisation))


# ---- exact counts, cheaply ------------------------------------------------------------------


class CountedQuerySet(QuerySet):
    """A queryset whose ``count()`` is answered by a cheaper query giving the same exact
    number (the subtree counters, an index-only count of search keys). Any further
    narrowing (``filter``, slicing, ``select_related`` ...) makes a plain queryset again:
    clones do not carry the shortcut."""

    _exact_count = None

    def count(self) -> int:
        if self._result_cache is None and self._exact_count is not None:
            return self._exact_count()
        return super().count()

    def _same_rows(self, clone: QuerySet) -> QuerySet:
        clone._exact_count = self._exact_count
        return clone

    # What changes the columns read, not the rows, keeps the shortcut.
    def only(self, *fields):
        return self._same_rows(super().only(*fields))

    def defer(self, *fields):
        return self._same_rows(super().defer(*fields))

    def select_related(self, *fields):
        return self._same_rows(super().select_related(*fields))


def _counted(qs: QuerySet, exact_count) -> QuerySet:
    counted = qs._chain()
    counted.__class__ = CountedQuerySet
    counted._exact_count = exact_count
    return counted


def counted_totals(user, organisation=None, status: str = "", employment_form: str = "") -> tuple[int, int]:
    """``(in scope, in all)``: the number of members the list without a query shows (all,
    or filtered by status, or by employment form among members in membership), and the same
    over the whole table, from the subtree counters (``members.counters``), which every
    member write keeps in step in its own transaction. One indexed query over the scope's
    root organisations and the tree's roots, whatever their size."""
    from gonghui.members import counters

    roots = permissions.scope_roots(user, organisation)
    if not roots:
        return 0, 0
    if employment_form:  # with status "active" (see ``search``)
        dimension, value = counters.EMPLOYMENT_FORM, employment_form
    elif status == "active":
        dimension, value = counters.MEMBERS, counters.IN
    else:
        dimension, value = counters.STATUS, status  # every status when empty
    # The whole table is the count of the scope's tree roots (paths of one step): two sums,
    # each an index range on (organisation, dimension, value).
    tops = sorted({path[: Organisation.steplen] for path in roots})
    qn = connection.ops.quote_name
    table, org = qn(SubtreeCount._meta.db_table), qn(Organisation._meta.db_table)
    where = "dimension = %s" + (" AND value = %s" if value else "")
    params = [dimension, value] if value else [dimension]
    pk = Organisation._meta.pk
    ids = [pk.get_db_prep_value(i, connection) for i in roots.values()]
    sql = (
        f"SELECT (SELECT SUM(n) FROM {table} WHERE organisation_id IN ({', '.join(['%s'] * len(ids))}) "
        f"AND {where}), (SELECT SUM(n) FROM {table} WHERE organisation_id IN "
        f"(SELECT id FROM {org} WHERE path IN ({', '.join(['%s'] * len(tops))})) AND {where})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *params, *tops, *params])
        in_scope, total = cursor.fetchone()
    return int(in_scope or 0), int(total or 0)


def listing(qs: QuerySet, user, organisation=None, status: str = "", employment_form: str = "") -> QuerySet:
    """``qs`` (the scope, narrowed by status or employment form) in ``LIST_ORDER``, with its
    exact count from the counters, and the plan for the first pages chosen from the counts:

    * a large part of the table (a city holding half the members): read the primary key
      backwards and keep the rows in scope; a page of 20 costs about 20 x all / scope rows;
    * a small part (a grassroots union): take the scope's rows through the
      ``(organisation, status)`` index and sort them; costs about ``scope`` rows.

    The break-even is at scope ** 2 = 20 x all (4,500 members at a million). PostgreSQL's
    planner mostly finds this itself; SQLite has no statistics, and a primary-key walk over a
    million rows for a union of fifty would take a second."""
    in_scope, total = counted_totals(user, organisation, status, employment_form)
    listed = qs.order_by(*LIST_ORDER)
    if in_scope == 0:
        listed = listed.none()
    elif in_scope * in_scope < WALK_PAGE * total:
        organisations = scope_organisations(user, organisation)
        if organisations is not None:  # else everything: nothing to read through
            listed = listed.filter(organisation_id__in=organisations)
    return _counted(listed, lambda: in_scope)


def scope_organisations(user, organisation=None) -> QuerySet | None:
    """A subquery of the ids of the unions in scope (``permissions.scope_roots`` and
    everything under them); ``None`` for an operator without an organisation (everything)."""
    if organisation is None and scoping.is_operator(user):
        return None
    roots = permissions.scope_roots(user, organisation)
    return Organisation.objects.filter(permissions.in_subtrees(roots, field="")).values("pk")


def key_match_count(user, key: str, organisation=None) -> int:
    """The number of members in scope with a search key starting with ``key``: counted from
    ``MemberSearchKey`` alone (each key carries its member's union, so the ``(key, member,
    organisation)`` index answers it without reading the member table), each member once."""
    keys = MemberSearchKey.objects.filter(key__gte=key, key__lt=prefix_end(key))
    organisations = scope_organisations(user, organisation)
    if organisations is not None:
        keys = keys.filter(organisation_id__in=organisations)
    return keys.values("member_id").distinct().count()


def prefix_end(prefix: str) -> str:
    """The smallest string after every string starting with ``prefix`` (in code point order,
    which is SQLite's and PostgreSQL's C collation): "zw" -> "zx". A tight bound, unlike
    ``prefix + U+10FFFF``, lets PostgreSQL estimate the range from its histogram."""
    stripped = prefix.rstrip(MAX_CHAR)
    if not stripped:
        return prefix + MAX_CHAR
    last = ord(stripped[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters
        last = 0xE000
    return stripped[:-1] + chr(last)


def by_key(qs: QuerySet, key: str, organisations: QuerySet | None = None) -> QuerySet:
    """``qs`` narrowed to members with a key starting with ``key``, each once, ordered by
    its smallest matching key (exact first), then ``TIE_ORDER``. ``organisations`` (ids of
    the unions in scope) narrows the keys as well: the scope is then visible on the key
    index, and PostgreSQL walks that index even before it has statistics (right after a
    bulk import it would otherwise start from every member of the scope)."""
    end = prefix_end(key)
    smaller = MemberSearchKey.objects.filter(
        member_id=OuterRef("pk"), key__gte=key, key__lt=OuterRef("matched_key")
    )
    # One filter() call, so both conditions are on the same join: an inner join, which the
    # key index drives.
    on_key = {"sk__key__gte": key}
    if organisations is not None:
        on_key["sk__organisation_id__in"] = organisations
    return (
        qs.annotate(
            sk=FilteredRelation(
                "search_keys", condition=Q(search_keys__key__gte=key, search_keys__key__lt=end)
            )
        )
        .filter(**on_key)
        .annotate(matched_key=F("sk__key"))
        .filter(~Exists(smaller))
        .order_by("matched_key", *TIE_ORDER)
    )
