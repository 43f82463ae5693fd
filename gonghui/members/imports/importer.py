"""The one member importer. ``run(batch_id)`` does the work synchronously; the background
task, the upload page (through the task), the API and ``import_members`` all end up here.

How it works:

1. A first pass over the file (streamed) finds the header, counts the rows and proves the
   file is readable to the end: a damaged, truncated, encrypted, oversized or headerless file
   fails here, before anything is written.
2. A second pass validates rows exactly like ``member_create`` (same validators, same
   ``clean_profile``) and works in committed chunks of ``CHUNK_ROWS``: each chunk — the
   members it creates (with their ``joined`` events and ``ImportChange`` rows), the members it
   updates, the hooks, and the batch's progress and checkpoint — is one transaction. A killed
   import therefore stops at a chunk boundary and can be resumed from ``checkpoint_row`` or
   rolled back (see ``services.imports``).
3. On PostgreSQL the chunk's new rows go in with COPY; on SQLite with one ``executemany``.
   Per-row queries are avoided: existing ID numbers of a chunk are fetched with one ``IN``
   query, union codes are resolved once, member numbers are reserved per prefix and chunk.
"""

import datetime
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.ids import new_id
from gonghui.core.spreadsheets import reader
from gonghui.members import counters, pinyin
from gonghui.members.choices import EventKind, MembershipStatus
from gonghui.members.imports import columns, normalise
from gonghui.members.models import ImportBatch, ImportChange, Member, MemberSearchKey, MembershipEvent
from gonghui.members.services import hooks, personal
from gonghui.members.services.members import (
    PROFILE_FIELDS,
    clean_profile,
    joined_date,
    member_no_prefix,
    reserve_member_numbers,
)
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

log = logging.getLogger(__name__)

CHUNK_ROWS = 5000
MAX_ERRORS = 1000
ANALYZE_AFTER_ROWS = 10_000  # a real import writing this many rows refreshes the statistics
CHOICE_FIELDS = (
    "ethnicity",
    "education",
    "political_status",
    "skill_grade",
    "employment_status",
    "employment_form",
)
TEXT_FIELDS = ("employer", "job", "card_no")
# Fields that "fill" may set: those that can be empty on a member.
FILLABLE = ("education", "political_status", "employer", "job", "skill_grade", "card_no")


def not_yours_message() -> str:
    return _("The union was not found or is not yours.")


@dataclass
class Header:
    row: int  # spreadsheet row number of the header
    columns: dict[str, tuple[int, str]]  # field → (index, header text)
    total: int  # data rows (non-blank rows after the header)


@dataclass
class Parsed:
    number: int
    member: Member
    profile: dict
    org_code: str
    errors: list = field(default_factory=list)


