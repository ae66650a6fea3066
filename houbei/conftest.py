"""Fixtures for every test: a small region tree and a persona for every role.

The tree (codes follow the real 市中区 structure):
    四川省 51 › 内江市 5110 › 市中区 511002
        › 凌家镇 511002102 (town X) › 花红村 …220 (village A, groups 一社 二社)
                                    › 新祠堂村 …222 (village B)
                                    › 岩湾村 …221 (merged into 花红村 on 2020-05-31)
        › 永安镇 511002104 (town Y) › 鹿子村 …220 (village C)
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

from houbei.accounts.models import User
from houbei.accounts.roles import Role
from houbei.campaigns.models import Campaign, Post
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.tests.factories import make_region, make_user

# Data migrations that seed vocabularies (categories, campaign and post types …).
SEED_MIGRATIONS = sorted(
    f"houbei.{path.parent.parent.name}.migrations.{path.stem}"
    for path in Path(__file__).resolve().parent.glob("*/migrations/*_seed_*.py")
)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the dashboard is cached on the newest audit
    event's number, which starts again from the same value in every test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _interface_language() -> Iterator[None]:
    """Each test starts in the default language: a request made by the test client leaves
    its language active in the thread, which would leak into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _vocabularies_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, demo) end with a flush that also removes the rows
    seeded by data migrations; put them back before each such test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if not transactional and not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps as django_apps

    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(django_apps, None)


@dataclass
class World:
    province: Region
    city: Region
    district: Region
    town_x: Region
    town_y: Region
    village_a: Region
    village_b: Region
    village_c: Region
    village_merged: Region
    group_a1: Region
    group_a2: Region
    other_district: Region  # 东兴区: a district beside 市中区
    # Personas, each with what it may do:
    district_admin: User  # everything in 市中区
    town_x_admin: User  # 凌家镇: people, accounts of its villages
    town_y_admin: User  # 永安镇 only
    secretary_a: User  # secretary of 花红村: its people (and 岩湾村's, merged into it)
    secretary_b: User  # secretary of 新祠堂村, same town as A: must never see A's people
    secretary_c: User  # secretary of 鹿子村, another town
    post_leader: User  # leads a post in A: no registry access
    clerk: User  # joint-review clerk: no registry access
    auditor: User  # read-only over 市中区, incl. the audit log
    auditor_other: User  # read-only over 东兴区: nothing of 市中区
    sysadmin: User  # accounts and regions of 市中区, never people
    outsider: User  # signed in, no grant at all

    def persona(self, name: str) -> User:
        user = getattr(self, name)
        assert isinstance(user, User)
        return user


@pytest.fixture
def world(db: None) -> World:
    province = make_region("510000000000", "四川省", Level.PROVINCE)
    city = make_region("511000000000", "内江市", Level.CITY, province)
    district = make_region("511002000000", "市中区", Level.DISTRICT, city)
    town_x = make_region("511002102000", "凌家镇", Level.TOWN, district)
    town_y = make_region("511002104000", "永安镇", Level.TOWN, district)
    village_a = make_region("511002102220", "花红村", Level.VILLAGE, town_x)
    village_b = make_region("511002102222", "新祠堂村", Level.VILLAGE, town_x)
    village_merged = make_region("511002102221", "岩湾村", Level.VILLAGE, town_x)
    village_c = make_region("511002104220", "鹿子村", Level.VILLAGE, town_y)
    group_a1 = make_region("511002102220001", "一社", Level.GROUP, village_a)
    group_a2 = make_region("511002102220002", "二社", Level.GROUP, village_a)
    other_district = make_region("511011000000", "东兴区", Level.DISTRICT, city)
    return World(
        province=province,
        city=city,
        district=district,
        town_x=town_x,
        town_y=town_y,
        village_a=village_a,
        village_b=village_b,
        village_c=village_c,
        village_merged=village_merged,
        group_a1=group_a1,
        group_a2=group_a2,
        other_district=other_district,
        district_admin=make_user("district", Role.DISTRICT_ADMIN, district),
        town_x_admin=make_user("town-x", Role.TOWN_ADMIN, town_x),
        town_y_admin=make_user("town-y", Role.TOWN_ADMIN, town_y),
        secretary_a=make_user("village-a", Role.VILLAGE_SECRETARY, village_a),
        secretary_b=make_user("village-b", Role.VILLAGE_SECRETARY, village_b),
        secretary_c=make_user("village-c", Role.VILLAGE_SECRETARY, village_c),
        post_leader=make_user("post-a", Role.POST_LEADER, village_a),
        clerk=make_user("clerk", Role.REVIEW_CLERK, district),
        auditor=make_user("auditor", Role.AUDITOR, district),
        auditor_other=make_user("auditor-other", Role.AUDITOR, other_district),
        sysadmin=make_user("sysadmin", Role.SYSTEM_ADMIN, district),
        outsider=make_user("outsider"),
    )


