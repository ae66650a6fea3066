"""In a real browser: the village secretary, on a 360 × 800 phone, nominates a volunteer who
stood out at the checkpoint — citing his frontline record — and lists him as a village
reserve; the town admin, at a desk, sees him in the pool and prints his registration form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.campaigns.models import CampaignType, PostType
from houbei.campaigns.services import campaign_create, pattern_round_the_clock, post_create
from houbei.conftest import World
from houbei.duty.services.records import DutyInput, duty_record_create, duty_record_verify
from houbei.pipeline.models import Stage, StageDecision, Standing
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in, sign_out
from houbei.tests.factories import make_person

pytestmark = pytest.mark.browser


def test_secretary_nominates_a_volunteer_and_lists_him_as_village_reserve(
    phone: Page, desktop: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    page, url = phone, live_server.url
    today = timezone.localdate()
    campaign = campaign_create(
        acting_user=None,
        name="冬春森林防灭火",
        campaign_type=CampaignType.objects.get(code="flood_disaster"),
        region=world.town_x,
        start_date=today - dt.timedelta(days=30),
    )
    post = post_create(
        acting_user=None,
        campaign=campaign,
        post_type=PostType.objects.get(code="checkpoint"),
        name="唐家湾卡点",
        region=world.village_a,
        pattern=pattern_round_the_clock(3, people_needed=2),
    )
    volunteer = make_person(world.village_a, "钟利洪")
    for back in range(6, 0, -1):  # six nights in a row, 00:00–08:00
        start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(
            days=back
        )
        record = duty_record_create(
            acting_user=None,
            post=post,
            data=DutyInput(volunteer, start, start + dt.timedelta(hours=8)),
        )
        duty_record_verify(acting_user=None, record=record)

    # From the registry: the person's page says he is not nominated yet.
    sign_in(page, url, "village-a")
    page.goto(f"{url}/people/{volunteer.pk}/")
    summary = page.get_by_test_id("reserve-summary")
    expect(summary).to_contain_text("尚未推荐")
    summary.get_by_role("link", name="推荐为人选").click()

    # The nomination form shows his frontline record, which goes with it as evidence.
    expect(page.locator("main h1")).to_have_text("推荐 钟利洪")
    expect(page.get_by_test_id("frontline-figures")).to_contain_text("48.0")
    page.get_by_label("一线队伍发现").check()
    page.locator("#id_campaign").select_option(label="冬春森林防灭火")
    page.get_by_label("一线敢担当").check()
    page.get_by_label("热心服务群众").check()
    page.locator("#id_reasons").fill("连续六个夜班值守唐家湾卡点，主动承担最辛苦的班次。")
    page.locator("#id_target_post").select_option("member")
    screenshot(page, "phone-40-nominate")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="推荐", exact=True).click()

    # A candidate now, with the nomination as the first entry of his history.
    expect(page.locator(".message")).to_contain_text("钟利洪 已列为人选")
    expect(page.get_by_test_id("standing")).to_contain_text("人选")
    expect(page.get_by_test_id("decisions")).to_contain_text("连续六个夜班值守唐家湾卡点")
    screenshot(page, "phone-41-candidate")
    assert_no_horizontal_scroll(page)

    # The village Party organization lists him as a village reserve.
    page.get_by_test_id("moves").get_by_role("link", name="列为村级后备力量").click()
    expect(page.get_by_test_id("frontline-figures")).to_contain_text("6")
    page.locator("#id_document_number").fill("花红党〔2026〕1号")
    page.locator("#id_reason").fill("经村党组织会议研究，同意列为村级后备力量。")
    screenshot(page, "phone-42-decide")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="录入决定").click()
    expect(page.locator(".message")).to_contain_text("现为村级后备力量")
    expect(page.get_by_test_id("standing")).to_contain_text("村级后备力量")
    decisions = page.get_by_test_id("decisions")
    expect(decisions).to_contain_text("花红党〔2026〕1号")
    expect(decisions).to_contain_text("花红村党组织")
    screenshot(page, "phone-43-village-reserve")
    assert_no_horizontal_scroll(page)

    # The evidence of the decision, as it stood that day.
    decisions.get_by_role("link", name="决定依据").first.click()
    expect(page.get_by_test_id("evidence")).to_contain_text("48.0")
    screenshot(page, "phone-44-evidence")
    assert_no_horizontal_scroll(page)
    sign_out(page)

    standing = Standing.objects.get(person=volunteer)
    assert standing.stage == Stage.VILLAGE_RESERVE
    decision = StageDecision.objects.filter(person=volunteer).first()
    assert decision is not None and decision.entered_by == world.secretary_a
    assert decision.evidence["overall"]["shifts"] == 6

    # At a desk, the town admin finds him in the pool and opens his registration form.
    sign_in(desktop, url, "town-x")
    desktop.goto(f"{url}/pipeline/")
    desktop.get_by_test_id("pool-list").get_by_role("link", name="钟利洪").click()
    expect(desktop.get_by_test_id("moves")).to_contain_text("列为镇级后备")
    screenshot(desktop, "desktop-40-reserve-file")
    desktop.get_by_role("link", name="登记表").click()
    dossier = desktop.get_by_test_id("dossier")
    expect(dossier).to_contain_text("村级后备力量登记表")
    expect(dossier).to_contain_text("花红党〔2026〕1号")
    screenshot(desktop, "desktop-41-registration-form")
    desktop.goto(f"{url}/pipeline/targets/")
    expect(desktop.get_by_test_id("targets")).to_contain_text("花红村")
    screenshot(desktop, "desktop-42-targets")
