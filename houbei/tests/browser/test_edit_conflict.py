"""In a real browser: the village secretary (on a phone) and the town admin (at a desk) open
the same team; the secretary renames it first. The town admin's save is refused with who
changed what, their entries stay in the form, and saving again goes through knowingly."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import World
from houbei.teams.models import Team, TeamKind
from houbei.teams.services import team_create
from houbei.tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_second_editor_sees_the_first_change_and_saves_knowingly(
    phone: Page, desktop: Page, live_server: LiveServer, transactional_db: None, world: World
) -> None:
    team = team_create(
        acting_user=None,
        name="花红村志愿服务队",
        kind=TeamKind.objects.get(code="volunteer_service"),
        region=world.village_a,
    )
    edit = f"{live_server.url}/teams/{team.pk}/edit/"
    sign_in(phone, live_server.url, "village-a")
    sign_in(desktop, live_server.url, "town-x")
    phone.goto(edit)
    desktop.goto(edit)

    phone.get_by_label("名称").fill("花红村青年突击队")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_role("heading", name="花红村青年突击队")).to_be_visible()

    desktop.get_by_label("名称").fill("花红村巾帼服务队")
    desktop.get_by_role("button", name="保存").click()
    alert = desktop.get_by_role("alert")
    expect(alert).to_contain_text("修改了这条记录")
    expect(alert).to_contain_text("花红村志愿服务队 → 花红村青年突击队")
    expect(desktop.get_by_label("名称")).to_have_value("花红村巾帼服务队")  # not lost
    screenshot(desktop, "edit-conflict-desktop")
    team.refresh_from_db()
    assert team.name == "花红村青年突击队"

    # The same on a phone-width screen, then saving again knowingly.
    desktop.set_viewport_size({"width": 360, "height": 800})
    assert_no_horizontal_scroll(desktop)
    screenshot(desktop, "edit-conflict-phone")
    desktop.get_by_role("button", name="保存").click()
    expect(desktop.get_by_role("heading", name="花红村巾帼服务队")).to_be_visible()
    assert Team.objects.get(pk=team.pk).name == "花红村巾帼服务队"
