"""Re-encrypt personal data under the current key (ADR 0006, docs/ops/deploy.md).

Key rotation: put the new key first in ``GONGHUI_FIELD_KEYS`` (keeping the old ones after it),
restart, run this command, then drop the old keys. Only rows still under an older key are
touched; each batch is read, re-encrypted and written in its own transaction with the rows
locked, so the command can be interrupted and run again. Blind indexes use their own key and
are not affected.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from gonghui.core import audit, crypto
from gonghui.members.models import Enrolment, Member

ENCRYPTED = [(Member, ("id_number_enc", "phone_enc")), (Enrolment, ("id_number_enc", "phone_enc"))]


def _stale_q(fields: tuple[str, ...], key_id: str) -> Q:
    """Rows with at least one value not encrypted under ``key_id`` (a value starts with
    ``<keyid>$``)."""
    q = Q()
    for name in fields:
        q |= ~Q(**{name: ""}) & ~Q(**{f"{name}__startswith": f"{key_id}$"})
    return q


def rotate_model(
    model, fields: tuple[str, ...], *, key_id: str, batch_size: int, dry_run: bool
) -> tuple[int, int]:
    """Re-encrypt the stale rows of ``model``; returns (rows rewritten, rows that could not be
    decrypted with any configured key — left as they are)."""
    rotated = failed = 0
    last_pk = None
    stale = _stale_q(fields, key_id)
    while True:
        with transaction.atomic():
            qs = model.objects.filter(stale).order_by("pk")
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            rows = list(qs.select_for_update().only("pk", *fields)[:batch_size])
            if not rows:
                break
            last_pk = rows[-1].pk
            changed = []
            for row in rows:
                try:
                    for name in fields:
                        value = getattr(row, name)
                        if crypto.needs_rotation(value):
                            setattr(row, name, crypto.encrypt(crypto.decrypt(value)))
                except ValueError:
                    failed += 1
                    continue
                changed.append(row)
            if changed and not dry_run:
                model.objects.bulk_update(changed, fields)
            rotated += len(changed)
    return rotated, failed


class Command(BaseCommand):
    help = "Re-encrypt every encrypted personal-data column under the first key of GONGHUI_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        # The id of the key that encrypts now: the prefix of any freshly encrypted value.
        key_id = crypto.encrypt("probe").partition("$")[0]
        totals: dict[str, list[int]] = {}
        for model, fields in ENCRYPTED:
            rotated, failed = rotate_model(
                model, fields, key_id=key_id, batch_size=batch_size, dry_run=dry_run
            )
            label = model._meta.label
            totals[label] = [rotated, failed]
            verb = "would be re-encrypted" if dry_run else "re-encrypted"
            self.stdout.write(f"{label}: {rotated} rows {verb} under key {key_id!r}, {failed} undecryptable")
        if not dry_run:
            with transaction.atomic():
                audit.record(
                    actor=None,
                    action="members.personal_data.rotated",
                    object_type="members.member",
                    object_repr=f"key {key_id}",
                    changes={label: [None, rotated] for label, (rotated, _failed) in totals.items()},
                )
        failed_total = sum(failed for _rotated, failed in totals.values())
        if failed_total:
            raise CommandError(
                f"{failed_total} rows are encrypted under a key that is not in GONGHUI_FIELD_KEYS; "
                "add that key (after the current one) and run the command again."
            )
        self.stdout.write(self.style.SUCCESS("done"))
