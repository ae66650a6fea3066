"""In a real browser: a department clerk (公安分局) records a verdict on a 360 × 800 phone,
and the district, at a desk, sees the batch's result change and publishes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import World
from houbei.lib import crypto
from houbei.people.models import Person, PersonalDataReveal
from houbei.pipeline.stages import Stage
from houbei.pipeline.tests.conftest import place
from houbei.review.models import Department, DepartmentVerdict, Verdict
from houbei.review.services import batch_open, verdict_record
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in
from houbei.tests.factories import make_person

pytestmark = pytest.mark.browser


def test_a_clerks_verdict_changes_the_batch_result(
    phone: Page, desktop: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    today = timezone.localdate()
    police, court = Department.objects.get(code="police"), Department.objects.get(code="court")
    police.clerks.add(world.clerk)
    reserve = make_person(world.village_c, "何娟")
    place(reserve, Stage.VILLAGE_RESERVE)
    batch = batch_open(
        acting_user=None,
        region=world.district,
        name="第一批区级集中联审",
        opened_on=today - dt.timedelta(days=2),
        deadline=today + dt.timedelta(days=5),
        departments=[police, court],
        people=[reserve],
    )
    verdict_record(
        acting_user=None,
        verdict=DepartmentVerdict.objects.get(department=court),
        result=Verdict.PASS,
    )

    # The district sees the batch waiting for 公安分局.
    sign_in(desktop, live_server.url, "district")
    desktop.goto(f"{live_server.url}/review/{batch.pk}/")
    row = desktop.locator(f'[data-testid="matrix"] tr[data-person="{reserve.pk}"]')
    expect(row).to_contain_text("联审中")
    expect(row).to_contain_text("未反馈")
    screenshot(desktop, "desktop-50-batch-in-review")

    # The clerk, on a phone: the queue, the person, the full ID number (recorded), a pass.
    page = phone
    sign_in(page, live_server.url, "clerk")
    page.get_by_role("link", name="我的联审事项").first.click()
    expect(page.get_by_test_id("queue-open")).to_contain_text("何娟")
    screenshot(page, "phone-50-clerk-queue")
    assert_no_horizontal_scroll(page)
    page.get_by_test_id("queue-open").get_by_role("link", name="何娟").click()
    page.get_by_role("button", name="显示完整号码以便核查（将被记录）").click()
    expect(page.get_by_test_id("revealed")).to_have_text(reserve_number(reserve))
    page.get_by_label("通过", exact=True).check()
    screenshot(page, "phone-51-clerk-verdict")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="提交联审意见").click()
    expect(page.locator(".message")).to_contain_text("已录入 何娟 的联审意见")
    expect(page.get_by_test_id("queue-open")).to_contain_text("没有待核查事项")
    assert PersonalDataReveal.objects.filter(
        person=reserve, user=world.clerk, reason="joint_review"
    ).exists()

    # The district's page now shows everyone cleared; the results are published.
    desktop.reload()
    expect(row).to_contain_text("联审通过，待公示")
    desktop.get_by_role("button", name="公示", exact=True).click()
    expect(desktop.locator(".message")).to_contain_text("已公示")
    expect(row).to_contain_text("公示中")
    screenshot(desktop, "desktop-51-batch-published")


def reserve_number(person: Person) -> str:
    return crypto.decrypt(person.id_number_encrypted)
