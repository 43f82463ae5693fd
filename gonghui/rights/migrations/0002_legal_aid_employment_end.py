"""Legal aid: the arbitration deadline moves off holidays and rest days (民法典 art. 203), and a
wage claim has none while the employment continues (劳动争议调解仲裁法 art. 27(4)). Existing
cases are computed again; wage claims get no deadline until the officer records the end of
the employment."""

import datetime

from django.db import migrations, models


def _recompute(apps, schema_editor):
    from gonghui.core import workdays

    LegalAid = apps.get_model("rights", "LegalAid")
    for aid in LegalAid.objects.all().only("pk", "cause", "knew_on", "employment_ended_on"):
        start = aid.employment_ended_on if aid.cause == "wages" else aid.knew_on
        if start is None:
            ends = None
        else:
            try:
                ends = start.replace(year=start.year + 1)
            except ValueError:
                ends = start.replace(year=start.year + 1, day=28)
            while not workdays.is_workday(ends):
                ends += datetime.timedelta(days=1)
        LegalAid.objects.filter(pk=aid.pk).update(limitation_ends_on=ends)


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalaid",
            name="employment_ended_on",
            field=models.DateField(blank=True, null=True, verbose_name="employment ended on"),
        ),
        migrations.AlterField(
            model_name="legalaid",
            name="limitation_ends_on",
            field=models.DateField(blank=True, null=True, verbose_name="arbitration limitation ends on"),
        ),
        migrations.RunPython(_recompute, migrations.RunPython.noop),
    ]
