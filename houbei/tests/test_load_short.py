"""The short version of the load scenario: the demo's data, 10 virtual users for a few
seconds against a real threaded server, check-ins included — no error at all.

The server's threads need the test database on a server (PostgreSQL leg of CI); the full
scenario is ``houbei loadtest`` (50 users, 60 s) against ``houbei demo``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from houbei.duty.models import DutyRecord
from houbei.web.loadtest import run
from houbei.web.management.commands.loadtest import DEMO_ACCOUNTS


@pytest.mark.django_db(transaction=True)
def test_ten_users_mixing_check_ins_searches_lists_and_dashboards(live_server: LiveServer) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent server threads need the test database on a server")
    call_command("demo", "--no-serve", stdout=io.StringIO())
    records = DutyRecord.objects.count()
    report = run(live_server.url, DEMO_ACCOUNTS, users=10, seconds=8, think=(0.0, 0.3))
    table = {row[0]: row for row in report.table()}
    assert report.errors() == 0, report.table()
    assert table["all"][1] > 50
    assert {"search", "list", "dashboard", "check-in screen"} <= set(table)
    assert DutyRecord.objects.count() > records  # the post leader really checked people in
