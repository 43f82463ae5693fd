"""The receipt table of a published item for officers: per union of the item's recipients
(its chosen targets, or the direct children of the publishing union), how many members it
reached, how many read it and how many acknowledged it (docs/modules/news.md, "Read receipts").

All figures come from one query: each union row carries three counting subqueries over the
union's subtree (a prefix match on the tree path), so the table costs the same for 10 unions or
100 and for 100 members or 100,000.
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Func, IntegerField, Subquery
from django.utils.translation import gettext as _

from gonghui.core.spreadsheets.cells import neutralise
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.news import permissions
from gonghui.news.models import NewsItem, NewsReceipt
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation


@dataclass(frozen=True)
class ReceiptRow:
    code: str
    name: str
    members: int
    read: int
    acknowledged: int


def receipt_units(item: NewsItem):
    """The unions the table has a row for: the targets, else the publishing union's direct
    children, else (a union with none below it) the publishing union itself."""
    targets = item.targets.all()
    if targets.exists():
        return Organisation.objects.filter(pk__in=targets.values("pk"))
    children = scoping.subtree(item.organisation).filter(depth=item.organisation.depth + 1)
    if children.exists():
        return children
    return Organisation.objects.filter(pk=item.organisation_id)


def _count(qs):
    """``COUNT(*)`` of ``qs`` as a subquery (a plain function, not an aggregate: no GROUP BY)."""
    return Subquery(
        qs.order_by().annotate(n=Func("pk", function="COUNT")).values("n")[:1], output_field=IntegerField()
    )


def receipt_table(item: NewsItem) -> list[ReceiptRow]:
    """One row per union of :func:`receipt_units`, ordered by the tree. ``read`` and
    ``acknowledged`` count members' receipts filed under the union they belonged to then."""
    from gonghui.members.models import Member

    under = permissions.under_outer_union()
    members = Member.objects.filter(status__in=IN_MEMBERSHIP, **under)
    receipts = NewsReceipt.objects.filter(item=item, member__isnull=False, **under)
    rows = (
        receipt_units(item)
        .annotate(
            n_members=_count(members),
            n_read=_count(receipts),
            n_acked=_count(receipts.filter(acked_at__isnull=False)),
        )
        .order_by("path")
        .values_list("code", "name", "n_members", "n_read", "n_acked")
    )
    return [ReceiptRow(*row) for row in rows]


def receipt_totals(rows: list[ReceiptRow]) -> ReceiptRow:
    return ReceiptRow(
        code="",
        name=_("Total"),
        members=sum(r.members for r in rows),
        read=sum(r.read for r in rows),
        acknowledged=sum(r.acknowledged for r in rows),
    )


def receipt_csv(item: NewsItem) -> bytes:
    """The table as CSV (UTF-8 with a BOM, which spreadsheet programs need to read Chinese), its
    text cells neutralised against formula injection, the totals last."""
    rows = receipt_table(item)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Union code"), _("Union"), _("Members reached"), _("Read"), _("Acknowledged")])
    for row in [*rows, receipt_totals(rows)]:
        writer.writerow(
            [neutralise(row.code), neutralise(str(row.name)), row.members, row.read, row.acknowledged]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
