"""Chain the events written before the chain existed (in id order), and on PostgreSQL make
the table refuse UPDATE and DELETE (TRUNCATE, used by test flushes and full restores, stays
possible for the database owner)."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_append_only();
"""


def chain_existing(apps, schema_editor):
    from houbei.audit.chain import GENESIS, entry_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous, sequence = GENESIS, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        sequence += 1
        event.sequence, event.prev_hash = sequence, previous
        event.entry_hash = entry_hash(event, previous)
        event.save(update_fields=["sequence", "prev_hash", "entry_hash"])
        previous = event.entry_hash
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"sequence": sequence, "last_hash": previous}
    )


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain")]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(append_only, allow_changes),
    ]
