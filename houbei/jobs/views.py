from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from houbei.jobs.models import JobStatus
from houbei.jobs.selectors import job_get
from houbei.lib.http import AuthenticatedHttpRequest, content_disposition


@login_required
@require_GET
@never_cache
def job(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """The job's progress; htmx polls the progress block until the job has finished."""
    found = job_get(user=request.user, key=key)
    template = "jobs/_progress.html" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": found})


@login_required
@require_GET
def download(request: AuthenticatedHttpRequest, key: str) -> FileResponse:
    found = job_get(user=request.user, key=key)
    if found.status != JobStatus.DONE or not found.result:
        raise Http404
    response = FileResponse(found.result.open("rb"))
    response["Content-Disposition"] = content_disposition(found.result_name)
    return response
