"""The station import's audit code takes the app.object.verb shape of every other code
(``stations.import`` → ``stations.import.finished``), so entries written before read in words
on the audit page too."""

from django.db import migrations

OLD, NEW = "stations.import", "stations.import.finished"


def forwards(apps, schema_editor):
    apps.get_model("core", "AuditEntry").objects.filter(action=OLD).update(action=NEW)


def backwards(apps, schema_editor):
    apps.get_model("core", "AuditEntry").objects.filter(action=NEW).update(action=OLD)


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial"), ("core", "0002_cache_table")]

    operations = [migrations.RunPython(forwards, backwards)]
