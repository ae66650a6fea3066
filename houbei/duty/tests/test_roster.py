import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from houbei.accounts.scoping import Scope
from houbei.conftest import Frontline, World
from houbei.duty.models import RosterAssignment
from houbei.duty.selectors import roster_week
from houbei.duty.services.roster import roster_assign, roster_copy_forward, roster_unassign
from houbei.tests.factories import make_legacy_person, make_person

BJ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.usefixtures("frozen_now")


def template(post, hour):
    return post.shift_templates.get(start_time=dt.time(hour))


def test_a_person_on_two_overlapping_shifts_is_refused_with_a_clear_message(
    world: World, frontline: Frontline
):
    person = make_person(world.village_a, "钟利洪")
    roster_assign(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        template=template(frontline.checkpoint, 16),
        day=dt.date(2020, 2, 21),
        person=person,
    )
    # The town's market post from 18:00 overlaps 16:00–24:00.
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        roster_assign(
            acting_user=world.town_x_admin,
            post=frontline.market,
            template=template(frontline.market, 18),
            day=dt.date(2020, 2, 21),
            person=person,
        )
    assert "钟利洪 已排在唐家湾卡点 02-21 16:00–00:00 的班次" in raised.value.messages[0]
    # The next morning's shift does not overlap.
    roster_assign(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        template=template(frontline.checkpoint, 0),
        day=dt.date(2020, 2, 22),
        person=person,
    )


def test_a_post_takes_people_of_its_own_region_and_editors_of_its_region(
    world: World, frontline: Frontline
):
    outsider = make_person(world.village_b, "陈丽")
    with pytest.raises(ValidationError):
        roster_assign(
            acting_user=world.town_x_admin,
            post=frontline.checkpoint,
            template=template(frontline.checkpoint, 8),
            day=dt.date(2020, 2, 21),
            person=outsider,
        )
    # The town's post takes people of any of its villages.
    roster_assign(
        acting_user=world.town_x_admin,
        post=frontline.market,
        template=template(frontline.market, 6),
        day=dt.date(2020, 2, 21),
        person=outsider,
    )
    with pytest.raises(PermissionDenied):
        roster_assign(
            acting_user=world.secretary_b,
            post=frontline.market,
            template=template(frontline.market, 6),
            day=dt.date(2020, 2, 22),
            person=outsider,
        )
    with pytest.raises(PermissionDenied):
        roster_assign(
            acting_user=world.post_leader,
            post=frontline.checkpoint,
            template=template(frontline.checkpoint, 8),
            day=dt.date(2020, 2, 22),
            person=make_person(world.village_a),
        )


def test_the_grid_counts_everyone_but_shows_only_whom_the_viewer_may_see(
    world: World, frontline: Frontline
):
    a_person, b_person = make_person(world.village_a, "甲"), make_person(world.village_b, "乙")
    day = dt.date(2020, 2, 21)
    roster_assign(
        acting_user=None,
        post=frontline.market,
        template=template(frontline.market, 6),
        day=day,
        person=a_person,
    )
    roster_assign(
        acting_user=None,
        post=frontline.market,
        template=template(frontline.market, 6),
        day=day,
        person=b_person,
    )
    week = roster_week(
        scope=Scope.for_user(world.secretary_b), post=frontline.market, first_day=day, days=1
    )
    morning = week[0].cells[0]
    assert [a.person.name for a in morning.assignments] == ["乙"]
    assert morning.total_assigned == 2 and not morning.understaffed
    night = week[0].cells[1]
    assert night.total_assigned == 0 and night.understaffed
    town_view = roster_week(
        scope=Scope.for_user(world.town_x_admin), post=frontline.market, first_day=day, days=1
    )
    assert sorted(a.person.name for a in town_view[0].cells[0].assignments) == ["乙", "甲"]


def test_copying_a_week_forward_keeps_existing_and_lists_clashes(
    world: World, frontline: Frontline
):
    people = [make_person(world.village_a, name) for name in ("甲", "乙", "丙")]
    monday = dt.date(2020, 2, 10)
    for offset, person in enumerate(people):
        roster_assign(
            acting_user=None,
            post=frontline.checkpoint,
            template=template(frontline.checkpoint, 8),
            day=monday + dt.timedelta(days=offset),
            person=person,
        )
    # 丙 already has a clashing shift next week at the market post.
    roster_assign(
        acting_user=None,
        post=frontline.market,
        template=template(frontline.market, 6),
        day=dt.date(2020, 2, 19),
        person=people[2],
    )
    result = roster_copy_forward(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        source_day=monday,
        days=7,
        target_day=dt.date(2020, 2, 17),
    )
    assert result.copied == 2 and len(result.skipped) == 1
    again = roster_copy_forward(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        source_day=monday,
        days=7,
        target_day=dt.date(2020, 2, 17),
    )
    assert again.copied == 0
    with pytest.raises(ValidationError):
        roster_copy_forward(
            acting_user=world.secretary_a,
            post=frontline.checkpoint,
            source_day=monday,
            days=7,
            target_day=dt.date(2020, 2, 12),
        )


def test_unassign_and_export_in_the_usual_layout(world: World, frontline: Frontline):
    person = make_legacy_person(world.village_a, '=HYPERLINK("x")')  # a hostile name stays text
    assignment = roster_assign(
        acting_user=None,
        post=frontline.checkpoint,
        template=template(frontline.checkpoint, 8),
        day=dt.date(2020, 2, 17),
        person=person,
    )
    client = Client()
    client.force_login(world.secretary_a)
    response = client.get(
        reverse("duty:roster_export", args=[frontline.checkpoint.pk]), {"week": "2020-02-17"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "唐家湾卡点排班表"
    assert [cell.value for cell in sheet[3]][:6] == [
        "岗位",
        "村（镇）",
        "日期",
        "班次",
        "时长",
        "值守人员",
    ]
    names = [row[5].value for row in sheet.iter_rows(min_row=4)]
    assert person.name in names and sheet.max_row == 3 + 21  # 7 days × 3 shifts, one line each
    cell = next(row[5] for row in sheet.iter_rows(min_row=4) if row[5].value == person.name)
    assert cell.data_type == "s" and cell.quotePrefix
    roster_unassign(acting_user=world.secretary_a, assignment=assignment)
    assert not RosterAssignment.objects.exists()


def test_the_roster_page_highlights_understaffed_shifts(world: World, frontline: Frontline):
    client = Client()
    client.force_login(world.secretary_a)
    page = client.get(
        reverse("duty:post_roster", args=[frontline.checkpoint.pk]), {"week": "2020-02-17"}
    ).content.decode()
    assert page.count("shift understaffed") == 21
    assert "0/2" in page
