"""Import benchmark: the shared importer against PostgreSQL COPY of the same final rows and a
per-row ORM ``save()`` loop, in the same run.

1. ``import_start(actor=…, file=…, file_name=…)`` then ``importer.run(batch.id)`` on the
   generated CSV, timed end to end, with RSS sampled in a thread (memory must stay flat:
   the RSS at 10 % of the run against the peak).
2. PostgreSQL only: the ``members_member`` rows the import produced are copied out
   (``COPY … TO``) to a file, then ``COPY … FROM`` into ``bench_copy_member``, made with
   ``CREATE TABLE … (LIKE members_member INCLUDING ALL)`` (same columns, defaults, indexes and
   unique constraints; no foreign keys, which only makes the reference faster). Also, for
   information, the same for the search keys the import wrote.
3. A per-row loop on a separate sample (other ID numbers): validate the ID number, encrypt,
   blind-index, mask, pinyin, then ``Member.save()`` in autocommit (one transaction per row) —
   what most Django projects do (no de-duplication, no audit, no counters: a lenient reference). Compared by rate; its rows are deleted afterwards.
"""

import csv
import datetime
import importlib
import os
import tempfile
import time

from django.db import connection, transaction

from bench.common import MemorySampler, result
from bench.datagen import CODES, HEADERS

COPY_GOAL = 0.5
FLAT_GOAL = 1.25  # peak RSS at most this multiple of the RSS at 10 % of the run


def load_importer(name: str):
    """(import_start, run) of the importer module pair; ``real`` is the application's."""
    if name == "real":
        services = importlib.import_module("gonghui.members.services.imports")
        runner = importlib.import_module("gonghui.members.imports.importer")
        return services.import_start, runner.run
    module = importlib.import_module(name)
    return module.import_start, module.run


def run_import(*, actor, path: str, importer: str = "real") -> dict:
    from django.core.files import File

    from gonghui.members.models import ImportBatch

    import_start, run = load_importer(importer)
    with MemorySampler() as mem:
        started = time.perf_counter()
        with open(path, "rb") as fh:
            batch = import_start(
                actor=actor, file=File(fh, name=os.path.basename(path)), file_name=os.path.basename(path)
            )
        run(batch.id)
        elapsed = time.perf_counter() - started
    batch = ImportBatch.objects.get(pk=batch.id)
    return {
        "batch": batch,
        "seconds": elapsed,
        "rss_baseline": mem.baseline,
        "rss_at_10pct": mem.at_fraction(0.1),
        "rss_peak": mem.peak,
    }


def table_sizes() -> dict:
    """PostgreSQL: bytes (heap + indexes + TOAST) of the member-related tables, and the
    member count under ``_members``."""
    from gonghui.members.models import Member

    names = [
        "members_member",
        "members_membersearchkey",
        "organisations_subtreecount",
        "members_importchange",
    ]
    out = {}
    with connection.cursor() as cur:
        for name in names:
            cur.execute("SELECT pg_total_relation_size(to_regclass(%s))", [name])
            out[name] = cur.fetchone()[0] or 0
    out["_members"] = Member.objects.count()
    return out


