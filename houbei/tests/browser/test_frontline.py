"""In a real browser on a 360 × 800 phone: a post leader checks a rostered volunteer in and
out at the checkpoint in two taps, and the volunteer's indicators change on the profile the
village secretary opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.campaigns.models import CampaignType, PostType
from houbei.campaigns.services import ShiftSpec, campaign_create, post_create
from houbei.conftest import World
from houbei.duty.indicators import local_zone
from houbei.duty.models import DutyRecord, PersonIndicator, Status
from houbei.duty.services.roster import roster_assign
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in, sign_out
from houbei.tests.factories import make_person

pytestmark = pytest.mark.browser


def test_post_leader_checks_in_and_out_and_the_indicators_follow(
    phone: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    page, url = phone, live_server.url
    today = timezone.now().astimezone(local_zone()).date()
    campaign = campaign_create(
        acting_user=None,
        name="冬春森林防灭火",
        campaign_type=CampaignType.objects.get(code="flood_disaster"),
        region=world.town_x,
        start_date=today - dt.timedelta(days=7),
    )
    post = post_create(
        acting_user=None,
        campaign=campaign,
        post_type=PostType.objects.get(code="checkpoint"),
        name="花红村森林防火检查站",
        region=world.village_a,
        pattern=[ShiftSpec("全天", dt.time(0), 24 * 60, 2)],
        leaders=[world.post_leader],
    )
    volunteer = make_person(world.village_a, "钟利洪")
    roster_assign(
        acting_user=None,
        post=post,
        template=post.shift_templates.get(),
        day=today,
        person=volunteer,
    )

    # The post leader's home page leads to today's screen of the post they lead.
    sign_in(page, url, "post-a")
    page.get_by_test_id("led-post").click()
    expect(page.locator("main h1")).to_have_text("花红村森林防火检查站")
    row = page.locator(f'.today-row[data-person="{volunteer.pk}"]')
    expect(row).to_contain_text("未签到")
    screenshot(page, "phone-20-post-today")
    assert_no_horizontal_scroll(page)

    # Tap one: check in.
    row.get_by_test_id("check-in").click()
    expect(page.locator(".message")).to_contain_text("钟利洪 已签到")
    row = page.locator(f'.today-row[data-person="{volunteer.pk}"]')
    expect(row).to_contain_text("起在岗")
    screenshot(page, "phone-21-checked-in")
    assert DutyRecord.objects.get(person=volunteer).status == Status.OPEN
    assert not PersonIndicator.objects.filter(person=volunteer).exists()

    # The shift goes on: move its start four hours back (a browser test cannot wait that
    # long; a check-out minutes after the check-in would wait for review instead).
    DutyRecord.objects.filter(person=volunteer).update(
        starts_at=timezone.now() - dt.timedelta(hours=4)
    )

    # Tap two: check out, with a count of the tasks done.
    page.reload()
    row = page.locator(f'.today-row[data-person="{volunteer.pk}"]')
    row.locator("details.more summary").click()
    row.get_by_label("登记人数").fill("17")
    row.get_by_test_id("check-out").click()
    expect(page.locator(".message")).to_contain_text("钟利洪 已签退")
    screenshot(page, "phone-22-checked-out")
    record = DutyRecord.objects.get(person=volunteer)
    assert record.status == Status.VERIFIED and record.verified_by == world.post_leader
    sign_out(page)

    # The village secretary opens the volunteer's frontline record: one shift, one day.
    sign_in(page, url, "village-a")
    page.goto(f"{url}/duty/people/{volunteer.pk}/")
    expect(page.get_by_test_id("hours")).to_have_text("4.0")
    expect(page.get_by_test_id("shifts")).to_have_text("1")
    # One day, or two when the four hours straddle midnight in Beijing (tests run at any hour).
    zone = local_zone()
    spanned = {record.starts_at.astimezone(zone).date(), record.ends_at.astimezone(zone).date()}
    expect(page.get_by_test_id("days")).to_have_text(str(len(spanned)))
    expect(page.get_by_test_id("longest-run")).to_have_text(str(len(spanned)))
    expect(page.locator("main")).to_contain_text("登记人数 17")
    expect(page.locator("main")).to_contain_text("花红村森林防火检查站")
    screenshot(page, "phone-23-profile-indicators")
    assert_no_horizontal_scroll(page)
    figures = PersonIndicator.objects.get(person=volunteer, campaign_key=0)
    assert (figures.shifts, figures.days, figures.tasks) == (
        1,
        len(spanned),
        {"people_registered": 17},
    )
