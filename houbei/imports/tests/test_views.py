"""The two-step upload in the pages: check, then import; large files as a job."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from houbei.campaigns.models import Campaign, CampaignStatus
from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord, Source, Status
from houbei.imports.models import Upload, UploadKind, UploadStatus
from houbei.imports.tests.test_people_import import BAD, GOOD, roster_xlsx
from houbei.jobs.models import Job, JobStatus
from houbei.people.models import Person
from houbei.tests.factories import make_person, xlsx


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
