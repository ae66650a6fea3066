"""In a real browser: the district reads the dashboard at a desk (a chart draws, a number
opens its list, the list exports to Excel); a village secretary reads theirs on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import Frontline, World
from houbei.reports.tests.test_figures import END, START, expected, generate
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_and_its_numbers_open_their_lists(
    phone: Page,
    desktop: Page,
    live_server: LiveServer,
    transactional_db: None,
    world: World,
    frontline: Frontline,
    tmp_path: Path,
) -> None:
    data = generate(world, frontline, 3)
    want = expected(data, frontline.campaign.pk)
    served = len(want["served_total"])
    query = f"campaign={frontline.campaign.pk}&start={START.isoformat()}&end={END.isoformat()}"

    page = desktop
    sign_in(page, live_server.url, "district")
    page.get_by_role("link", name="报表").first.click()
    page.goto(f"{live_server.url}/reports/?region={world.district.code}&{query}")
    expect(page.get_by_test_id("headline")).to_contain_text("返乡农民工一线服务人数")
    card = page.locator('[data-figure="migrant_workers_served"] .figure-value')
    expect(card).to_have_text(str(len(want["migrant_workers_served"])))
    chart = page.get_by_test_id("chart-hours")
    expect(chart).to_have_attribute("data-chart-ready", "1")
    expect(chart.locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("chart-funnel")).to_contain_text("村级后备力量")  # CJK labels
    screenshot(page, "desktop-60-dashboard")

    page.locator('[data-figure-link="served_total"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("一线服务人员")
    expect(page.get_by_test_id("people-count")).to_contain_text(f"{served} 人")
    expect(page.get_by_test_id("figure-people").locator("li")).to_have_count(served)
    screenshot(page, "desktop-61-figure-list")
    with page.expect_download() as download:
        page.get_by_test_id("people-xlsx").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(saved).active
    assert sheet["A1"].value == "一线服务人员"
    assert sheet.max_row - 3 == served

    # A village secretary on a phone: only their village, nothing wider than the screen.
    sign_in(phone, live_server.url, "village-a")
    phone.goto(f"{live_server.url}/reports/?{query}")
    expect(phone.get_by_test_id("report-scope")).to_contain_text("花红村")
    expect(phone.get_by_test_id("chart-political")).to_have_attribute("data-chart-ready", "1")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "phone-60-dashboard-village")
    village_served = {
        p.pk for p in data.people if p.village_id in (world.village_a.pk, world.village_merged.pk)
    } & want["served_total"]
    phone.locator('[data-figure-link="served_total"]').click()
    expect(phone.get_by_test_id("figure-people").locator("li")).to_have_count(
        len(village_served) or 1  # "nobody" is one list item
    )
    screenshot(phone, "phone-61-figure-list-village")
