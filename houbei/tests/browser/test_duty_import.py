"""In a real browser: a town imports a checkpoint's paper log; the village secretary opens
one of the imported shifts on a phone and reads, first in its history, the import's line
for that shift; the district reads the import itself in the audit log on a desktop."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord, Source, Status
from houbei.imports.duty import apply_duty_import, plan_duty_import
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in
from houbei.tests.factories import make_person, xlsx

pytestmark = pytest.mark.browser


def _logbook() -> bytes:
    return xlsx(
        [
            ["日期", "岗位", "姓名", "上岗时间", "下岗时间", "摸排户数", "备注"],
            ["2020-02-03", "唐家湾卡点", "王强", "08:00", "16:00", 12, "纸质登记补录"],
            ["2020-02-04", "唐家湾卡点", "王强", "22:00", "06:00", "", ""],
        ]
    )


def test_an_imported_shift_shows_its_import_first_in_its_history(
    phone: Page,
    desktop: Page,
    live_server: LiveServer,
    transactional_db: None,
    world: World,
    frontline: Frontline,
) -> None:
    make_person(world.village_a, "王强")
    plan = plan_duty_import(
        scope=None, data=_logbook(), filename="唐家湾卡点.xlsx", campaign=frontline.campaign
    )
    assert apply_duty_import(acting_user=world.town_x_admin, plan=plan) == 2
    day = DutyRecord.objects.get(starts_at__date=dt.date(2020, 2, 3))

    sign_in(phone, live_server.url, "village-a")
    phone.goto(f"{live_server.url}/duty/records/{day.pk}/")
    history = phone.locator("ul.timeline > li").first
    expect(history).to_contain_text("值守记录导入")
    expect(history).to_contain_text("2020-02-03 08:00")
    expect(history).to_contain_text("摸排")
    expect(history).to_contain_text("纸质登记补录")
    expect(phone.locator("ul.timeline")).not_to_contain_text("2020-02-04 22:00")
    screenshot(phone, "phone-80-imported-record")
    assert_no_horizontal_scroll(phone)

    event = AuditEvent.objects.get(event_type=EventType.DUTY_IMPORTED)
    sign_in(desktop, live_server.url, "district")
    desktop.goto(f"{live_server.url}/audit/{event.pk}/")
    expect(desktop.locator("main")).to_contain_text("值守记录导入")
    expect(desktop.locator("main")).to_contain_text("记录条数")
    expect(desktop.locator("main")).to_contain_text("导入时的记录")
    listed = desktop.get_by_test_id("listed-records")
    expect(listed.locator("tbody tr")).to_have_count(2)
    expect(listed.locator("tbody tr").first).to_contain_text("王强")
    expect(listed).to_contain_text("2020-02-04 22:00")
    expect(listed).to_contain_text("摸排户数 12")
    screenshot(desktop, "desktop-80-import-event")


def test_a_secretary_imports_a_checkpoints_log_from_the_campaign_page(
    phone: Page,
    desktop: Page,
    live_server: LiveServer,
    transactional_db: None,
    world: World,
    frontline: Frontline,
    tmp_path: Path,
) -> None:
    """On a phone: the campaign's page → 导入值守记录 (its blank form downloaded) → the file
    checked (one row ready, one handed back with its reason) → imported → the shift waits
    in the review queue, where the town admin on a desktop finds it."""
    make_person(world.village_a, "王强")
    log = tmp_path / "唐家湾卡点值守登记.xlsx"
    log.write_bytes(
        xlsx(
            [
                ["日期", "岗位", "姓名", "上岗时间", "下岗时间", "工作内容"],
                ["2020-02-03", "唐家湾卡点", "王强", "08:00", "16:00", "登记人数 17"],
                ["2020-02-04", "唐家湾卡点", "王五", "08:00", "16:00", ""],
            ]
        )
    )
    page = phone
    sign_in(page, live_server.url, "village-a")
    page.goto(f"{live_server.url}/campaigns/{frontline.campaign.pk}/")
    page.get_by_test_id("duty-import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入值守记录")
    screenshot(page, "phone-73-duty-import-upload")
    assert_no_horizontal_scroll(page)
    with page.expect_download() as download:
        page.get_by_test_id("duty-form").click()
    assert download.value.suggested_filename == "2020年新冠肺炎疫情防控-值守登记表.xlsx"
    form = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [cell.value for cell in form.worksheets[0][3]][:3] == ["日期", "岗位", "姓名"]
    posts = [row[0].value for row in form["岗位"].iter_rows()]
    assert posts == ["凌家镇农贸市场卡口", "唐家湾卡点"]

    page.locator("#id_file").set_input_files(str(log))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_test_id("import-counts")).to_contain_text("1")
    expect(page.get_by_test_id("import-rejected")).to_contain_text("花红村没有登记名为王五的人员")
    screenshot(page, "phone-74-duty-import-preview")
    assert_no_horizontal_scroll(page)
    assert not DutyRecord.objects.exists()

    page.get_by_test_id("import-apply").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("班次已保存，待核验")
    screenshot(page, "phone-75-duty-import-result")
    assert_no_horizontal_scroll(page)
    (record,) = DutyRecord.objects.all()
    assert (record.source, record.status, record.recorded_by) == (
        Source.IMPORT,
        Status.PENDING,
        world.secretary_a,
    )

    sign_in(desktop, live_server.url, "town-x")
    desktop.goto(f"{live_server.url}/duty/review/?source=import")
    expect(desktop.locator("main")).to_contain_text("王强")
    expect(desktop.locator("main")).to_contain_text("2020-02-03")
    screenshot(desktop, "desktop-74-duty-import-review")
