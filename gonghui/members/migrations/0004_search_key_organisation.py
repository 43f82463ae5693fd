"""Search keys carry their member's union, so the count of a prefix search inside a subtree
is read from the key index alone; on PostgreSQL the key column gets the "C" collation, so
prefix ranges (``key >= 'zw' AND key < 'zx'``) compare code points and use the index whatever
the cluster's locale."""

import django.db.models.deletion
from django.db import migrations, models


def fill_organisation(apps, schema_editor):
    table = schema_editor.quote_name("members_membersearchkey")
    member = schema_editor.quote_name("members_member")
    schema_editor.execute(
        f"UPDATE {table} SET organisation_id = "
        f"(SELECT m.organisation_id FROM {member} m WHERE m.id = {table}.member_id)"
    )


def c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "members_membersearchkey" ALTER COLUMN "key" TYPE varchar(64) COLLATE "C"'
        )


def default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "members_membersearchkey" ALTER COLUMN "key" TYPE varchar(64) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_scale_tables"),
        ("organisations", "0002_scale_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="membersearchkey",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="membersearchkey",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.RemoveIndex(model_name="membersearchkey", name="member_search_key"),
        migrations.RunPython(c_collation, default_collation),
        migrations.AddIndex(
            model_name="membersearchkey",
            index=models.Index(fields=["key", "member", "organisation"], name="member_search_key_org"),
        ),
    ]
