"""A duty record's links to its import's and its bulk verification's audit events lose their
foreign-key constraints (decision 0010): audit events are never deleted (on PostgreSQL a
trigger refuses it), and each constraint was checked at commit once a record — 0.4–0.8 s of
committing an import of 100 000 records, 0.5–1 s of committing their verification.

Dropped on PostgreSQL only, whatever their names (found by the columns they constrain). SQLite
looks the event up as each record is written and keeps only a count for the commit, so it
has nothing to gain, and an AlterField there would copy the whole of the largest table; a
later migration that rebuilds the table will leave the constraints out."""

import django.db.models.deletion
from django.db import migrations, models

# The names Django gave them, which the reverse puts back.
CONSTRAINTS = {
    "duty_dutyrecord_import_event_id_6f711db5_fk_audit_auditevent_id": "import_event_id",
    "duty_dutyrecord_verify_event_id_fd86854d_fk_audit_auditevent_id": "verify_event_id",
}


def drop_constraints(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "duty_dutyrecord")
    linked = set(CONSTRAINTS.values())
    for name, constraint in found.items():
        if constraint["foreign_key"] and set(constraint["columns"]) <= linked:
            schema_editor.execute(f'ALTER TABLE "duty_dutyrecord" DROP CONSTRAINT "{name}"')


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f'ALTER TABLE "duty_dutyrecord" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}")'
            ' REFERENCES "audit_auditevent" ("id") DEFERRABLE INITIALLY DEFERRED'
        )


def audit_link() -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="audit.auditevent",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_data_compressed_with_lz4"),
        ("duty", "0005_covered_foreign_key_indexes_dropped"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_constraints, add_constraints)],
            state_operations=[
                migrations.AlterField(
                    model_name="dutyrecord", name="import_event", field=audit_link()
                ),
                migrations.AlterField(
                    model_name="dutyrecord", name="verify_event", field=audit_link()
                ),
            ],
        )
    ]