def scan(source: reader.Source, *, has_default_org: bool) -> Header:
    """First pass: header, required columns, row count; raises ``reader.FileError``."""
    header: Header | None = None
    limit = reader.max_rows()
    rows = reader.rows(source)
    try:
        for number, row in rows:
            if header is None:
                if number > reader.HEADER_SEARCH_ROWS:
                    break
                found = columns.map_header(row)
                if len(found) >= 2:
                    header = Header(row=number, columns=found, total=0)
                continue
            if reader.is_blank(row):
                continue
            header.total += 1
            if header.total > limit:
                raise reader.too_many_rows_error()
    finally:
        rows.close()  # stops the parser process at once when the header was not found
    if header is None:
        raise reader.FileError(
            _("No header row was recognised; use the template's column names (姓名, 身份证号码 …)."),
            "no_header",
        )
    missing = [columns.header_text(f) for f in columns.REQUIRED if f not in header.columns]
    if missing:
        raise reader.FileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
            "missing_columns",
        )
    if "organisation" not in header.columns and not has_default_org:
        raise reader.FileError(
            _("The file has no 所属工会代码 column: choose the union for its rows."), "no_organisation"
        )
    return header


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class Importer:
    """One run over one batch (a fresh run or a resume)."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.actor = batch.created_by
        self.today = timezone.localdate()
        self.orgs: dict[str, Organisation | None] = {}
        self.default_org = batch.organisation
        self.seen: dict[str, int] = {}  # dry runs only: ID hash → first row

    # ---- parsing ------------------------------------------------------------------------

    def _column(self, name: str) -> str:
        if name in self.header.columns:
            return self.header.columns[name][1]
        if name in columns.COLUMNS:
            return columns.header_text(name)
        return ""

    def _error(self, errors: list, number: int, name: str, message: str) -> None:
        errors.append({"row": number, "column": self._column(name), "message": message})

    def parse(self, number: int, row: list) -> Parsed:
        cols = self.header.columns
        errors: list = []
        width = len(row)

        def cell(name):
            spec = cols.get(name)
            if spec is None or spec[0] >= width:
                return ""
            return row[spec[0]]

        profile: dict = {}
        for name in ("name", *TEXT_FIELDS):
            if name in cols:
                try:
                    profile[name] = normalise.text(cell(name))
                except ValidationError as exc:
                    self._error(errors, number, name, _messages(exc))
        for name in CHOICE_FIELDS:
            if name in cols:
                try:
                    value = normalise.choice(name, cell(name))
                except ValidationError as exc:
                    self._error(errors, number, name, _messages(exc))
                else:
                    if value:
                        profile[name] = value
        if "is_migrant_worker" in cols:
            try:
                raw = normalise.text(cell("is_migrant_worker"))
                if raw:
                    profile["is_migrant_worker"] = normalise.boolean(raw)
            except ValidationError as exc:
                self._error(errors, number, "is_migrant_worker", _messages(exc))
        try:
            profile = clean_profile(profile)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, items in exc.error_dict.items():
                    self._error(errors, number, name, " ".join(_messages(e) for e in items))
            else:
                self._error(errors, number, "", _messages(exc))
            profile = {}
        member = Member(**{k: v for k, v in profile.items() if k in PROFILE_FIELDS})
        facts = None
        try:
            facts = personal.set_id_number(member, normalise.text(cell("id_number")))
        except ValidationError as exc:
            self._error(errors, number, "id_number", _messages(exc))
        if "phone" in cols:
            try:
                personal.set_phone(member, normalise.text(cell("phone")), required=False)
            except ValidationError as exc:
                self._error(errors, number, "phone", _messages(exc))
        typed_gender = typed_birth = None
        if "gender" in cols:
            try:
                typed_gender = normalise.choice("gender", cell("gender")) or None
            except ValidationError as exc:
                self._error(errors, number, "gender", _messages(exc))
        if "birth_date" in cols:
            try:
                typed_birth = normalise.date(cell("birth_date"))
            except ValidationError as exc:
                self._error(errors, number, "birth_date", _messages(exc))
        joined_on = self.today
        if "joined_on" in cols:
            try:
                joined_on = normalise.date(cell("joined_on")) or self.today
            except ValidationError as exc:
                self._error(errors, number, "joined_on", _messages(exc))
        if facts is not None:
            try:
                personal.check_typed_facts(facts, gender=typed_gender, birth_date=typed_birth)
            except ValidationError as exc:
                for name, items in exc.error_dict.items():
                    self._error(errors, number, name, " ".join(_messages(e) for e in items))
            member.gender = facts.gender
            member.birth_date = facts.birth_date
            try:
                joined_date(joined_on, facts.birth_date)
            except ValidationError as exc:
                self._error(errors, number, "joined_on", _messages(exc))
        member.joined_on = joined_on
        org_code = ""
        if "organisation" in cols:
            try:
                org_code = normalise.text(cell("organisation"))
            except ValidationError as exc:
                self._error(errors, number, "organisation", _messages(exc))
        return Parsed(number=number, member=member, profile=profile, org_code=org_code, errors=errors)

    # ---- organisations ------------------------------------------------------------------

    def _resolve_orgs(self, codes: set[str]) -> None:
        missing = [c for c in codes if c not in self.orgs]
        if not missing:
            return
        for org in Organisation.objects.filter(code__in=missing):
            self.orgs[org.code] = org
        for code in missing:
            org = self.orgs.get(code)
            if org is not None and not scoping.can(self.actor, scoping.Action.MANAGE_MEMBERS, org):
                org = None
            self.orgs[code] = org

    def _organisation(self, p: Parsed, errors: list):
        if p.org_code:
            org = self.orgs.get(p.org_code)
            if org is None:
                self._error(errors, p.number, "organisation", not_yours_message())
                return None
        else:
            org = self.default_org
            if org is None:
                self._error(errors, p.number, "organisation", _("Give the union's code."))
                return None
        if not org.is_active:
            self._error(errors, p.number, "organisation", _("This union is no longer active."))
            return None
        return org

    # ---- one chunk ----------------------------------------------------------------------

    def _still_mine(self) -> None:
        """Inside the chunk's transaction: lock the batch and stop if it was rolled back,
        undone or handed to a newer runner (resume) meanwhile. Undo and rollback take the
        same lock, so they never interleave with a chunk."""
        current = (
            ImportBatch.objects.select_for_update(of=("self",))
            .filter(pk=self.batch.pk)
            .values_list("status", "started_at")
            .first()
        )
        if current is None or current[0] != ImportBatch.Status.RUNNING or current[1] != self.batch.started_at:
            raise Superseded

    def commit_chunk(self, parsed: list[Parsed]) -> None:
        self._resolve_orgs({p.org_code for p in parsed if p.org_code})
        for attempt in range(3):
            try:
                with transaction.atomic():
                    self._commit(parsed)
                return
            except IntegrityError:
                # Someone else inserted one of these ID numbers (or took a member number)
                # between our look-up and our insert: look again.
                if attempt == 2:
                    raise

    def _commit(self, parsed: list[Parsed]) -> None:
        self._still_mine()
        batch = self.batch
        errors: list = []
        candidates: list[tuple[Parsed, Organisation]] = []
        in_chunk: dict[str, int] = {}
        for p in parsed:
            row_errors = list(p.errors)
            org = self._organisation(p, row_errors)
            h = p.member.id_number_hash
            if h and not row_errors:
                first = in_chunk.get(h) or self.seen.get(h)
                if first is not None:
                    self._error(
                        row_errors, p.number, "id_number",
                        _("The same ID number is already in row %(row)s.") % {"row": first},
                    )  # fmt: skip
                else:
                    in_chunk[h] = p.number
            if row_errors:
                errors.extend(row_errors)
                continue
            candidates.append((p, org))
        hashes = [p.member.id_number_hash for p, _org in candidates]
        existing = self._existing(hashes)
        earlier = self._earlier_rows([m.pk for m in existing.values() if m.import_batch_id == batch.pk])
        creates: list[tuple[Parsed, Organisation]] = []
        updates: list[tuple[Parsed, Member]] = []
        skipped = 0
        for p, org in candidates:
            current = existing.get(p.member.id_number_hash)
            if current is None:
                creates.append((p, org))
            elif current.import_batch_id == batch.pk and current.pk in earlier:
                self._error(
                    errors, p.number, "id_number",
                    _("The same ID number is already in row %(row)s.") % {"row": earlier[current.pk]},
                )  # fmt: skip
            elif not scoping.can(self.actor, scoping.Action.MANAGE_MEMBERS, current.organisation):
                # Whatever the duplicate policy, one neutral answer: membership is once per
                # person nationwide, so the row cannot be registered here, and nothing more
                # about the other union is said.
                self._error(
                    errors, p.number, "id_number",
                    _("This ID number cannot be registered in your unions. If the person is a member elsewhere, ask for a transfer."),
                )  # fmt: skip
            elif batch.duplicates == ImportBatch.Duplicates.SKIP:
                skipped += 1
            else:
                updates.append((p, current))
        if batch.dry_run:
            # What a real run would tag with the batch, so later rows repeating it are errors.
            changed = [(p, m) for p, m in updates if self._changes(p, m)]
            for p, _m in [*creates, *changed]:
                self.seen.setdefault(p.member.id_number_hash, p.number)
            updated = len(changed)
            self._progress(
                len(parsed), len(creates), updated, skipped + len(updates) - updated, errors, parsed
            )
            return
        created = self._create(creates)
        updated = self._update(updates)
        self._progress(len(parsed), len(created), updated, skipped + len(updates) - updated, errors, parsed)

    def _existing(self, hashes: list[str]) -> dict[str, Member]:
        if not hashes:
            return {}
        qs = Member.objects.filter(id_number_hash__in=hashes).select_related("organisation")
        if not self.batch.dry_run and self.batch.duplicates != ImportBatch.Duplicates.SKIP:
            qs = qs.select_for_update(of=("self",))
        return {m.id_number_hash: m for m in qs}

    def _earlier_rows(self, member_ids: list) -> dict:
        if not member_ids:
            return {}
        return dict(
            ImportChange.objects.filter(batch=self.batch, member_id__in=member_ids).values_list(
                "member_id", "row"
            )
        )

    # ---- writes -------------------------------------------------------------------------

    def _reserve_numbers(self, creates: list[tuple[Parsed, Organisation]]) -> None:
        prefixes = [member_no_prefix(org, p.member.joined_on) for p, org in creates]
        needed: dict[str, int] = {}
        for prefix in prefixes:
            needed[prefix] = needed.get(prefix, 0) + 1
        following = reserve_member_numbers(needed)
        for (p, _org), prefix in zip(creates, prefixes, strict=True):
            serial = following[prefix]
            following[prefix] = serial + 1
            p.member.member_no = f"{prefix}{serial:07d}"

    def _create(self, creates: list[tuple[Parsed, Organisation]]) -> list[Member]:
        if not creates:
            return []
        now = timezone.now()
        batch = self.batch
        actor_id = self.actor.pk if self.actor is not None else None
        members, events, changes = [], [], []
        for p, org in creates:
            m = p.member
            m.organisation = org
            m.status = MembershipStatus.MEMBER
            m.import_batch_id = batch.pk
            m.name_pinyin, m.name_initials = pinyin.name_keys(m.name)
            m.created_at = m.updated_at = now
            members.append(m)
        self._reserve_numbers(creates)
        # Events and changes are written as plain rows (no model instances: they cost more
        # to build than to insert), in the column order of EVENT_COLUMNS / CHANGE_COLUMNS.
        for (p, org), m in zip(creates, members, strict=True):
            events.append(
                (new_id(), m.pk, EventKind.JOINED, "", m.status, None, org.pk, m.joined_on, "", actor_id, now)
            )
            changes.append((batch.pk, m.pk, True, "{}", p.number))
        member_fields = [f for f in Member._meta.concrete_fields]
        attnames = [f.attname for f in member_fields]
        member_rows = [tuple(getattr(m, a) for a in attnames) for m in members]
        _insert(Member._meta.db_table, member_fields, member_rows)
        _insert(MembershipEvent._meta.db_table, _fields(MembershipEvent, EVENT_COLUMNS), events)
        _insert(ImportChange._meta.db_table, _fields(ImportChange, CHANGE_COLUMNS), changes)
        hooks.members_bulk_created(members)
        return members

    def _changes(self, p: Parsed, member: Member) -> dict:
        """``{field: new value}`` that this row would change on ``member``."""
        out = {}
        fill = self.batch.duplicates == ImportBatch.Duplicates.FILL
        for name, value in p.profile.items():
            if name not in PROFILE_FIELDS or value == "" or value is None:
                continue
            if fill and (name not in FILLABLE or getattr(member, name)):
                continue
            if getattr(member, name) != value:
                out[name] = value
        return out

    def _update(self, updates: list[tuple[Parsed, Member]]) -> int:
        batch = self.batch
        touched, changes, counted = [], [], []
        for p, member in updates:
            new = self._changes(p, member)
            if not new:
                continue
            counted.append((counters.snapshot(member), member))
            before = {name: getattr(member, name) for name in new}
            before["import_batch"] = str(member.import_batch_id) if member.import_batch_id else None
            for name, value in new.items():
                setattr(member, name, value)
            if "name" in new:
                member.name_pinyin, member.name_initials = pinyin.name_keys(member.name)
            member.import_batch_id = batch.pk
            member.save()
            touched.append(member)
            changes.append(
                ImportChange(batch_id=batch.pk, member=member, created=False, before=before, row=p.number)
            )
        ImportChange.objects.bulk_create(changes)
        hooks.members_bulk_changed(counted)
        return len(touched)

    def _progress(self, processed, created, updated, skipped, errors, parsed) -> None:
        batch = self.batch
        room = MAX_ERRORS - len(batch.errors)
        if room > 0 and errors:
            batch.errors = [*batch.errors, *sorted(errors, key=lambda e: e["row"])[:room]]
        batch.error_count += len(errors)
        batch.processed += processed
        batch.created += created
        batch.updated += updated
        batch.skipped += skipped
        batch.checkpoint_row = parsed[-1].number
        batch.heartbeat_at = timezone.now()
        batch.save(
            update_fields=[
                "errors", "error_count", "processed", "created", "updated", "skipped",
                "checkpoint_row", "heartbeat_at",
            ]
        )  # fmt: skip

    # ---- the run ------------------------------------------------------------------------

    def run(self) -> None:
        batch = self.batch
        source = reader.detect(batch.file_path)
        self.header = scan(source, has_default_org=self.default_org is not None)
        batch.file_format = source.format
        batch.encoding = source.encoding
        batch.total = self.header.total
        batch.save(update_fields=["file_format", "encoding", "total"])
        chunks = self._chunks(source)
        try:
            for parsed in chunks:
                self.commit_chunk(parsed)
                # With DEBUG on, Django keeps the last 9,000 statements (with their values) in
                # memory; an import is a long request of its own.
                reset_queries()
        finally:
            chunks.close()  # a stopped import stops its parser process too

    def _chunks(self, source: reader.Source):
        """The file's data rows after the checkpoint, parsed, ``CHUNK_ROWS`` at a time."""
        pending: list[Parsed] = []
        rows = reader.rows(source)
        try:
            for number, row in rows:
                if number <= self.header.row or number <= self.batch.checkpoint_row or reader.is_blank(row):
                    continue
                pending.append(self.parse(number, row))
                if len(pending) >= CHUNK_ROWS:
                    yield pending
                    pending = []
        finally:
            rows.close()
        if pending:
            yield pending


