"""In a real browser: a village's paper log is imported; the town's verifier narrows the
review queue to imports at the checkpoint, ticks two shifts on a phone and verifies them,
then verifies the rest of the list at once on a desktop; each shift's history shows the
verification of many that verified it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import Frontline, World
from houbei.duty.models import DutyRecord, PersonIndicator, Status
from houbei.imports.duty import apply_duty_import, plan_duty_import
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in
from houbei.tests.factories import make_person, xlsx

pytestmark = pytest.mark.browser

NAMES = ("王强", "李娟", "张旭", "陈丽", "刘洋")


def _logbook() -> bytes:
    return xlsx(
        [
            ["日期", "岗位", "姓名", "上岗时间", "下岗时间", "摸排户数"],
            *(
                [f"2020-02-0{day}", "唐家湾卡点", name, "08:00", "16:00", 10]
                for day in (3, 4)
                for name in NAMES
            ),
        ]
    )


def test_a_verifier_verifies_ticked_shifts_then_the_whole_narrowed_list(
    phone: Page,
    desktop: Page,
    live_server: LiveServer,
    transactional_db: None,
    world: World,
    frontline: Frontline,
) -> None:
    for name in NAMES:
        make_person(world.village_a, name)
    plan = plan_duty_import(
        scope=None, data=_logbook(), filename="唐家湾卡点.xlsx", campaign=frontline.campaign
    )
    assert apply_duty_import(acting_user=world.secretary_a, plan=plan) == 10

    sign_in(phone, live_server.url, "town-x")
    phone.goto(f"{live_server.url}/duty/review/")
    phone.get_by_text("按岗位或录入方式筛选").click()
    phone.get_by_label("岗位").select_option(label=f"{frontline.campaign.name} · 唐家湾卡点")
    phone.get_by_label("录入方式").select_option(value="import")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.locator(".result-count")).to_contain_text("10")
    ticks = phone.locator("input[name=record]")
    expect(ticks).to_have_count(10)
    # Far down the list, with its first rows scrolled away, the buttons stay in reach.
    ticks.nth(9).scroll_into_view_if_needed()
    expect(ticks.nth(0)).not_to_be_in_viewport()
    expect(phone.get_by_test_id("verify-many")).to_be_in_viewport()
    screenshot(phone, "phone-81-review-scrolled", as_scrolled=True)
    ticks.nth(0).check()
    ticks.nth(1).check()
    screenshot(phone, "phone-81-review-ticked")
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("button", name="核验所勾选的记录").click()
    expect(phone.locator(".messages")).to_contain_text("已核验 2 条记录")
    expect(phone.locator(".result-count")).to_contain_text("8")

    sign_in(desktop, live_server.url, "town-x")
    desktop.goto(phone.url)  # the same narrowed list
    verify_all = desktop.get_by_role("button", name="核验此列表的全部 8 条记录")
    desktop.once("dialog", lambda dialog: dialog.accept())
    screenshot(desktop, "desktop-81-review-narrowed")
    verify_all.click()
    expect(desktop.locator(".messages")).to_contain_text("已核验 8 条记录")
    expect(desktop.locator(".result-count")).to_contain_text("0")
    assert not DutyRecord.objects.exclude(status=Status.VERIFIED).exists()
    figures = PersonIndicator.objects.get(person__name="王强", campaign_key=0)
    assert (figures.shifts, figures.days, figures.tasks) == (2, 2, {"households_screened": 20})

    shift = DutyRecord.objects.filter(person__name="刘洋").order_by("starts_at").last()
    assert shift is not None
    desktop.goto(f"{live_server.url}/duty/records/{shift.pk}/")
    history = desktop.locator("ul.timeline > li").first
    expect(history).to_contain_text("值守记录批量核验")
    screenshot(desktop, "desktop-82-record-verified-together")
