"""End to end, in a real browser: a village secretary registers a person on a 360 px phone,
finds her again by pinyin and by either script, reveals her ID number with a reason; the
secretary of the next village sees none of it. An administrator's pages on a desktop, and
the Traditional Chinese interface."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import World
from houbei.people.models import Person
from houbei.tests.browser.conftest import (
    assert_no_horizontal_scroll,
    screenshot,
    search_people,
    sign_in,
    sign_out,
)
from houbei.tests.factories import make_person, next_id_number

pytestmark = pytest.mark.browser

MASKED_ID = re.compile(r"^5110\*{10}\d{3}[\dX]$")


def result_count(page: Page, total: int) -> None:
    expect(page.get_by_test_id("result-count")).to_have_text(f"共 {total} 人")


def test_secretary_registers_and_finds_a_person_on_a_phone(
    phone: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    page, url = phone, live_server.url
    make_person(world.village_a, "王强")  # so that the searches below must filter
    make_person(world.village_b, "陈丽")  # another village's, never listed for village-a
    id_number = next_id_number(male=False)

    # Sign in.
    page.goto(f"{url}/accounts/login/")
    screenshot(page, "phone-01-login")
    assert_no_horizontal_scroll(page)
    sign_in(page, url, "village-a")
    screenshot(page, "phone-02-home")
    assert_no_horizontal_scroll(page)

    # The bottom navigation leads to the registration form.
    nav = page.locator("nav.mainnav")
    box = nav.bounding_box()
    assert box is not None and box["y"] + box["height"] == pytest.approx(800, abs=1)
    nav.get_by_role("link", name="登记").click()
    expect(page.locator("main h1")).to_have_text("登记人员")
    expect(page.locator("#id_village")).to_have_value(str(world.village_a.pk))
    screenshot(page, "phone-03-register-form")
    assert_no_horizontal_scroll(page)

    page.locator("#id_name").fill("陳麗華")
    page.locator("#id_id_number").fill(id_number)
    page.locator("#id_phone").fill("139 0000 1111")
    page.locator("#id_villager_group").select_option(label="二社")
    page.locator("#id_political_status").select_option(label="共青团员")
    page.locator("#field-categories").get_by_text("返乡农民工", exact=True).click()
    expect(page.locator("#field-categories").get_by_label("返乡农民工")).to_be_checked()
    screenshot(page, "phone-04-register-filled")
    page.get_by_role("button", name="登记", exact=True).click()

    # The detail page: the name as typed, the ID number masked.
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person_url = page.url
    person = Person.objects.get(pk=int(person_url.rstrip("/").rsplit("/", 1)[-1]))
    expect(page.get_by_test_id("person-name")).to_have_text("陳麗華")
    expect(page.get_by_test_id("masked-id")).to_have_text(MASKED_ID)
    expect(page.get_by_test_id("masked-id")).to_have_text(id_number[:4] + "*" * 10 + id_number[-4:])
    expect(page.locator("main")).to_contain_text("二社")
    expect(page.locator("main")).to_contain_text("共青团员")
    expect(page.locator("main")).to_contain_text("返乡农民工")
    screenshot(page, "phone-05-detail")
    assert_no_horizontal_scroll(page)
    assert person.village == world.village_a

    # Found again by initials, by the Simplified name and by full pinyin.
    page.locator("nav.mainnav").get_by_role("link", name="人员").click()
    result_count(page, 2)
    results = page.locator("#results")
    for term in ("clh", "陈丽华", "chenlihua"):
        search_people(page, term)
        result_count(page, 1)
        expect(results.get_by_role("link")).to_have_count(1)
        expect(results.get_by_role("link")).to_contain_text("陳麗華")
        if term == "clh":
            screenshot(page, "phone-06-search-initials")
            assert_no_horizontal_scroll(page)

    # Her full ID number, once a reason is given.
    results.get_by_role("link", name=re.compile("陳麗華")).click()
    page.wait_for_url(person_url)
    reveal = page.locator(".reveal", has=page.get_by_test_id("masked-id"))
    reveal.locator("summary", has_text="查看完整号码").click()
    reveal.locator("select[name=reason]").select_option(label="核实身份")
    screenshot(page, "phone-07-reveal-form")
    assert_no_horizontal_scroll(page)
    reveal.get_by_role("button", name="查看完整号码").click()
    expect(page.get_by_test_id("revealed-id_number")).to_have_text(id_number)
    screenshot(page, "phone-08-revealed")
    assert_no_horizontal_scroll(page)

    # The secretary of 新祠堂村, same town: neither the record nor a search result.
    sign_out(page)
    sign_in(page, url, "village-b")
    response = page.goto(person_url)
    assert response is not None and response.status == 404
    expect(page.locator("main h1")).to_have_text("未找到")
    expect(page.locator("main")).not_to_contain_text("陳麗華")
    screenshot(page, "phone-09-other-village-404")
    assert_no_horizontal_scroll(page)
    page.goto(f"{url}/people/")
    result_count(page, 1)  # her own village's 陈丽
    search_people(page, "clh")
    result_count(page, 0)
    expect(page.locator("#results")).not_to_contain_text("陳麗華")
    screenshot(page, "phone-10-other-village-search")
    assert_no_horizontal_scroll(page)


def test_a_wrong_id_number_is_explained_next_to_the_field(
    phone: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    page, url = phone, live_server.url
    make_person(world.village_a, "王强")
    make_person(world.village_a, "李秀英")
    sign_in(page, url, "village-a")
    page.locator("nav.mainnav").get_by_role("link", name="人员").click()
    result_count(page, 2)

    page.locator("nav.mainnav").get_by_role("link", name="登记").click()
    page.locator("#id_name").fill("陳麗華")
    page.locator("#id_id_number").fill("340524198001010013")  # last character should be X
    page.get_by_role("button", name="登记", exact=True).click()

    error = page.locator("#field-id_number p.error")
    expect(error).to_contain_text("校验位不符")
    expect(error).to_contain_text("X")
    expect(page.locator("#field-id_number")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.locator("#id_name")).to_have_value("陳麗華")
    expect(page.locator("#id_id_number")).to_have_value("340524198001010013")
    screenshot(page, "phone-11-register-checksum-error")
    assert_no_horizontal_scroll(page)

    page.locator("nav.mainnav").get_by_role("link", name="人员").click()
    result_count(page, 2)
    assert Person.objects.count() == 2


def test_district_admin_pages_on_a_desktop(
    desktop: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    page, url = desktop, live_server.url
    make_person(world.village_a, "王强", villager_group=world.group_a1)
    make_person(world.village_a, "刘芳", id_number=next_id_number(male=False))
    make_person(world.village_b, "陈建国", political_status="cpc_member")
    make_person(world.village_c, "张敏", id_number=next_id_number(male=False))
    sign_in(page, url, "district")

    admin = world.district_admin
    pages = [
        ("/", "desktop-01-home", f"您好，{admin.display_name}"),
        ("/people/", "desktop-02-people", "人员"),
        (f"/regions/{world.town_x.code}/", "desktop-03-region-town", "凌家镇"),
        ("/accounts/users/", "desktop-04-accounts", "账号管理"),
        ("/audit/", "desktop-05-audit", "审计日志"),
    ]
    for path, name, heading in pages:
        response = page.goto(f"{url}{path}")
        assert response is not None and response.status == 200, path
        expect(page.locator("main h1").first).to_be_visible()
        expect(page.locator("main h1").first).to_contain_text(heading)
        if path == "/people/":
            result_count(page, 4)
        screenshot(page, name)
        assert_no_horizontal_scroll(page)


def test_traditional_chinese_interface(
    phone: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    page, url = phone, live_server.url
    page.goto(f"{url}/accounts/login/")
    expect(page.locator("main h1")).to_have_text("登录后备力量培养系统")
    with page.expect_navigation():
        page.locator(".language-form select[name=language]").select_option(label="繁體中文")
    expect(page.locator("main h1")).to_have_text("登錄後備力量培養系統")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    screenshot(page, "phone-12-login-traditional")
    assert_no_horizontal_scroll(page)

    sign_in(page, url, "village-a")
    nav = page.locator("nav.mainnav")
    expect(nav.get_by_role("link", name="人員")).to_be_visible()
    expect(nav.get_by_role("link", name="首頁")).to_be_visible()
    expect(nav).not_to_contain_text("人员")
    screenshot(page, "phone-13-home-traditional")
    assert_no_horizontal_scroll(page)