EVENT_COLUMNS = (
    "id", "member_id", "kind", "from_status", "to_status", "from_organisation_id", "organisation_id",
    "effective_on", "reason", "actor_id", "created_at",
)  # fmt: skip
CHANGE_COLUMNS = ("batch_id", "member_id", "created", "before", "row")


def _fields(model, attnames) -> list:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def _insert(table: str, fields: list, rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL (the fastest way in, same constraints), one
    ``executemany`` on SQLite. Values are Python objects in the fields' order."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapters = [_adapter(f) for f in fields]
        if any(adapters):
            rows = [
                tuple(
                    a(v) if a is not None and v is not None else v for a, v in zip(adapters, row, strict=True)
                )
                for row in rows
            ]
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def _adapter(field):
    """How a value becomes a database parameter outside the ORM (SQLite and friends)."""
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "UUIDField" or (field.is_relation and field.target_field.get_internal_type() == "UUIDField"):
        return lambda v: v.hex if hasattr(v, "hex") else str(v).replace("-", "")
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        return lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return None


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.message = message
    batch.finished_at = timezone.now()
    if not batch.errors:
        batch.errors = [{"row": 0, "column": "", "message": message}]
        batch.error_count = max(batch.error_count, 1)
    with transaction.atomic():
        batch.save(update_fields=["status", "message", "finished_at", "errors", "error_count"])
        _audit_finished(batch)


def _audit_finished(batch: ImportBatch) -> None:
    audit.record(
        actor=batch.created_by,
        action="members.import.finished",
        obj=batch,
        organisation_id=batch.organisation_id,
        changes={
            "status": [ImportBatch.Status.RUNNING, batch.status],
            "dry_run": [None, batch.dry_run],
            "processed": [None, batch.processed],
            "created": [None, batch.created],
            "updated": [None, batch.updated],
            "skipped": [None, batch.skipped],
            "errors": [None, batch.error_count],
        },
    )


def discard_file(batch: ImportBatch) -> None:
    """Delete the stored roster (it holds clear ID and phone numbers) once nothing needs it:
    after a real import finishes or a batch is undone. Runs after the transaction commits."""
    path = batch.file_path
    if path:
        transaction.on_commit(lambda: Path(path).unlink(missing_ok=True))


class Superseded(Exception):
    """The batch is no longer this runner's: rolled back, undone or resumed elsewhere."""


def run(batch_id) -> ImportBatch:
    """Import (or preview) the batch's file. Only a PENDING batch is started — a batch that
    is running elsewhere, finished or undone is returned as it is."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("organisation", "created_by")
            .get(pk=batch_id)
        )
        if batch.status != ImportBatch.Status.PENDING:
            return batch
        batch.status = ImportBatch.Status.RUNNING
        # A fresh start time is this runner's token (see Importer._still_mine).
        batch.started_at = timezone.now()
        batch.heartbeat_at = batch.started_at
        batch.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        Importer(batch).run()
    except Superseded:
        batch.refresh_from_db()
        return batch
    except reader.FileError as exc:
        _fail(batch, exc.message)
        return batch
    except Exception:
        log.exception("import %s stopped", batch.pk)
        batch.refresh_from_db()
        _fail(
            batch,
            _("The import stopped unexpectedly after row %(row)s; resume it or roll it back.")
            % {"row": batch.checkpoint_row},
        )
        return batch
    with transaction.atomic():
        token = batch.started_at
        current = (
            ImportBatch.objects.select_for_update(of=("self",))
            .filter(pk=batch.pk)
            .values_list("status", "started_at")
        )
        if current.first() != (ImportBatch.Status.RUNNING, token):
            batch.refresh_from_db()
            return batch
        batch.status = ImportBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.heartbeat_at = batch.finished_at
        batch.save(update_fields=["status", "finished_at", "heartbeat_at"])
        _audit_finished(batch)
        if not batch.dry_run:  # a preview keeps its file until it is confirmed or pruned
            discard_file(batch)
    if not batch.dry_run and batch.created + batch.updated >= ANALYZE_AFTER_ROWS:
        analyze_member_tables()
    return batch


def analyze_member_tables() -> None:
    """Refresh PostgreSQL's planner statistics of the member tables after a large import:
    until autovacuum gets to it, the planner still sees the tables as they were and can pick a
    plan that reads a whole city for one page of the member list."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (Member, MemberSearchKey, MembershipEvent)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def is_stale(batch: ImportBatch, *, seconds: int = 60) -> bool:
    """A RUNNING batch whose runner has not reported for ``seconds`` (killed or crashed)."""
    last = batch.heartbeat_at or batch.started_at or batch.created_at
    return last is None or timezone.now() - last > datetime.timedelta(seconds=seconds)
