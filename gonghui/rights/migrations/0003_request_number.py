"""Short request numbers (RQ + yyyymmdd + the day's sequence, e.g. RQ202506010007) that a
worker can quote. Existing requests get theirs from the day they came in (``submitted_at`` in
the site's time zone), in the order they came in; then the column becomes unique and required."""

from django.db import migrations, models
from django.utils import timezone


def backfill_numbers(apps, schema_editor):
    Request = apps.get_model("rights", "Request")
    db = schema_editor.connection.alias
    sequence: dict[str, int] = {}
    batch = []
    rows = Request.objects.using(db).filter(number__isnull=True).order_by("submitted_at", "id")
    for req in rows.only("id", "submitted_at").iterator(chunk_size=2000):
        prefix = f"RQ{timezone.localdate(req.submitted_at):%Y%m%d}"
        sequence[prefix] = sequence.get(prefix, 0) + 1
        req.number = f"{prefix}{sequence[prefix]:04d}"
        batch.append(req)
        if len(batch) >= 2000:
            Request.objects.using(db).bulk_update(batch, ["number"])
            batch = []
    if batch:
        Request.objects.using(db).bulk_update(batch, ["number"])


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0002_legal_aid_employment_end"),
    ]

    operations = [
        migrations.AddField(
            model_name="request",
            name="number",
            field=models.CharField(editable=False, max_length=20, null=True, verbose_name="request number"),
        ),
        migrations.RunPython(backfill_numbers, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="request",
            name="number",
            field=models.CharField(editable=False, max_length=20, unique=True, verbose_name="request number"),
        ),
        migrations.AlterField(
            model_name="requesttransfer",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for the receiving union"),
                    ("accepted", "Transfer accepted"),
                    ("refused", "Transfer refused"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
    ]
