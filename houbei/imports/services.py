"""The web's two steps over the import engines: ``upload_preview`` for a roster and
``duty_upload_preview`` for a duty log (read, check, keep the file; write nothing), then
``upload_apply`` for either (reads the file again, imports in one transaction, keeps the
rejected rows as a workbook). Large files are applied by a background job with progress."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.models import User
from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign, CampaignStatus
from houbei.campaigns.selectors import campaign_list, post_list
from houbei.duty.selectors import task_kinds
from houbei.imports.duty import DutyPlan, apply_duty_import, plan_duty_import
from houbei.imports.models import Upload, UploadKind, UploadStatus
from houbei.imports.people import (
    PeoplePlan,
    apply_people_import,
    plan_people_import,
    write_rejected,
)
from houbei.jobs.models import Job
from houbei.jobs.runner import Progress, job_handler, job_start
from houbei.lib.excel import table_workbook
from houbei.lib.idnumber import make_id_number
from houbei.regions.models import Region


def upload_preview(
    *, acting_user: User, file: UploadedFile, region: Region, update_existing: bool
) -> Upload:
    """Check every row of ``file`` for ``region``; UnreadableFile when it cannot be read."""
    scope = Scope.for_user(acting_user)
    if not scope.covers(region, Capability.PEOPLE_EDIT):
        raise PermissionDenied
    data = file.read()
    plan = plan_people_import(
        scope=scope,
        data=data,
        filename=file.name or "upload",
        region=region,
        update=update_existing,
    )
    return _kept(
        file,
        Upload(
            kind=UploadKind.PEOPLE,
            requested_by=acting_user,
            region=region,
            update_existing=update_existing,
            filename=file.name or "upload",
            preview={**plan.summary(), "sheet": plan.table.sheet, "updates": _updates(plan)},
        ),
    )


def _require_duty_logging(scope: Scope, campaign: Campaign) -> None:
    """PermissionDenied unless the user records duty and sees ``campaign``."""
    if not scope.can(Capability.DUTY_RECORD):
        raise PermissionDenied
    if not campaign_list(scope=scope).filter(pk=campaign.pk).exists():
        raise PermissionDenied


def duty_upload_preview(*, acting_user: User, file: UploadedFile, campaign: Campaign) -> Upload:
    """Check every row of a duty log of ``campaign`` as the user would record it (their
    posts, their people); UnreadableFile when it cannot be read, ValidationError when the
    campaign no longer takes records."""
    scope = Scope.for_user(acting_user)
    _require_duty_logging(scope, campaign)
    if campaign.status != CampaignStatus.ACTIVE:
        raise ValidationError(
            _("%(campaign)s has ended: its duty records can no longer change.")
            % {"campaign": campaign.name}
        )
    plan = plan_duty_import(
        scope=scope, data=file.read(), filename=file.name or "upload", campaign=campaign
    )
    return _kept(
        file,
        Upload(
            kind=UploadKind.DUTY,
            requested_by=acting_user,
            region=campaign.region,
            campaign=campaign,
            filename=file.name or "upload",
            preview={**plan.summary(), "sheet": plan.table.sheet},
        ),
    )


def _kept(file: UploadedFile, upload: Upload) -> Upload:
    """The upload saved, with its file in private storage until it is applied."""
    file.seek(0)
    upload.file.save(f"{upload.key}{os.path.splitext(upload.filename)[1]}", file, save=False)
    upload.save()
    return upload


def _updates(plan: PeoplePlan) -> int:
    return sum(1 for row in plan.accepted if row.existing is not None)


def upload_apply(*, acting_user: User, upload: Upload) -> Job | None:
    """Import the upload: at once, or as a background job (returned) when it is large."""
    claimed = Upload.objects.filter(pk=upload.pk, status=UploadStatus.PREVIEWED).update(
        status=UploadStatus.APPLYING
    )
    if not claimed:
        return None  # applied already (a double click)
    if upload.preview.get("accepted", 0) > settings.HOUBEI_IMPORT_INLINE_ROWS:
        return job_start(
            acting_user=acting_user,
            kind=f"imports.{upload.kind}",
            params={"upload": str(upload.key)},
            title=_("Import: %(file)s") % {"file": upload.filename},
        )
    os.unlink(_apply(upload, None))
    return None


def _apply(upload: Upload, progress: Progress | None) -> str:
    """Import, keep the summary (and the rejected rows' workbook when there are any);
    returns the path of that workbook, written in a temporary file the caller removes."""
    user = upload.requested_by
    with upload.file.open("rb") as handle:
        data = handle.read()
    scope = Scope.for_user(user)
    plan: PeoplePlan | DutyPlan
    path = ""
    try:
        with transaction.atomic():
            if upload.kind == UploadKind.DUTY:
                plan = plan_duty_import(
                    scope=scope, data=data, filename=upload.filename, campaign=upload.duty_campaign
                )
                saved = apply_duty_import(acting_user=user, plan=plan, progress=progress)
                upload.result = {"created": saved, "rejected": plan.summary()["rejected"]}
            else:
                plan = plan_people_import(
                    scope=scope,
                    data=data,
                    filename=upload.filename,
                    region=upload.region,
                    update=upload.update_existing,
                )
                result = apply_people_import(acting_user=user, plan=plan, progress=progress)
                upload.result = {
                    "created": result.created,
                    "updated": result.updated,
                    "rejected": plan.summary()["rejected"],
                }
            upload.status = UploadStatus.APPLIED
            upload.applied_at = timezone.now()
            handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
            handle.close()
            path = handle.name
            write_rejected(plan, path)
            if plan.rejected:
                with open(path, "rb") as written:
                    upload.errors.save(f"{upload.key}-errors.xlsx", File(written), save=False)
            upload.save()
    except Exception:
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.PREVIEWED)
        if path:
            os.unlink(path)
        raise
    return path


@job_handler("imports.duty")
@job_handler("imports.people")
def import_job(job: Job, progress: Progress) -> tuple[str, str]:
    """The import as a job; its file is the workbook of rejected rows (empty if none)."""
    upload = Upload.objects.select_related("requested_by", "region", "campaign").get(
        key=job.params["upload"], requested_by=job.requested_by
    )
    return _("rejected-rows") + ".xlsx", _apply(upload, progress)


def example_roster() -> bytes:
    """The example workbook of the upload page, in the shape villages send: two rows that
    import and one the import refuses (an ID number a digit short)."""
    wang = make_id_number("511002", dt.date(1990, 5, 3), 11)
    li = make_id_number("511002", dt.date(1988, 2, 14), 22)
    zhang = make_id_number("511002", dt.date(1991, 3, 1), 31)[:-1]
    rows = [
        [
            1,
            "王强",
            "男",
            "汉族",
            "1990.05",
            wang,
            "13808320001",
            "高中",
            "中共党员",
            "返乡农民工",
            "1组",
            "",
        ],
        [
            2,
            "李秀英",
            "女",
            "汉族",
            "1988-02-14",
            li,
            "13808320002",
            "大专",
            "群众",
            "志愿者",
            "2组",
            "",
        ],
        [
            3,
            "张伟",
            "男",
            "汉族",
            "1991.03",
            zhang,
            "",
            "初中",
            "群众",
            "",
            "",
            _("One digit short: the import hands this row back."),
        ],
    ]
    return table_workbook(
        title=_("Village reserve roster"),
        subtitle=_("Filled in by the village Party branch · %(date)s")
        % {"date": timezone.localdate().isoformat()},
        headers=EXAMPLE_HEADERS,
        rows=rows,
        widths=[6, 10, 6, 8, 11, 21, 14, 8, 10, 12, 8, 30],
    )


# The blank duty log's columns, by the names the import knows them (DUTY_HEADERS); the
# campaign's task kinds go before 备注, a column each.
DUTY_FORM_HEADERS = ["日期", "岗位", "姓名", "身份证号", "上岗时间", "下岗时间"]
# Rows of the blank form: a month of one post's three shifts.
DUTY_FORM_ROWS = 90


def duty_log_form(*, scope: Scope, campaign: Campaign) -> bytes:
    """A blank duty log of ``campaign`` to fill in and import: the columns the import
    reads, the user's posts of the campaign to pick from, dates and times formatted as
    such. Posts the user does not see are not offered (the import would not know them)."""
    _require_duty_logging(scope, campaign)
    posts = [post.name for post in post_list(scope=scope, campaign=campaign).filter(is_active=True)]
    kinds = [kind.name for kind in task_kinds()]
    headers = [*DUTY_FORM_HEADERS, *kinds, "备注"]
    return table_workbook(
        title=_("Duty log · %(campaign)s") % {"campaign": campaign.name},
        subtitle=_(
            "One shift a row. A shift ending before it starts ends the next morning; the ID "
            "number may be left out when only one person of that name lives in the post's "
            "village. Task counts are whole numbers."
        ),
        headers=headers,
        rows=[[None] * len(headers) for _row in range(DUTY_FORM_ROWS)],
        widths=[12, 18, 10, 21, 10, 10, *[10] * len(kinds), 24],
        formats={1: "yyyy-mm-dd", 5: "hh:mm", 6: "hh:mm"},
        choices={2: ("岗位", posts)},
    )


EXAMPLE_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "公民身份号码",
    "联系电话",
    "文化程度",
    "政治面貌",
    "人员类别",
    "村民小组",
    "备注",
]
