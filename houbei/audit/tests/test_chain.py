"""The audit trail is a hash chain only the application appends to; edits, deletions and
insertions made directly in the database are found by ``houbei audit verify``."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from houbei.audit.chain import verify
from houbei.audit.models import AppendOnly, AuditEvent
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
