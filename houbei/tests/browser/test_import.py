"""In a real browser, on a phone: a village secretary downloads the example roster, uploads
it, reads the preview (two rows ready, one refused with its reason), imports, and downloads
the refused row as a workbook to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import World
from houbei.people.models import Person
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_roster_is_checked_imported_and_its_refused_row_handed_back(
    phone: Page, live_server: LiveServer, transactional_db: None, world: World, tmp_path: Path
) -> None:
    page = phone
    sign_in(page, live_server.url, "village-a")
    page.goto(f"{live_server.url}/people/")
    page.get_by_test_id("import-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入人员")
    with page.expect_download() as example:
        page.get_by_test_id("import-example").click()
    roster = tmp_path / "花红村花名册.xlsx"
    example.value.save_as(roster)
    screenshot(page, "phone-70-import-upload")
    assert_no_horizontal_scroll(page)

    page.locator("#id_file").set_input_files(str(roster))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_test_id("import-counts")).to_contain_text("2")
    expect(page.get_by_test_id("import-rejected")).to_contain_text("身份证号码应为18位")
    screenshot(page, "phone-71-import-preview")
    assert_no_horizontal_scroll(page)
    assert not Person.objects.exists()

    page.get_by_test_id("import-apply").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("2")
    assert set(Person.objects.values_list("name", flat=True)) == {"王强", "李秀英"}
    screenshot(page, "phone-72-import-result")
    with page.expect_download() as refused:
        page.get_by_test_id("import-errors").click()
    back = tmp_path / "refused.xlsx"
    refused.value.save_as(back)
    sheet = load_workbook(back).active
    assert sheet.max_row == 4 and sheet["B4"].value == "张伟"