def copy_reference(batch_id) -> dict:
    """Seconds to COPY the batch's member rows (and, separately, their search keys) into
    identical tables. PostgreSQL only."""
    out = {}
    raw = (
        connection.connection
        if connection.connection
        else (connection.ensure_connection() or connection.connection)
    )
    tables = [
        ("members_member", "bench_copy_member", "SELECT * FROM members_member WHERE import_batch_id = %s"),
        (
            "members_membersearchkey",
            "bench_copy_searchkey",
            "SELECT k.* FROM members_membersearchkey k JOIN members_member m ON m.id = k.member_id "
            "WHERE m.import_batch_id = %s",
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-copy-") as tmp:
        for source, target, select in tables:
            dump = os.path.join(tmp, target + ".copy")
            with raw.cursor() as cur:
                with open(dump, "wb") as fh, cur.copy(f"COPY ({select}) TO STDOUT", (str(batch_id),)) as cp:
                    for chunk in cp:
                        fh.write(chunk)
                cur.execute(f"DROP TABLE IF EXISTS {target}")
                cur.execute(f"CREATE TABLE {target} (LIKE {source} INCLUDING ALL)")
            raw.commit()
            with raw.cursor() as cur:
                started = time.perf_counter()
                with open(dump, "rb") as fh, cur.copy(f"COPY {target} FROM STDIN") as cp:
                    while chunk := fh.read(1 << 20):
                        cp.write(chunk)
                raw.commit()
                seconds = time.perf_counter() - started
                cur.execute(f"SELECT count(*) FROM {target}")
                rows = cur.fetchone()[0]
                cur.execute(f"DROP TABLE {target}")
            raw.commit()
            out[source] = {"seconds": seconds, "rows": rows}
    return out


def _members(*, path: str, limit: int, prefix: str = "", batch=None):
    """Unsaved members parsed from the CSV as a typical per-row loop does: validate the ID
    number, encrypt, blind-index, mask, pinyin. ``member_no`` is ``prefix`` + row when given."""
    from gonghui.members import pinyin
    from gonghui.members.models import Member
    from gonghui.members.services import personal
    from gonghui.organisations.models import Organisation

    maps = CODES
    orgs = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        assert header == HEADERS, header
        for n, row in enumerate(reader):
            if n >= limit:
                break
            data = dict(zip(HEADERS, row, strict=True))
            code = data["所属工会代码"]
            if code not in orgs:
                orgs[code] = Organisation.objects.get(code=code)
            member = Member(
                name=data["姓名"],
                ethnicity=maps["民族"][data["民族"]],
                education=maps["学历"][data["学历"]],
                political_status=maps["政治面貌"][data["政治面貌"]],
                employment_status=maps["就业状况"][data["就业状况"]],
                employment_form=maps["就业形态"][data["就业形态"]],
                is_migrant_worker=data["是否农民工"] == "是",
                joined_on=datetime.date.fromisoformat(data["入会日期"]),
                organisation=orgs[code],
                import_batch=batch,
            )
            facts = personal.set_id_number(member, data["身份证号码"])
            member.gender, member.birth_date = facts.gender, facts.birth_date
            personal.set_phone(member, data["手机号码"], required=False)
            member.name_pinyin, member.name_initials = pinyin.name_keys(member.name)
            if prefix:
                member.member_no = f"{prefix}{n:012d}"
            yield member


def orm_loop(*, path: str, limit: int, prefix: str = "ORM", batch=None) -> dict:
    """Create members one ``save()`` at a time from the CSV (autocommit: one transaction per
    row); return seconds and rows. Without ``prefix`` member numbers are issued from the
    sequence and the member hooks run (the smoke test's stand-in importer)."""
    from gonghui.members.services import hooks as member_hooks
    from gonghui.members.services.members import issue_member_no

    created = 0
    started = time.perf_counter()
    for member in _members(path=path, limit=limit, prefix=prefix, batch=batch):
        if prefix:
            member.save()
        else:
            with transaction.atomic():
                member.member_no = issue_member_no(member.organisation, member.joined_on)
                member.save()
                member_hooks.member_created(member)
        created += 1
    return {"seconds": time.perf_counter() - started, "rows": created}


def bench(*, db: str, actor, roster, orm_roster, importer: str = "real") -> tuple[list[dict], dict]:
    from gonghui.members.models import Member

    results: list[dict] = []
    info: dict = {}
    try:
        imp = run_import(actor=actor, path=roster.path, importer=importer)
    except Exception as exc:  # the importer is the thing measured: report its failure, go on
        return _import_failed(db=db, roster=roster, exc=exc)
    batch = imp["batch"]
    rows_written = batch.created + batch.updated
    rate = rows_written / imp["seconds"] if imp["seconds"] else 0.0
    info["import"] = {
        "status": batch.status,
        "total": batch.total,
        "processed": batch.processed,
        "created": batch.created,
        "updated": batch.updated,
        "skipped": batch.skipped,
        "error_count": batch.error_count,
        "first_errors": (batch.errors or [])[:5],
        "message": batch.message,
        "seconds": round(imp["seconds"], 3),
        "rss_mb": {k: round(imp[k], 1) for k in ("rss_baseline", "rss_at_10pct", "rss_peak")},
    }
    ok = batch.status == "done" and batch.created == roster.rows
    if db == "postgres":
        info["sizes"] = table_sizes()
        members_now = info["sizes"].pop("_members", 0)
        kept = ("members_member", "members_membersearchkey", "organisations_subtreecount")
        per_member = sum(info["sizes"][k] for k in kept) / members_now if members_now else None
        results.append(
            result(
                f"{db}: storage per member (table + indexes + search keys + counters; information)",
                per_member,
                "bytes",
            )  # fmt: skip
        )
        copy = copy_reference(batch.id)
        info["copy"] = copy
        members = copy["members_member"]
        copy_rate = members["rows"] / members["seconds"] if members["seconds"] else None
        ratio = rate / copy_rate if copy_rate else None
        results.append(
            result(
                f"{db}: import rows/s vs COPY of the same member rows",
                rate,
                "rows/s",
                reference=copy_rate,
                ratio=ratio,
                goal=f"ratio >= {COPY_GOAL}",
                met=bool(ok and ratio is not None and ratio >= COPY_GOAL),
            )
        )
        keys = copy["members_membersearchkey"]
        if keys["rows"]:
            both = (members["seconds"] + keys["seconds"]) or None
            all_rate = members["rows"] / both if both else None
            results.append(
                result(
                    f"{db}: import rows/s vs COPY of member rows + search keys (information)",
                    rate,
                    "rows/s",
                    reference=all_rate,
                )
            )
    orm = orm_loop(path=orm_roster.path, limit=orm_roster.rows)
    Member.objects.filter(member_no__startswith="ORM").delete()
    orm_rate = orm["rows"] / orm["seconds"] if orm["seconds"] else None
    info["orm"] = {"rows": orm["rows"], "seconds": round(orm["seconds"], 3)}
    results.append(
        result(
            f"{db}: import rows/s vs per-row ORM save() loop ({orm['rows']:,} rows)",
            rate,
            "rows/s",
            reference=orm_rate,
        )
    )
    flat = imp["rss_peak"] / imp["rss_at_10pct"] if imp["rss_at_10pct"] else None
    results.append(
        result(
            f"{db}: import peak RSS vs RSS at 10% of the run",
            imp["rss_peak"],
            "MB",
            reference=imp["rss_at_10pct"],
            ratio=flat,
            goal=f"ratio <= {FLAT_GOAL}",
            met=bool(flat is not None and flat <= FLAT_GOAL),
        )
    )
    results.append(
        result(
            f"{db}: import rows created (of {roster.rows:,}; errors {batch.error_count:,})",
            batch.created,
            "rows",
            reference=roster.rows,
            goal="all rows created",
            met=ok,
        )
    )
    return results, info


def _import_failed(*, db: str, roster, exc: Exception) -> tuple[list[dict], dict]:
    """The importer raised: one failing row in the results, and the roster loaded with
    ``bulk_create`` and the bulk member hooks so the search, statistics and HTTP benchmarks still
    have their data — said in the details."""
    import traceback

    from django.db import connection

    from gonghui.members.models import ImportBatch

    error = f"{type(exc).__name__}: {exc}"
    if connection.in_atomic_block:
        raise exc
    ImportBatch.objects.all().delete()
    loaded = bulk_load(path=roster.path)
    info = {
        "import": {"failed": error, "traceback": traceback.format_exc()[-4000:]},
        "fallback_load": {"rows": loaded["rows"], "seconds": round(loaded["seconds"], 2),
                          "note": "importer raised; roster loaded by bulk_create with the member hooks"},
    }  # fmt: skip
    results = [
        result(
            f"{db}: import FAILED ({error[:120]})",
            0,
            "rows",
            reference=roster.rows,
            goal="all rows created",
            met=False,
        )
    ]
    return results, info


def bulk_load(*, path: str, chunk: int = 2000) -> dict:
    """Fallback loader (only when the importer failed): parse as the per-row loop does, then
    ``bulk_create`` and ``hooks.members_bulk_created`` per chunk, one transaction each."""
    from gonghui.members.models import Member
    from gonghui.members.services import hooks as member_hooks

    started, total, pending = time.perf_counter(), 0, []

    def flush():
        with transaction.atomic():
            Member.objects.bulk_create(pending)
            member_hooks.members_bulk_created(pending)

    for member in _members(path=path, limit=10**9, prefix="FB"):
        pending.append(member)
        if len(pending) >= chunk:
            flush()
            total += len(pending)
            pending = []
    if pending:
        flush()
        total += len(pending)
    return {"seconds": time.perf_counter() - started, "rows": total}
