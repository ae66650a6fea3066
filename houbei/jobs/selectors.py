from __future__ import annotations

from django.core.cache import cache

from houbei.accounts.models import User
from houbei.accounts.scoping import get_or_404
from houbei.jobs.models import Job, JobStatus
from houbei.jobs.runner import progress_key


def job_get(*, user: User, key: str) -> Job:
    """The user's own job, with its progress as last told while it runs (runner.py); anyone
    else's answers 404 like a missing one."""
    job = get_or_404(Job.objects.filter(requested_by=user), key=key)
    if job.status == JobStatus.RUNNING and (told := cache.get(progress_key(job.pk))):
        job.done, job.total = told
    return job


def recent_jobs(*, user: User, limit: int = 10) -> list[Job]:
    return list(Job.objects.filter(requested_by=user)[:limit])
