import datetime as dt

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from houbei.campaigns.forms import parse_custom_shifts
from houbei.campaigns.models import CampaignType, PostType
from houbei.campaigns.services import (
    ShiftSpec,
    campaign_create,
    pattern_round_the_clock,
    post_create,
    post_update,
)
from houbei.conftest import Frontline, World


def test_round_the_clock_patterns():
    three = pattern_round_the_clock(3, people_needed=2)
    assert [(s.start, s.minutes) for s in three] == [
        (dt.time(0), 480),
        (dt.time(8), 480),
        (dt.time(16), 480),
    ]
    assert [s.start for s in pattern_round_the_clock(2, 1, first_start=dt.time(8))] == [
        dt.time(8),
        dt.time(20),
    ]
    with pytest.raises(ValidationError):
        pattern_round_the_clock(5, 1)


def test_custom_shifts_as_people_write_them():
    specs = parse_custom_shifts(
        "白班 06:00-14:00 2\n夜班 22:00-06:00\n\n7:30～9:00 3", default_people=1
    )
    assert [(s.label, s.start, s.minutes, s.people_needed) for s in specs] == [
        ("白班", dt.time(6), 480, 2),
        ("夜班", dt.time(22), 480, 1),
        ("07:30", dt.time(7, 30), 90, 3),
    ]
    for bad in ("早上八点", "25:00-26:00", ""):
        with pytest.raises(forms.ValidationError):
            parse_custom_shifts(bad, 1)


def test_campaigns_are_opened_by_town_or_district_admins_in_their_regions(world: World):
    kind = CampaignType.objects.get(code="flood_disaster")
    with pytest.raises(PermissionDenied):
        campaign_create(
            acting_user=world.secretary_a,
            name="x",
            campaign_type=kind,
            region=world.town_x,
            start_date=dt.date(2020, 6, 1),
        )
    with pytest.raises(PermissionDenied):
        campaign_create(
            acting_user=world.town_x_admin,
            name="x",
            campaign_type=kind,
            region=world.town_y,
            start_date=dt.date(2020, 6, 1),
        )
    with pytest.raises(ValidationError):
        campaign_create(
            acting_user=world.town_x_admin,
            name="x",
            campaign_type=kind,
            region=world.town_x,
            start_date=dt.date(2020, 6, 1),
            end_date=dt.date(2020, 5, 1),
        )
    campaign = campaign_create(
        acting_user=world.town_x_admin,
        name="2020年防汛",
        campaign_type=kind,
        region=world.town_x,
        start_date=dt.date(2020, 6, 1),
    )
    assert campaign.pk


def test_posts_lie_in_the_campaign_and_their_leaders_hold_a_role_there(
    world: World, frontline: Frontline
):
    kind = PostType.objects.get(code="checkpoint")
    with pytest.raises(ValidationError):
        post_create(
            acting_user=None,
            campaign=frontline.campaign,
            post_type=kind,
            name="x",
            region=world.district,
            pattern=pattern_round_the_clock(1, 1),
        )
    with pytest.raises(ValidationError) as raised:
        post_create(
            acting_user=None,
            campaign=frontline.campaign,
            post_type=kind,
            name="x",
            region=world.village_c,
            pattern=pattern_round_the_clock(1, 1),
            leaders=[world.post_leader],
        )
    assert "leaders" in raised.value.message_dict
    with pytest.raises(ValidationError):
        post_create(
            acting_user=None,
            campaign=frontline.campaign,
            post_type=kind,
            name="x",
            region=world.village_a,
            pattern=[ShiftSpec("a", dt.time(8), 60, 1), ShiftSpec("b", dt.time(8), 60, 1)],
        )


def test_changing_the_pattern_keeps_matching_shifts(world: World, frontline: Frontline):
    post = frontline.checkpoint
    morning = post.shift_templates.get(start_time=dt.time(8))
    post_update(
        acting_user=world.secretary_a,
        post=post,
        name=post.name,
        post_type=post.post_type,
        place="新路口",
        is_active=True,
        max_shift_hours=12,
        leaders=[world.post_leader],
        pattern=[
            ShiftSpec("白班", dt.time(8), 12 * 60, 3),
            ShiftSpec("夜班", dt.time(20), 12 * 60, 1),
        ],
    )
    assert post.shift_templates.get(start_time=dt.time(8)).pk == morning.pk
    assert sorted(t.start_time for t in post.shift_templates.all()) == [dt.time(8), dt.time(20)]
