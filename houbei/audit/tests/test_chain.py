"""The audit trail is a hash chain only the application appends to; edits, deletions and
insertions made directly in the database are found by ``houbei audit verify``."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from houbei.audit.chain import canonical, verify
from houbei.audit.models import AppendOnly, AuditEvent, DataEncoder, EventType, HashedData
from houbei.audit.services import audit_event, audit_record, audit_record_many
from houbei.conftest import World
from houbei.tests.factories import make_person, numbered_name


def _events(world: World, n: int) -> list[AuditEvent]:
    for index in range(n):
        make_person(world.village_a, numbered_name("人", index))
    return list(AuditEvent.objects.order_by("sequence"))


def _raw(sql: str, params: list[object]) -> None:
    """As someone with direct database access would, past the application's guards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser can switch triggers off
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_a_batch_of_events_is_stored_as_it_was_hashed(world: World) -> None:
    """audit_record_many writes with executemany (lib/models.insert_models), each value
    prepared by its field: what is read back must hash the same — times to the
    microsecond, JSON with Chinese text, dates and decimals, users and regions."""
    make_person(world.village_a)  # an event recorded alone first
    people = [make_person(world.village_b, numbered_name("批", n)) for n in range(3)]
    with transaction.atomic():
        audit_record_many(
            [
                audit_event(
                    acting_user=world.secretary_b if n else None,
                    event_type=EventType.PERSON_UPDATED,
                    target=person,
                    region=world.village_b,
                    old={"name": "旧名", "born": dt.date(1990, 1, 2)},
                    new={"hours": Decimal("12.50"), "tags": ["党员", 1]},
                )
                for n, person in enumerate(people)
            ]
        )
    batch = list(
        AuditEvent.objects.filter(event_type=EventType.PERSON_UPDATED).order_by("sequence")
    )
    assert [e.target_id for e in batch] == [str(p.pk) for p in people]
    assert batch[0].acting_user_id is None and batch[1].acting_user_id == world.secretary_b.pk
    assert batch[2].extra_data == {
        "old": {"name": "旧名", "born": "1990-01-02"},
        "new": {"hours": "12.50", "tags": ["党员", 1]},
    }
    assert batch[0].event_time.tzinfo is not None
    assert list(verify()) == []


def test_an_event_given_plain_json_is_stored_and_read_back_as_it_was_hashed(
    world: World,
) -> None:
    """An import's event lists its records in plain JSON values and skips the round trip
    through DjangoJSONEncoder (extra_is_json): what is read back hashes the same, and what
    the caller still gave in other types (old / new values) goes through it as ever."""
    person = make_person(world.village_a)
    records = {
        str(n): ["王强", "唐家湾卡点", "2020-02-03T08:00:00+08:00", {"劝返": 3}, True]
        for n in range(3)
    }
    with transaction.atomic():
        plain = audit_record(
            acting_user=None,
            event_type=EventType.DUTY_IMPORTED,
            target=person,
            region=world.village_a,
            extra={"count": 3, "records": records, "note": None},
            extra_is_json=True,
        )
        mixed = audit_record(
            acting_user=None,
            event_type=EventType.PERSON_UPDATED,
            target=person,
            region=world.village_a,
            new={"born": dt.date(1990, 1, 2)},
            extra_is_json=True,
        )
    assert AuditEvent.objects.get(pk=plain.pk).extra_data == plain.extra_data
    assert plain.extra_data["records"] is records  # kept as given, not copied
    assert AuditEvent.objects.get(pk=mixed.pk).extra_data == {"new": {"born": "1990-01-02"}}
    assert list(verify()) == []


def test_the_data_is_written_out_once_and_stored_as_it_was_hashed(world: World) -> None:
    """An event's data is written out when it is linked into the chain: the hash covers the
    same bytes as the whole content written with its keys sorted (the chain's format from
    the start: older events still verify), and that text is what the database is given."""
    person = make_person(world.village_a)
    data = {
        "records": {"10": ["王强", {"劝返": 3, "登记": 1}], "9": [None, True, 1.5, 'a"b']},
        "count": 2,
        "columns": {"z": 1, "b": [2]},
    }
    with transaction.atomic():
        event = audit_record(
            acting_user=world.secretary_a,
            event_type=EventType.DUTY_IMPORTED,
            target=person,
            region=world.village_a,
            extra=data,
            extra_is_json=True,
        )
    whole = {
        "sequence": event.sequence,
        "time": event.event_time.isoformat(timespec="microseconds"),
        "user": world.secretary_a.pk,
        "type": EventType.DUTY_IMPORTED.value,
        "target_type": event.target_type_id,
        "target_id": str(person.pk),
        "target_label": str(person),
        "region": world.village_a.pk,
        "data": data,
    }
    written = json.dumps(whole, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical(event) == written.encode()
    assert isinstance(event.extra_data, HashedData)
    assert json.dumps(event.extra_data, cls=DataEncoder) == event.extra_data.text
    assert json.loads(event.extra_data.text) == data
    if connection.vendor == "sqlite":  # PostgreSQL keeps jsonb, parsed
        with connection.cursor() as cursor:
            cursor.execute("SELECT extra_data FROM audit_auditevent WHERE id = %s", [event.pk])
            assert cursor.fetchone()[0] == event.extra_data.text
    read = AuditEvent.objects.get(pk=event.pk)
    assert read.extra_data == data
    assert canonical(read) == canonical(event)
    assert list(verify()) == []


def test_events_are_numbered_and_chained(world: World) -> None:
    events = _events(world, 4)
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(events))
    assert list(verify()) == []
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{len(events)} events" in out.getvalue()


def test_the_application_can_only_append(world: World) -> None:
    event = _events(world, 1)[0]
    event.target_label = "改过"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(target_label="改过")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()


def test_an_edit_in_the_database_is_found(world: World) -> None:
    events = _events(world, 3)
    _raw("UPDATE audit_auditevent SET target_label = %s WHERE id = %s", ["张三", events[1].pk])
    assert [(b.sequence, b.problem) for b in verify()] == [(events[1].sequence, "changed")]
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_deletion_in_the_database_is_found(world: World) -> None:
    events = _events(world, 3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    problems = [(b.sequence, b.problem) for b in verify()]
    assert (events[1].sequence, "missing") in problems
    assert (events[2].sequence, "unexpected") in problems


def test_deleting_the_newest_event_is_found_by_the_head(world: World) -> None:
    events = _events(world, 2)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    assert [b.problem for b in verify()] == ["head"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_updates_even_in_raw_sql(world: World) -> None:
    event = _events(world, 1)[0]
    sql = "UPDATE audit_auditevent SET target_label = 'x' WHERE id = %s"
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
