"""In a real browser: a town imports a checkpoint's paper log; the village secretary opens
one of the imported shifts on a phone and reads, first in its history, the import's line
for that shift; the district reads the import itself in the audit log on a desktop."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord
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
