"""The database cache's table, made by ``migrate`` itself.

Rate limits and sign-in locks count in the shared cache (docs/adr/0013-throttles-and-lockout.md);
by default that is the database cache. Every way a database comes to exist — ``make run``, a
deployment, the benchmarks, CI, a developer's fresh SQLite file — already runs ``migrate``, so the
table comes with it instead of depending on one more command that could be forgotten (without
the table every throttled page fails). ``createcachetable`` makes the tables of whatever
DatabaseCache back ends CACHES names and skips those that exist, so this is safe to run again;
with Redis configured it does nothing. Switching to the database cache later: run
``manage.py createcachetable`` once.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
