from __future__ import annotations

from houbei.config.celery import app
from houbei.jobs.runner import run


@app.task(name="houbei.jobs.run", ignore_result=True, acks_late=True)
def run_job(job_id: int) -> None:
    """One job on a worker; ``run`` claims it, so a redelivered message does nothing twice."""
    run(job_id)
