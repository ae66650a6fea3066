"""The read-replica router of the production profile (lib/replica.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from django.test import Client

from houbei.conftest import World
from houbei.lib import replica
from houbei.lib.replica import REPLICA, ReplicaRouter, replica_reads
from houbei.people.models import Person


@pytest.fixture
def with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replica alias in the connection settings (never connected to in these tests)."""
    monkeypatch.setitem(connections.settings, REPLICA, dict(connections.settings["default"]))


def test_without_a_replica_everything_reads_the_primary() -> None:
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Person) == "default"


def test_reads_go_to_the_replica_only_inside_replica_reads(with_replica: None) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Person) == "default"
    with replica_reads():
        assert router.db_for_read(Person) == REPLICA
        assert router.db_for_write(Person) == "default"  # never a write to the replica
    assert router.db_for_read(Person) == "default"
    assert router.allow_migrate(REPLICA, "people") is False
    assert router.allow_migrate("default", "people") is True


def test_the_report_pages_read_the_replica_and_other_pages_do_not(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, bool]] = []
    real = replica.replica_reads

    def recording() -> Any:
        seen.append(("enter", True))
        return real()

    monkeypatch.setattr(replica, "replica_reads", recording)
    client.force_login(world.district_admin)
    assert client.get("/reports/").status_code == 200
    assert seen, "the dashboard did not read through replica_reads"
    seen.clear()
    assert client.get("/people/").status_code == 200
    assert not seen
