"""A server process killed in the middle of an import leaves no partial rows: the import is
one transaction. A real ``houbei import`` process is killed with SIGKILL while it is saving.

The process needs the test database on a server (PostgreSQL leg of CI)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from houbei.audit.models import AuditEvent
from houbei.conftest import World
from houbei.lib.idnumber import make_id_number
from houbei.people.models import Person
from houbei.tests.factories import numbered_name

ROWS = 3000


def _roster(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "身份证号码", "政治面貌"])
    for n in range(ROWS):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=n * 5)
        writer.writerow(
            [numbered_name("测试", n), make_id_number("511011", birth, n % 998 + 1), "群众"]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.mark.django_db(transaction=True)
def test_killing_the_import_mid_way_saves_nothing(world: World, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the import process needs the test database on a server (PostgreSQL leg)")
    roster = tmp_path / "roster.csv"
    _roster(roster)
    data = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "houbei.config.settings.test",
        "DATABASE_URL": f"postgres://{data['USER']}@{data['HOST'] or '127.0.0.1'}:"
        f"{data['PORT'] or 5432}/{data['NAME']}",
    }
    before_people, before_events = Person.objects.count(), AuditEvent.objects.count()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [
            sys.executable,
            "-m",
            "houbei",
            "import",
            "people",
            str(roster),
            "--region",
            world.village_a.code,
        ],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # wait until it is saving, then kill it outright
        if line.startswith("saving ") and int(line.split()[1].split("/")[0]) >= 200:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert Person.objects.count() == before_people
    assert AuditEvent.objects.count() == before_events
