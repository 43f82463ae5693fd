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
"""

import itertools
import time
from collections.abc import Iterable
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet

from gonghui.core.text import to_halfwidth
from gonghui.core.validators import normalise_id_number, normalise_mobile
from gonghui.members import pinyin
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member, MemberSearchKey
from gonghui.members.services import personal
from gonghui.organisations import scoping

KEY_LENGTH = MemberSearchKey._meta.get_field("key").max_length
MAX_CHAR = "\U0010ffff"
# Members with the same matched key (all the 张伟, all the "zw") follow the key index, by
# member id (ids are time-ordered, so roughly oldest record first): a page then costs 20
# index steps. Sorting such a group by name and member number means fetching every member of
# it first (4,600 rows for "zw" at a million members: p95 35-80 ms instead of ~15 ms).
TIE_ORDER = ("sk__member_id",)
DELETE_BATCH = 500
REBUILD_CACHE_KIB = 256 * 1024
INSERT_BATCH = 5000


# ---- keys ------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return "".join(to_halfwidth(text or "").split()).lower()


# The readings are combined per name part, each part cached: a roster has a few hundred
# surnames and some ten thousand given names, so a million names cost a million string joins,
# not a million pinyin look-ups. ``pinyin.name_keys`` gives the same variants (tested).
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


@lru_cache(maxsize=131072)
def _given_combos(given: str) -> Combos:
    syllables = [r for r in (pinyin.char_readings(ch) for ch in given) if r]
    combos = itertools.islice(itertools.product(*syllables), pinyin.MAX_VARIANTS)
    return tuple(("".join(c), "".join(x[:1] for x in c)) for c in combos)


def name_search_keys(name: str) -> frozenset[str]:
    """The keys of one name: the Chinese name, its given-name part, and the full pinyin and
    initials of each reading (at most ``pinyin.MAX_VARIANTS`` readings)."""
    return _compact_name_keys(_compact(name))


@lru_cache(maxsize=262144)
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


def index_members(members: Iterable[Member]) -> int:
    """Replace the search keys of ``members`` (after create, rename, import). Runs in the
    caller's transaction; returns the number of keys written."""
    members = list({m.pk: m for m in members if m.pk is not None}.values())  # each member once
    if not members:
        return 0
    ids = [m.pk for m in members]
    for i in range(0, len(ids), DELETE_BATCH):
        MemberSearchKey.objects.filter(member_id__in=ids[i : i + DELETE_BATCH]).delete()
    rows = []
    for m in members:
        member_id = _db_id(m.pk)
        rows.extend((member_id, key) for key in name_search_keys(m.name or ""))
    # In key order: the (key, member) index then takes the batch in one sweep instead of
    # jumping around a B-tree much larger than the cache.
    rows.sort(key=lambda row: row[1])
    _insert(rows)
    return len(rows)


def _db_id(pk):
    """The member id as the database stores it (hex text on SQLite, a UUID on PostgreSQL)."""
    return pk if connection.vendor == "postgresql" else Member._meta.pk.get_db_prep_value(pk, connection)


def _insert(rows: list[tuple]) -> None:
    """Bulk insert ``(member_id, key)`` rows: plain multi-row INSERTs (no model instances),
    COPY on PostgreSQL."""
    if not rows:
        return
    table = connection.ops.quote_name(MemberSearchKey._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} (member_id, key) FROM STDIN") as copy:
                for member_id, key in rows:
                    copy.write_row((member_id, key))
        return
    with connection.cursor() as cursor:
        for i in range(0, len(rows), INSERT_BATCH):
            chunk = rows[i : i + INSERT_BATCH]
            values = ",".join(["(%s,%s)"] * len(chunk))
            params = [v for row in chunk for v in row]
            cursor.execute(f"INSERT INTO {table} (member_id, key) VALUES {values}", params)


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
        qs = Member.objects.order_by("pk").only("pk", "name")
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
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if status:
        qs = qs.filter(status=status) if status != "active" else qs.filter(status__in=IN_MEMBERSHIP)
    if employment_form:
        qs = qs.filter(employment_form=employment_form)
    q = (q or "").strip()
    if not q:
        return qs.order_by("-joined_on", "member_no")
    compact = _compact(q)
    if not compact:
        return qs.order_by("-joined_on", "member_no")
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
    return by_key(qs, compact[:KEY_LENGTH])


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


def by_key(qs: QuerySet, key: str) -> QuerySet:
    """``qs`` narrowed to members with a key starting with ``key``, each once, ordered by
    its smallest matching key (exact first), then ``TIE_ORDER``."""
    end = prefix_end(key)
    smaller = MemberSearchKey.objects.filter(
        member_id=OuterRef("pk"), key__gte=key, key__lt=OuterRef("matched_key")
    )
    return (
        qs.annotate(
            sk=FilteredRelation(
                "search_keys", condition=Q(search_keys__key__gte=key, search_keys__key__lt=end)
            )
        )
        .filter(sk__key__gte=key)  # an inner join: the key index drives the query
        .annotate(matched_key=F("sk__key"))
        .filter(~Exists(smaller))
        .order_by("matched_key", *TIE_ORDER)
    )
