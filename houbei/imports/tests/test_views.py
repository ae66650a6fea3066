"""The two-step upload in the pages: check, then import; large files as a job."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from houbei.accounts.roles import Role
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign, CampaignStatus
from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord, Source, Status, TaskKind
from houbei.imports.models import Upload, UploadKind, UploadStatus
from houbei.imports.services import duty_log_form
from houbei.imports.tests.test_people_import import BAD, GOOD, roster_xlsx
from houbei.jobs.models import Job, JobStatus
from houbei.lib.excel import XLSX_CONTENT_TYPE
from houbei.people.models import Person
from houbei.tests.factories import make_person, make_user, xlsx


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_file(
    client: Client, world: World, data: bytes, name: str = "花红村花名册.xlsx", **extra: str
):
    return client.post(
        reverse("imports:people"),
        {"file": SimpleUploadedFile(name, data), "region": world.village_a.pk, **extra},
    )


def test_check_then_import_then_download_the_rejected_rows(world: World) -> None:
    client = client_for(world.secretary_a)
    response = post_file(client, world, roster_xlsx([*GOOD, BAD[0][0], BAD[3][0]]))
    upload = Upload.objects.get()
    assert response["Location"] == reverse("imports:preview", args=[upload.key])
    assert Person.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert f"导入 {len(GOOD)} 行" in page and "缺少姓名。" in page
    applied = client.post(reverse("imports:apply", args=[upload.key]))
    assert applied["Location"] == reverse("imports:result", args=[upload.key])
    assert Person.objects.filter(village=world.village_a).count() == len(GOOD)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED and upload.result["created"] == len(GOOD)
    # A second press of the button imports nothing twice.
    client.post(reverse("imports:apply", args=[upload.key]))
    assert Person.objects.count() == len(GOOD)
    errors = client.get(reverse("imports:errors", args=[upload.key]))
    sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert sheet.max_row == 3 + 2
    # Nobody else reaches the upload.
    other = client_for(world.secretary_b)
    for name in ("imports:preview", "imports:result", "imports:errors"):
        assert other.get(reverse(name, args=[upload.key])).status_code == 404


def test_an_unreadable_file_is_explained_on_the_form(world: World) -> None:
    client = client_for(world.secretary_a)
    response = post_file(client, world, b"hello", "notes.txt")
    assert response.status_code == 400
    assert "请上传 Excel 工作簿" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_village_outside_the_scope_cannot_be_chosen(world: World) -> None:
    client = client_for(world.secretary_b)
    response = client.post(
        reverse("imports:people"),
        {"file": SimpleUploadedFile("x.xlsx", roster_xlsx(GOOD)), "region": world.village_a.pk},
    )
    assert response.status_code == 400
    assert not Upload.objects.exists()


def test_a_large_file_is_imported_by_a_job_with_progress(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:
    settings.HOUBEI_IMPORT_INLINE_ROWS = 2
    client = client_for(world.secretary_a)
    post_file(client, world, roster_xlsx(GOOD))
    upload = Upload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:apply", args=[upload.key]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job", args=[job.key])
    assert job.status == JobStatus.DONE and (job.done, job.total) == (len(GOOD), len(GOOD))
    assert Person.objects.count() == len(GOOD)


def test_the_example_roster_imports_two_rows_and_hands_one_back(world: World) -> None:
    client = client_for(world.secretary_a)
    example = client.get(reverse("imports:example"))
    assert example.status_code == 200
    post_file(client, world, example.content, "示例.xlsx")
    upload = Upload.objects.get()
    assert upload.preview["accepted"] == 2
    assert [r["reason"] for r in upload.preview["rejected"]] == ["id_length"]


# --- a campaign's duty log -------------------------------------------------------------------


def duty_log(rows: list[list[object]]) -> bytes:
    return xlsx([["值守登记表"], ["日期", "岗位", "姓名", "上岗时间", "下岗时间", "备注"], *rows])


def post_duty_log(client: Client, frontline: Frontline, data: bytes, name: str = "值守.xlsx"):
    return client.post(
        reverse("imports:duty", args=[frontline.campaign.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_a_duty_log_is_checked_then_imported_and_waits_for_verification(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    make_person(world.village_a, "王强")
    make_person(world.village_b, "刘芳")  # another village's: not the secretary's to record
    client = client_for(world.secretary_a)
    assert (
        client.get(reverse("campaigns:detail", args=[frontline.campaign.pk]))
        .content.decode()
        .count(reverse("imports:duty", args=[frontline.campaign.pk]))
        == 1
    )
    log = duty_log(
        [
            ["2020-02-03", "唐家湾卡点", "王强", "08:00", "16:00", "纸质登记补录"],
            ["2020-02-04", "唐家湾卡点", "王强", "22:00", "06:00", ""],
            ["2020-02-05", "唐家湾卡点", "刘芳", "08:00", "16:00", ""],
            ["2020-02-05", "不存在的卡点", "王强", "08:00", "16:00", ""],
        ]
    )
    response = post_duty_log(client, frontline, log)
    upload = Upload.objects.get()
    assert response["Location"] == reverse("imports:preview", args=[upload.key])
    assert (upload.kind, upload.campaign, upload.region) == (
        UploadKind.DUTY,
        frontline.campaign,
        frontline.campaign.region,
    )
    assert not DutyRecord.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "导入 2 行" in page and "不是2020年新冠肺炎疫情防控的岗位" in page
    assert "花红村没有登记名为刘芳的人员" in page  # the other village's person stays unknown
    applied = client.post(reverse("imports:apply", args=[upload.key]))
    assert applied["Location"] == reverse("imports:result", args=[upload.key])
    records = DutyRecord.objects.order_by("starts_at")
    assert [(r.source, r.status, r.recorded_by) for r in records] == [
        (Source.IMPORT, Status.PENDING, world.secretary_a)
    ] * 2
    upload.refresh_from_db()
    assert upload.result == {"created": 2, "rejected": upload.preview["rejected"]}
    result = client.get(applied["Location"]).content.decode()
    assert "班次已保存，待核验" in result and "?source=import" in result
    errors = client.get(reverse("imports:errors", args=[upload.key]))
    sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert sheet.max_row == 3 + 2  # title, note, header, the two rows handed back
    # Imported again, the saved shifts are refused as overlaps, not saved twice.
    post_duty_log(client, frontline, log)
    again = Upload.objects.exclude(pk=upload.pk).get()
    client.post(reverse("imports:apply", args=[again.key]))
    again.refresh_from_db()
    assert again.result["created"] == 0 and DutyRecord.objects.count() == 2
    assert {r["reason"] for r in again.result["rejected"]} >= {"not_saved"}
    # Nobody else reaches the upload.
    other = client_for(world.secretary_b)
    for name in ("imports:preview", "imports:result", "imports:errors"):
        assert other.get(reverse(name, args=[upload.key])).status_code == 404


def test_another_villages_post_is_unknown_to_a_secretarys_log(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    make_person(world.village_b, "刘芳")
    client = client_for(world.secretary_b)
    post_duty_log(
        client, frontline, duty_log([["2020-02-03", "唐家湾卡点", "刘芳", "08:00", "16:00", ""]])
    )
    upload = Upload.objects.get()
    assert upload.preview["accepted"] == 0
    assert [r["reason"] for r in upload.preview["rejected"]] == ["post_unknown"]


def test_an_ended_campaign_takes_no_duty_log(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    Campaign.objects.filter(pk=frontline.campaign.pk).update(status=CampaignStatus.CLOSED)
    client = client_for(world.secretary_a)
    detail = client.get(reverse("campaigns:detail", args=[frontline.campaign.pk]))
    assert reverse("imports:duty", args=[frontline.campaign.pk]) not in detail.content.decode()
    response = post_duty_log(
        client, frontline, duty_log([["2020-02-03", "唐家湾卡点", "王强", "08:00", "16:00", ""]])
    )
    assert response.status_code == 400
    assert "已结束，其值守记录不能再更改" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_large_duty_log_is_imported_by_a_job(
    world: World,
    frontline: Frontline,
    frozen_now: object,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.HOUBEI_IMPORT_INLINE_ROWS = 1
    make_person(world.village_a, "王强")
    client = client_for(world.town_x_admin)
    post_duty_log(
        client,
        frontline,
        duty_log(
            [
                ["2020-02-03", "唐家湾卡点", "王强", "08:00", "16:00", ""],
                ["2020-02-03", "凌家镇农贸市场卡口", "王强", "18:00", "06:00", ""],
            ]
        ),
    )
    upload = Upload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:apply", args=[upload.key]))
    job = Job.objects.get()
    assert (job.kind, response["Location"]) == ("imports.duty", reverse("jobs:job", args=[job.key]))
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2)
    assert DutyRecord.objects.filter(status=Status.PENDING).count() == 2
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED


def test_the_blank_duty_log_offers_the_users_posts_and_imports_once_filled_in(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    wang = make_person(world.village_a, "王强")
    client = client_for(world.secretary_a)
    form_url = reverse("imports:duty_form", args=[frontline.campaign.pk])
    assert form_url in client.get(reverse("imports:duty", args=[frontline.campaign.pk])).text
    response = client.get(form_url)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "值守登记表 · 2020年新冠肺炎疫情防控"
    headers = [cell.value for cell in sheet[3]]
    screened = TaskKind.objects.get(code="households_screened").name
    assert headers[:6] == ["日期", "岗位", "姓名", "身份证号", "上岗时间", "下岗时间"]
    assert screened in headers and headers[-1] == "备注"
    # The campaign's posts the secretary sees, to pick from: her town's market, her village's
    # checkpoint.
    posts = book["岗位"]
    assert posts.sheet_state == "hidden"
    assert [row[0].value for row in posts.iter_rows()] == ["凌家镇农贸市场卡口", "唐家湾卡点"]
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, validation.formula1) == ("list", "'岗位'!$A$1:$A$2")
    assert str(validation.sqref) == "B4:B1003"
    # Filled in as in Excel: dates and times typed into the form's cells, the rest left blank.
    shifts = [
        (dt.date(2020, 2, 3), dt.time(8), dt.time(16), 12),
        (dt.date(2020, 2, 4), dt.time(22), dt.time(6), None),  # ends the next morning
    ]
    for row, (day, starts, ends, count) in enumerate(shifts, start=4):
        sheet.cell(row, 1, day)
        sheet.cell(row, 2, "唐家湾卡点")
        sheet.cell(row, 3, "王强")
        sheet.cell(row, 5, starts)
        sheet.cell(row, 6, ends)
        sheet.cell(row, headers.index(screened) + 1, count)
    filled = io.BytesIO()
    book.save(filled)
    post_duty_log(client, frontline, filled.getvalue(), "值守登记表.xlsx")
    upload = Upload.objects.get()
    assert (upload.preview["accepted"], upload.preview["rejected"]) == (2, [])
    client.post(reverse("imports:apply", args=[upload.key]))
    first, night = DutyRecord.objects.filter(person=wang).order_by("starts_at")
    assert (first.status, first.source) == (Status.PENDING, Source.IMPORT)
    assert {t.kind.code: t.count for t in first.task_counts.all()} == {"households_screened": 12}
    assert night.ends_at is not None
    assert night.ends_at - night.starts_at == dt.timedelta(hours=8)
    # The neighbouring village's secretary is offered the town's post, not this village's.
    other = load_workbook(io.BytesIO(client_for(world.secretary_b).get(form_url).content))
    assert [row[0].value for row in other["岗位"].iter_rows()] == ["凌家镇农贸市场卡口"]


def test_the_blank_duty_log_is_refused_for_a_campaign_out_of_sight(
    world: World, frontline: Frontline
) -> None:
    """The service itself refuses, whichever adapter calls it: another district's admin
    records duty but does not see this campaign; an auditor sees it but records no duty."""
    outsider = make_user("district-other", Role.DISTRICT_ADMIN, world.other_district)
    for user in (outsider, world.auditor):
        with pytest.raises(PermissionDenied):
            duty_log_form(scope=Scope.for_user(user), campaign=frontline.campaign)
