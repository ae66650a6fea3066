"""Running jobs: ``job_start`` records a job and hands it to the configured backend once the
transaction commits; ``run`` does the work wherever the backend runs it.

Backends (``HOUBEI_JOBS_BACKEND``):
- ``thread`` (default): a thread of the web process, enough for one small server;
- ``immediate``: at commit, in the caller's thread (tests, command line);
- ``celery``: a Celery worker on Redis (the production profile; ``houbei worker``).

A handler is a function registered with ``@job_handler("kind")``. It receives the job and a
``progress(done, total)`` callback and returns ``(file name, path of a finished file)``; the
runner stores the file as the job's result and removes the temporary one."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import close_old_connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from houbei.accounts.models import User
from houbei.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Handler = Callable[[Job, Progress], tuple[str, str]]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _HANDLERS[kind] = function
        return function

    return register


def job_start(*, acting_user: User, kind: str, params: dict[str, Any], title: str) -> Job:
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        params=params,
        title=title,
        requested_by=acting_user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    backend = settings.HOUBEI_JOBS_BACKEND
    if backend == "immediate":
        run(job_id)
    elif backend == "thread":
        threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True).start()
    elif backend == "celery":
        from houbei.jobs.tasks import run_job  # only the production profile needs Celery

        run_job.delay(job_id)
    else:
        raise ValueError(f"unknown HOUBEI_JOBS_BACKEND {backend!r}")


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        close_old_connections()


# How long a running job's progress is kept in the cache: far longer than any job runs.
PROGRESS_SECONDS = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"jobs:progress:{job_id}"


class _Throttled:
    """Tells progress at most twice a second, through the cache (Redis in production): a
    handler works inside its own transaction (an import saves all its rows or none), whose
    writes to the job's row nobody else would see before it commits — the bar would stand
    still until the end. The job's row gets the last figures when the job is done. Only the
    cache, never the database: a duty import tells its progress from inside its records'
    stream, where no statement may run (``lib.models.insert_stream``)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0
        self.latest: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        self.latest = (done, total)
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        cache.set(progress_key(self.job.pk), self.latest, PROGRESS_SECONDS)


def run(job_id: int) -> None:
    """Do one queued job; a job already started (by another worker) is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            progress = _Throttled(job)
            name, path = _HANDLERS[job.kind](job, progress)
            with open(path, "rb") as handle:
                job.result.save(f"{job.key}{os.path.splitext(name)[1]}", File(handle), save=False)
            os.unlink(path)
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED,
                finished_at=timezone.now(),
                error=_(
                    "The job could not be finished. Please try again or tell the administrator."
                ),
            )
            return
    _done, total = progress.latest or (0, 0)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        finished_at=timezone.now(),
        result=job.result.name,
        result_name=name,
        done=total,
        total=total,
    )
    cache.delete(progress_key(job.pk))
