"""A duty record's campaign loses the single-column index Django gives a foreign key, and
gains a (campaign, starts_at) index in its place: a campaign's records over a span of days
(an export, a report) are then read from that span alone, already in order of start —
through the campaign's index, every record of the campaign was read and the span's sorted
(0.6–0.8 s before the first row of a district's export on SQLite). As many indexes as
before are written on every insert.

The drop written as plain DROP INDEX: as an AlterField, SQLite would copy the whole table
and PostgreSQL drop and re-check the foreign key over every row."""

import django.db.models.deletion
from django.db import migrations, models

OLD_INDEX = "duty_dutyrecord_campaign_id_3d225404"


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_seed_post_types"),
        ("duty", "0005_covered_foreign_key_indexes_dropped"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dutyrecord",
            index=models.Index(
                fields=["campaign", "starts_at"], name="duty_record_campaign_start_idx"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{OLD_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{OLD_INDEX}" ON "duty_dutyrecord" ("campaign_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="dutyrecord",
                    name="campaign",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="campaigns.campaign",
                    ),
                ),
            ],
        ),
    ]
