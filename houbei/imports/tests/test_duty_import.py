"""Duty records imported from a workbook of a campaign's paper logs."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from houbei.audit import presenters
from houbei.audit.chain import verify
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord, Source, Status
from houbei.duty.services.records import DutyInput, duty_record_create
from houbei.imports.duty import apply_duty_import, plan_duty_import
from houbei.imports.reader import UnreadableFile
from houbei.tests.factories import make_person, next_id_number, xlsx

HEADERS = [
    "序号",
    "日期",
    "岗位",
    "姓名",
    "身份证号码",
    "上岗时间",
    "下岗时间",
    "摸排户数",
    "工作内容",
]


def logbook(rows: list[list[object]]) -> bytes:
    numbered = [[index, *row] for index, row in enumerate(rows, 1)]
    return xlsx([["唐家湾卡点值守登记表"], HEADERS, *numbered, ["填表人：何军"]], merged="A1:I1")


def test_duty_rows_are_matched_to_posts_and_people_and_saved_pending(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    wang = make_person(world.village_a, "王强", id_number=next_id_number(dt.date(1990, 5, 3)))
    make_person(world.village_a, "李明")
    make_person(world.village_b, "李明")  # same name in another village of the town
    zhang_number = next_id_number(dt.date(1988, 1, 2))
    zhang = make_person(world.village_c, "张伟", id_number=zhang_number)
    rows = [
        [dt.date(2020, 2, 3), "唐家湾卡点", "王强", "", "08:00", "16:00", 12, "登记人数 17"],
        ["2月4日", "唐家湾卡点", "王强", "", "22:00", "06:00", "", ""],  # a night shift
        ["2020.02.05", "凌家镇农贸市场卡口", "", zhang_number, "6点", "18点", "", ""],
        ["2020-02-05", "凌家镇农贸市场卡口", "李明", "", "06:00", "18:00", "", ""],  # ambiguous
        ["2020-02-06", "不存在的卡点", "王强", "", "08:00", "16:00", "", ""],
        ["2020-02-31", "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""],
        ["2020-02-07", "唐家湾卡点", "王强", "", "八点", "16:00", "", ""],
        ["2020-02-08", "唐家湾卡点", "王强", "", "08:00", "16:00", "", "跳舞 3"],
        [dt.date(2020, 2, 3), "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""],  # again
        ["2020-02-03", "唐家湾卡点", "王强", "", "12:00", "20:00", "", ""],  # overlaps row 3
    ]
    plan = plan_duty_import(
        scope=None, data=logbook(rows), filename="唐家湾卡点.xlsx", campaign=frontline.campaign
    )
    assert [(r.row, r.reason) for r in plan.rejected] == [
        (6, "person_ambiguous"),
        (7, "post_unknown"),
        (8, "date_invalid"),
        (9, "time_invalid"),
        (10, "task_unknown"),
        (11, "duplicate_in_file"),
    ]
    created = apply_duty_import(acting_user=None, plan=plan)
    assert created == 3
    assert [(r.row, r.reason) for r in plan.rejected][-1] == (12, "not_saved")  # the overlap
    first = DutyRecord.objects.get(person=wang, starts_at__date=dt.date(2020, 2, 3))
    assert (first.status, first.source) == (Status.PENDING, Source.IMPORT)
    assert {t.kind.code: t.count for t in first.task_counts.all()} == {
        "households_screened": 12,
        "people_registered": 17,
    }
    night = DutyRecord.objects.get(person=wang, notes="", starts_at__gt=first.ends_at)
    assert night.ends_at is not None
    assert night.ends_at - night.starts_at == dt.timedelta(hours=8)
    assert DutyRecord.objects.filter(person=zhang, post=frontline.market).count() == 1


def test_a_log_naming_people_by_id_number_alone_is_read(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    """A log without a 姓名 column (a post that signs people in by ID card) is read; a file
    with neither column says which one it looks for."""
    number = next_id_number(dt.date(1990, 5, 3))
    wang = make_person(world.village_a, "王强", id_number=number)
    log = xlsx(
        [
            ["日期", "岗位", "公民身份号码", "上岗时间", "下岗时间"],
            ["2020-02-03", "唐家湾卡点", number, "08:00", "16:00"],
        ]
    )
    plan = plan_duty_import(scope=None, data=log, filename="刷证.xlsx", campaign=frontline.campaign)
    assert [(data.person, post) for _row, post, data in plan.accepted] == [
        (wang, frontline.checkpoint)
    ]
    nameless = xlsx(
        [["日期", "岗位", "上岗时间", "下岗时间"], ["2020-02-03", "唐家湾卡点", "8:00", "16:00"]]
    )
    with pytest.raises(UnreadableFile) as error:
        plan_duty_import(
            scope=None, data=nameless, filename="无名.xlsx", campaign=frontline.campaign
        )
    assert error.value.message == "各工作表的前 15 行中都没有找到含“姓名 / 身份证号”的表头行。"


def test_rows_saved_in_chunks_keep_the_files_order(
    world: World, frontline: Frontline, frozen_now: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows become entries and are saved in chunks (here of two) and streams of chunks (here
    of four rows), in the file's order across both: of two overlapping rows the earlier one
    in the file is saved and the later one handed back, whatever other people's rows lie
    between them or wherever a chunk ends. Progress is told after each chunk (inside the
    records' stream on PostgreSQL), not once a stream."""
    monkeypatch.setattr("houbei.duty.services.records.EVENT_RECORDS", 2)
    monkeypatch.setattr("houbei.duty.services.records.STREAM_RECORDS", 4)
    wang = make_person(world.village_a, "王强")
    li = make_person(world.village_a, "李明")
    rows = [
        ["2020-02-04", "唐家湾卡点", "王强", "", "12:00", "20:00", "", ""],  # row 3
        ["2020-02-04", "唐家湾卡点", "李明", "", "08:00", "16:00", "", ""],
        ["2020-02-05", "唐家湾卡点", "李明", "", "08:00", "16:00", "", ""],
        ["2020-02-03", "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""],
        # Overlaps row 3 and starts before it: the file's order decides, not the time's.
        ["2020-02-04", "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""],
        ["2020-02-06", "唐家湾卡点", "李明", "", "08:00", "16:00", "", ""],
    ]
    plan = plan_duty_import(
        scope=None, data=logbook(rows), filename="值守.xlsx", campaign=frontline.campaign
    )
    told: list[tuple[int, ...]] = []
    saved = apply_duty_import(
        acting_user=None, plan=plan, progress=lambda *done_of: told.append(done_of)
    )
    assert saved == 5
    assert told == [(2, 6), (4, 6), (6, 6)]
    assert [number for number, _post, _data in plan.accepted] == [3, 4, 5, 6, 8]
    assert [(r.row, r.reason) for r in plan.rejected] == [(7, "not_saved")]
    wangs = DutyRecord.objects.filter(person=wang).order_by("starts_at")
    assert [(r.starts_at.day, r.starts_at.hour) for r in wangs] == [(3, 0), (4, 4)]  # UTC
    assert DutyRecord.objects.filter(person=li).count() == 3


def test_a_night_shift_on_the_campaigns_last_day_meets_the_shifts_after_it(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    """A file's people and their recorded shifts are read before its rows are (they become
    entries while the records before them are saved), over a span that must still hold a
    shift starting after the campaign's last day that the last night's shift runs into."""
    wang = make_person(world.village_a, "王强")
    bj = dt.timezone(dt.timedelta(hours=8))
    morning = dt.datetime(2020, 2, 11, 2, 0, tzinfo=bj)
    duty_record_create(
        acting_user=None,
        post=frontline.market,
        data=DutyInput(wang, morning, morning + dt.timedelta(hours=6)),
    )
    frontline.campaign.end_date = dt.date(2020, 2, 10)
    frontline.campaign.save(update_fields=["end_date"])
    rows = [
        ["2020-02-10", "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""],
        ["2020-02-10", "唐家湾卡点", "王强", "", "22:00", "06:00", "", ""],  # into 02:00
    ]
    plan = plan_duty_import(
        scope=None, data=logbook(rows), filename="值守.xlsx", campaign=frontline.campaign
    )
    assert apply_duty_import(acting_user=None, plan=plan) == 1
    assert [(r.row, r.reason) for r in plan.rejected] == [(4, "not_saved")]
    assert "2020-02-11 02:00" in plan.rejected[0].message


def test_duty_import_on_the_command_line(
    world: World, frontline: Frontline, frozen_now: object, tmp_path: Path
) -> None:
    make_person(world.village_a, "王强")
    path = tmp_path / "值守.xlsx"
    path.write_bytes(logbook([["2020-02-03", "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""]]))
    out = io.StringIO()
    campaign = str(frontline.campaign.pk)
    call_command("import", "duty", str(path), "--campaign", campaign, "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"accepted": 1, "rejected": []}
    assert DutyRecord.objects.count() == 1


def test_an_imported_record_shows_its_import_as_its_first_event(
    world: World, frontline: Frontline, frozen_now: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One audit event per import batch and region lists every record as imported; the
    record's page shows its own line of it, the audit log the event with its count."""
    make_person(world.village_a, "王强")
    rows = [
        ["2020-02-03", "唐家湾卡点", "王强", "", "08:00", "16:00", 12, ""],
        ["2020-02-04", "唐家湾卡点", "王强", "", "22:00", "06:00", "", ""],
    ]
    plan = plan_duty_import(
        scope=None, data=logbook(rows), filename="值守.xlsx", campaign=frontline.campaign
    )
    assert apply_duty_import(acting_user=world.town_x_admin, plan=plan) == 2
    night = DutyRecord.objects.get(starts_at__date=dt.date(2020, 2, 4))
    (event,) = AuditEvent.objects.filter(event_type=EventType.DUTY_IMPORTED)
    assert night.import_event == event and event.extra_data["count"] == 2
    assert list(verify()) == []

    secretary = Client()
    secretary.force_login(world.secretary_a)
    page = secretary.get(
        reverse("duty:record_detail", args=[night.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    history = page.content.decode().split('class="timeline"')[1]
    assert "值守记录导入" in history
    assert "2020-02-04 22:00" in history and "2020-02-05 06:00" in history
    assert "摸排" not in history  # the other record's tasks are not this one's
    other_village = Client()
    other_village.force_login(world.secretary_b)
    assert other_village.get(reverse("duty:record_detail", args=[night.pk])).status_code == 404

    auditor = Client()
    auditor.force_login(world.auditor)
    entry = auditor.get(reverse("audit:detail", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert entry.status_code == 200
    assert "值守记录导入" in entry.content.decode()
    listed = entry.content.decode().split('data-testid="listed-records"')[1]
    assert listed.count("<tr>") == 3  # the header and the two records as imported
    assert "2020-02-04 22:00" in listed and "王强" in listed
    # An import's event lists up to 2 000 records: its page shows them a page at a time.
    monkeypatch.setattr(presenters, "LISTED_PER_PAGE", 1)
    second = auditor.get(
        reverse("audit:detail", args=[event.pk]), {"page": 2}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    listed = second.split('data-testid="listed-records"')[1].split("</table>")[0]
    assert listed.count("<tr>") == 2 and "2020-02-04 22:00" in listed
    assert "2020-02-03 08:00" not in listed and "第 2 / 2 页" in second
    other = Client()
    other.force_login(world.auditor_other)
    assert other.get(reverse("audit:detail", args=[event.pk])).status_code == 404


def test_the_cells_remembered_while_reading_a_log_are_forgotten_after_it(
    world: World, frontline: Frontline, frozen_now: object
) -> None:
    """Names and ID numbers folded while a file is read are kept only while it is read."""
    from houbei.imports.duty import _folded

    make_person(world.village_a, "王强")
    rows = [
        ["2020-02-03", "唐家湾卡点", "王强", "", "08:00", "16:00", "", ""],
        ["2020-02-04", "唐家湾卡点", "王强", next_id_number(), "08:00", "16:00", "", ""],
    ]
    assert _folded("王强") == "王强" and _folded.cache_info().currsize == 1  # remembering
    plan = plan_duty_import(
        scope=None, data=logbook(rows), filename="值守.xlsx", campaign=frontline.campaign
    )
    assert len(plan.accepted) == 1 and len(plan.rejected) == 1  # the unknown ID number
    assert _folded.cache_info().currsize == 0
