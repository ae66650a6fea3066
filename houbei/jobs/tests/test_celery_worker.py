"""One import through a real Celery worker on the local Redis, as in the production profile.

The worker is a separate process: it needs the test database on a server (PostgreSQL — the
CI leg with DATABASE_URL) and the same media folder; on the in-memory SQLite leg it is
skipped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from houbei.conftest import World
from houbei.imports.models import Upload
from houbei.imports.services import upload_apply, upload_preview
from houbei.imports.tests.test_people_import import GOOD, roster_xlsx
from houbei.jobs.models import Job, JobStatus
from houbei.people.models import Person

QUEUE_DB = "redis://127.0.0.1:6379/15"


def _database_url() -> str:
    data = connection.settings_dict
    return (
        f"postgres://{data['USER']}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/"
        f"{data['NAME']}"
    )


@pytest.fixture
def worker(transactional_db: None) -> Iterator[subprocess.Popen[bytes]]:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs the test database on a server (PostgreSQL leg)")
    try:
        redis.Redis.from_url(QUEUE_DB).flushdb()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "houbei.config.settings.test",
        "DATABASE_URL": _database_url(),
        "HOUBEI_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "HOUBEI_TEST_REDIS_URL": QUEUE_DB,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "houbei.config.celery",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_an_import_runs_on_a_celery_worker(
    world: World, worker: subprocess.Popen[bytes], settings: Any
) -> None:
    settings.HOUBEI_JOBS_BACKEND = "celery"
    settings.CELERY_BROKER_URL = QUEUE_DB
    settings.HOUBEI_IMPORT_INLINE_ROWS = 1
    upload = upload_preview(
        acting_user=world.secretary_a,
        file=SimpleUploadedFile("花红村.xlsx", roster_xlsx(GOOD)),
        region=world.village_a,
        update_existing=False,
    )
    job = upload_apply(acting_user=world.secretary_a, upload=Upload.objects.get(pk=upload.pk))
    assert job is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.5)
    else:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
        pytest.fail(f"the worker did not finish the job:\n{output[-4000:]}")
    assert job.status == JobStatus.DONE, job.error
    assert Person.objects.filter(village=world.village_a).count() == len(GOOD)
    assert Job.objects.get(pk=job.pk).done == len(GOOD)
