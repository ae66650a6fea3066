"""A job's progress shows while its handler is still at work inside its own transaction."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from houbei.conftest import World
from houbei.jobs import runner
from houbei.jobs.models import Job, JobStatus


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the job did not get there in time")


@pytest.mark.django_db(transaction=True)
def test_progress_shows_while_the_handlers_transaction_is_still_open(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import saves all its rows or none in one transaction: progress written to the
    job's row inside it would show nobody anything until the end. Told through the cache,
    the page shows it at once; the row gets the last figures when the job is done."""
    settings.HOUBEI_JOBS_BACKEND = "thread"
    halfway, finish = threading.Event(), threading.Event()

    def slow(job: Job, progress: runner.Progress) -> tuple[str, str]:
        with transaction.atomic():
            progress(40, 100)
            halfway.set()
            assert finish.wait(20)
            progress(100, 100)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as result:
            result.write("完成")
        return "结果.txt", result.name

    monkeypatch.setitem(runner._HANDLERS, "tests.slow", slow)
    job = runner.job_start(
        acting_user=world.district_admin, kind="tests.slow", params={}, title="慢任务"
    )
    client = Client()
    client.force_login(world.district_admin)
    try:
        assert halfway.wait(20)
        page = client.get(reverse("jobs:job", args=[job.key]), HTTP_HX_REQUEST="true")
        assert '<progress max="100" value="40"' in page.content.decode()
    finally:
        finish.set()
    _wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE)
    done = Job.objects.get(pk=job.pk)
    assert (done.done, done.total) == (100, 100)
    page = client.get(reverse("jobs:job", args=[job.key]), HTTP_HX_REQUEST="true")
    assert 'data-testid="job-download"' in page.content.decode()
