from __future__ import annotations

from houbei.accounts.models import User
from houbei.accounts.scoping import get_or_404
from houbei.jobs.models import Job


def job_get(*, user: User, key: str) -> Job:
    """The user's own job; anyone else's answers 404 like a missing one."""
    return get_or_404(Job.objects.filter(requested_by=user), key=key)


def recent_jobs(*, user: User, limit: int = 10) -> list[Job]:
    return list(Job.objects.filter(requested_by=user)[:limit])
