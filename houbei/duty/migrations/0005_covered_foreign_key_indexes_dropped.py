"""A duty record's person and post lose the single-column indexes Django gives a foreign key:
the (person, starts_at) and (post, starts_at) indexes serve every lookup by either, and each
index more is written on every insert and update of the largest table.

Written as plain DROP INDEX: as an AlterField, SQLite would copy the whole table and
PostgreSQL drop and re-check the foreign keys over every row."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "duty_dutyrecord_person_id_59b41008": "person_id",
    "duty_dutyrecord_post_id_c506fae1": "post_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_seed_post_types"),
        ("duty", "0004_verify_event"),
        ("people", "0006_name_key_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "duty_dutyrecord" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="dutyrecord",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="duty_records",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="dutyrecord",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="duty_records",
                        to="campaigns.post",
                    ),
                ),
            ],
        )
    ]