def merge_village(world: World) -> None:
    """Record the 2020 merger of 岩湾村 into 花红村 (done after people were registered)."""
    from houbei.regions.services import region_merge

    region_merge(
        acting_user=None, region=world.village_merged, into=world.village_a, on=dt.date(2020, 5, 31)
    )
    world.village_merged.refresh_from_db()


@dataclass(frozen=True)
class Side:
    """Where one set of test records lives, who works there, and the names that mark them.

    The persona ladder builds its records on side A (花红村); the leak harness builds the
    same records on other sides too and looks for their names where they must not be."""

    district: Region
    town: Region
    village: Region
    group: Region  # a villager group of ``village``
    group2: Region
    neighbour: Region  # another village of the same town
    merging: Region  # a village of the same town that can be merged into ``village``
    secretary: User
    town_admin: User
    district_admin: User
    post_leader: User
    clerk: User  # a joint-review clerk of the side's district (公安分局)
    person: str  # names of the records, each unique to the side
    other: str
    applicant: str
    relative: str
    checkpoint: str
    market: str
    team: str
    deed: str
    tough_post: str

    def markers(self) -> tuple[str, ...]:
        """The names that must never appear to someone who may not see this side."""
        return (
            self.person,
            self.other,
            self.applicant,
            self.checkpoint,
            self.team,
            self.deed,
            self.tough_post,
        )


def side_a(world: World) -> Side:
    return Side(
        district=world.district,
        town=world.town_x,
        village=world.village_a,
        group=world.group_a1,
        group2=world.group_a2,
        neighbour=world.village_b,
        merging=world.village_merged,
        secretary=world.secretary_a,
        town_admin=world.town_x_admin,
        district_admin=world.district_admin,
        post_leader=world.post_leader,
        clerk=world.clerk,
        person="王強",
        other="钟利洪",
        applicant="罗佳怡",
        relative="王小强",
        checkpoint="唐家湾卡点",
        market="凌家镇农贸市场卡口",
        team="花红村志愿服务队",
        deed="送爱心午餐",
        tough_post="防汛抢险一线岗",
    )


@dataclass
class Frontline:
    """The 2020 epidemic campaign of 市中区 with two posts:
    唐家湾卡点 in 花红村 (3 × 8 h, 2 people a shift, led by ``world.post_leader``) and
    凌家镇农贸市场卡口 at town level (2 × 12 h from 06:00)."""

    campaign: Campaign
    checkpoint: Post
    market: Post


NOW = dt.datetime(2020, 2, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen_now() -> Iterator[time_machine.Traveller]:
    """Freeze time in the middle of the 2020 campaign (12:00 Beijing time, 20 Feb 2020)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def frontline(world: World) -> Frontline:
    return build_frontline(side_a(world))


def build_frontline(side: Side, campaign: Campaign | None = None) -> Frontline:
    """The campaign of the side's district (or ``campaign``) with the side's two posts."""
    from houbei.campaigns.models import CampaignType, PostType
    from houbei.campaigns.services import (
        ShiftSpec,
        campaign_create,
        pattern_round_the_clock,
        post_create,
    )

    campaign = campaign or campaign_create(
        acting_user=None,
        name="2020年新冠肺炎疫情防控",
        campaign_type=CampaignType.objects.get(code="epidemic"),
        region=side.district,
        start_date=dt.date(2020, 1, 24),
        end_date=dt.date(2020, 4, 30),
    )
    checkpoint = post_create(
        acting_user=None,
        campaign=campaign,
        post_type=PostType.objects.get(code="checkpoint"),
        name=side.checkpoint,
        region=side.village,
        pattern=pattern_round_the_clock(3, people_needed=2),
        leaders=[side.post_leader],
    )
    market = post_create(
        acting_user=None,
        campaign=campaign,
        post_type=PostType.objects.get(code="market_patrol"),
        name=side.market,
        region=side.town,
        pattern=[
            ShiftSpec("白班", dt.time(6), 12 * 60, 2),
            ShiftSpec("夜班", dt.time(18), 12 * 60, 1),
        ],
    )
    return Frontline(campaign=campaign, checkpoint=checkpoint, market=market)
