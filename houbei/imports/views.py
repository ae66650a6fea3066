from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.campaigns.selectors import campaign_get
from houbei.duty.selectors import task_kinds
from houbei.imports.forms import DutyUploadForm, PeopleUploadForm
from houbei.imports.models import Upload, UploadKind, UploadStatus
from houbei.imports.reader import UnreadableFile
from houbei.imports.selectors import import_regions, upload_get
from houbei.imports.services import (
    duty_log_form,
    duty_upload_preview,
    example_roster,
    upload_apply,
    upload_preview,
)
from houbei.lib.excel import XLSX_CONTENT_TYPE
from houbei.lib.http import AuthenticatedHttpRequest, content_disposition

SECTION = "people"


def _section(upload: Upload) -> str:
    """The menu section an upload belongs to: the registry, or the frontline."""
    return "frontline" if upload.kind == UploadKind.DUTY else SECTION


@login_required
@require_http_methods(["GET", "POST"])
def people_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.scope.can(Capability.PEOPLE_EDIT):
        raise PermissionDenied
    form = PeopleUploadForm(
        request.POST or None, request.FILES or None, regions=import_regions(scope=request.scope)
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = upload_preview(
                acting_user=request.user,
                file=form.cleaned_data["file"],
                region=form.cleaned_data["region"],
                update_existing=form.cleaned_data["update_existing"],
            )
        except UnreadableFile as error:
            form.add_error("file", error.message)
        else:
            return redirect("imports:preview", key=upload.key)
    return render(
        request,
        "imports/upload.html",
        {"section": SECTION, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def duty_upload(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """A duty log (a checkpoint's paper sign-in sheet, typed up) for one campaign."""
    campaign = campaign_get(scope=request.scope, pk=campaign_pk)
    if not request.scope.can(Capability.DUTY_RECORD):
        raise PermissionDenied
    form = DutyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = duty_upload_preview(
                acting_user=request.user, file=form.cleaned_data["file"], campaign=campaign
            )
        except UnreadableFile as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:preview", key=upload.key)
    return render(
        request,
        "imports/duty_upload.html",
        {
            "section": "frontline",
            "form": form,
            "campaign": campaign,
            "task_kinds": [kind.name for kind in task_kinds()],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def duty_form(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """A blank duty log of the campaign, with the user's posts to pick from."""
    campaign = campaign_get(scope=request.scope, pk=campaign_pk)
    response = HttpResponse(
        duty_log_form(scope=request.scope, campaign=campaign), content_type=XLSX_CONTENT_TYPE
    )
    filename = _("%(campaign)s-duty-log") % {"campaign": campaign.name}
    response["Content-Disposition"] = content_disposition(filename + ".xlsx")
    return response


@login_required
@require_GET
def preview(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    upload = upload_get(user=request.user, key=key)
    if upload.status == UploadStatus.APPLIED:
        return redirect("imports:result", key=upload.key)
    return render(request, "imports/preview.html", {"section": _section(upload), "upload": upload})


@login_required
@require_POST
def apply(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    upload = upload_get(user=request.user, key=key)
    try:
        job = upload_apply(acting_user=request.user, upload=upload)
    except UnreadableFile as error:
        messages.error(request, error.message)
        return redirect("imports:preview", key=upload.key)
    if job is not None:
        return redirect("jobs:job", key=job.key)
    messages.success(request, _("Imported."))
    return redirect("imports:result", key=upload.key)


@login_required
@require_GET
def result(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    upload = upload_get(user=request.user, key=key)
    if upload.status != UploadStatus.APPLIED:
        return redirect("imports:preview", key=upload.key)
    return render(request, "imports/result.html", {"section": _section(upload), "upload": upload})


@login_required
@require_GET
def errors(request: AuthenticatedHttpRequest, key: str) -> HttpResponseBase:
    upload = upload_get(user=request.user, key=key)
    if not upload.errors:
        raise Http404
    response = FileResponse(upload.errors.open("rb"), content_type=XLSX_CONTENT_TYPE)
    stem = upload.filename.rsplit(".", 1)[0]
    response["Content-Disposition"] = content_disposition(f"{stem}-{_('rejected-rows')}.xlsx")
    return response


@login_required
@require_GET
def example(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A roster in the usual shape to start from (or to try the import with): two good rows
    and one the import will refuse, with its reason."""
    if not request.scope.can(Capability.PEOPLE_EDIT):
        raise PermissionDenied
    response = HttpResponse(example_roster(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(_("roster-example") + ".xlsx")
    return response
