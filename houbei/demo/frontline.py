"""The demo's frontline: the 2020 epidemic campaign of 市中区 with the article's kinds of
post, a month of shifts (mostly verified, some waiting, one declined), deeds and teams; and
a campaign running now, so that ``demo-post`` has people to check in today.

Everything goes through the services (audit trail and indicators included) and is created
once: a second run finds the campaigns and adds only the shifts of days not rostered yet."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

from django.utils import timezone

from houbei.accounts.models import User
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign, CampaignType, Post, PostType
from houbei.campaigns.services import (
    ShiftSpec,
    campaign_create,
    campaign_update,
    pattern_round_the_clock,
    post_create,
)
from houbei.deeds.services import deed_create
from houbei.duty.models import DutyRecord, RosterAssignment, Source, TaskKind
from houbei.duty.services.records import (
    DutyInput,
    duty_record_create,
    duty_record_decline,
    duty_record_verify,
)
from houbei.duty.services.roster import roster_assign, shift_times
from houbei.imports.duty import apply_duty_import, plan_duty_import
from houbei.people.models import Person
from houbei.regions.models import Region
from houbei.teams.models import Team, TeamKind
from houbei.teams.services import (
    ApplicationInput,
    application_submit,
    signup_link_open,
    team_add_member,
    team_create,
)

BJ = ZoneInfo("Asia/Shanghai")
EPIDEMIC = "2020年新冠肺炎疫情防控"
CURRENT = "冬春森林防灭火"
SEED = 2024


def _people(code: str) -> list[Person]:
    return list(Person.objects.filter(village__code=code).order_by("name_sort", "id"))


def _task_counts(rng: random.Random, post_type: str) -> dict[TaskKind, int]:
    kinds = {kind.code: kind for kind in TaskKind.objects.all()}
    plan = {
        "checkpoint": {"people_registered": (5, 40)},
        "screening": {"households_screened": (8, 30), "records_entered": (10, 60)},
        "quarantine_service": {
            "quarantine_households_served": (1, 6),
            "supplies_handed_out": (2, 20),
        },
        "market_patrol": {"people_registered": (10, 80)},
        "supplies": {"supplies_handed_out": (20, 200)},
    }.get(post_type, {})
    return {kinds[code]: rng.randint(*bounds) for code, bounds in plan.items() if code in kinds}


def load_epidemic_campaign() -> Campaign:
    existing = Campaign.objects.filter(name=EPIDEMIC).first()
    if existing is not None:
        return existing
    rng = random.Random(SEED)
    post_leader = User.objects.get(username="demo-post")
    secretary = User.objects.get(username="demo-village-a")
    district = User.objects.get(username="demo-district")
    campaign = campaign_create(
        acting_user=None,
        name=EPIDEMIC,
        campaign_type=CampaignType.objects.get(code="epidemic"),
        region=Region.objects.get(code="511002000000"),
        start_date=dt.date(2020, 1, 24),
        end_date=dt.date(2020, 4, 30),
        description="把疫情防控一线作为锤炼培养村级后备力量的“练兵场”。",
    )
    types = {t.code: t for t in PostType.objects.all()}
    posts = [
        (
            post_create(
                acting_user=None,
                campaign=campaign,
                post_type=types["checkpoint"],
                name="唐家湾卡点",
                region=Region.objects.get(code="511002102220"),
                place="花红村唐家湾路口",
                pattern=pattern_round_the_clock(3, people_needed=2),
                leaders=[post_leader],
            ),
            "511002102220",
        ),
        (
            post_create(
                acting_user=None,
                campaign=campaign,
                post_type=types["screening"],
                name="新祠堂村返乡人员摸排",
                region=Region.objects.get(code="511002102222"),
                pattern=[ShiftSpec("白班", dt.time(8), 10 * 60, 3)],
            ),
            "511002102222",
        ),
        (
            post_create(
                acting_user=None,
                campaign=campaign,
                post_type=types["quarantine_service"],
                name="鹿子村居家隔离服务保障",
                region=Region.objects.get(code="511002104220"),
                pattern=[ShiftSpec("日间", dt.time(8), 12 * 60, 2)],
            ),
            "511002104220",
        ),
        (
            post_create(
                acting_user=None,
                campaign=campaign,
                post_type=types["market_patrol"],
                name="史家镇农贸市场卡口",
                region=Region.objects.get(code="511002101000"),
                pattern=[
                    ShiftSpec("早班", dt.time(6), 8 * 60, 2),
                    ShiftSpec("午班", dt.time(14), 8 * 60, 2),
                ],
            ),
            "511002101220",
        ),
        (
            post_create(
                acting_user=None,
                campaign=campaign,
                post_type=types["market_patrol"],
                name="茅蓬寺场街巡逻",
                region=Region.objects.get(code="511002111220"),
                pattern=[ShiftSpec("上午", dt.time(8), 4 * 60, 2)],
            ),
            "511002111220",
        ),
    ]
    for post, village_code in posts:
        crew = _people(village_code)[:12]
        templates = list(post.shift_templates.all())
        for offset in range(28):  # 24 Jan – 20 Feb 2020
            day = dt.date(2020, 1, 24) + dt.timedelta(days=offset)
            for template in templates:
                on_shift = rng.sample(crew, k=min(template.people_needed, len(crew)))
                starts_at, ends_at = shift_times(template, day)
                for person in on_shift:
                    if RosterAssignment.objects.filter(
                        person=person, starts_at__lt=ends_at, ends_at__gt=starts_at
                    ).exists():
                        continue
                    roster_assign(
                        acting_user=None, post=post, template=template, day=day, person=person
                    )
                    if rng.random() < 0.08:
                        continue  # rostered, did not serve
                    record = duty_record_create(
                        acting_user=secretary if village_code == "511002102220" else None,
                        post=post,
                        data=DutyInput(
                            person, starts_at, ends_at, tasks=_task_counts(rng, post.post_type.code)
                        ),
                    )
                    roll = rng.random()
                    if roll < 0.85:
                        verifier = post_leader if village_code == "511002102220" else district
                        duty_record_verify(acting_user=verifier, record=record)
                    elif roll < 0.87:
                        duty_record_decline(
                            acting_user=district, record=record, reason="当班未到岗，由他人顶班"
                        )
    _deeds(campaign)
    campaign_update(acting_user=None, campaign=campaign, status="closed")
    return campaign


def _deeds(campaign: Campaign) -> None:
    huahong = _people("511002102220")
    luzi = _people("511002104220")
    pingqiao = _people("511002101220")
    stories = [
        (
            huahong[0],
            dt.date(2020, 2, 3),
            "连续多日为卡点志愿者送爱心午餐",
            "得知唐家湾卡点值守人员吃饭地点较远，夫妻二人连续多日为卡点志愿者送午餐。",
            "village",
        ),
        (
            luzi[0],
            dt.date(2020, 1, 25),
            "主动请缨加入一线防疫队伍",
            "大年三十一早入户摸排，给居家医学观察群众留下电话，随叫随到；为卡点送去2台消毒机。",
            "town",
        ),
        (
            pingqiao[0],
            dt.date(2020, 2, 10),
            "每天6点到农贸市场卡口",
            "清点物资、为测温设备消毒、巡查市场，劝导群众佩戴口罩、不聚集。",
            "district",
        ),
        (
            huahong[1],
            dt.date(2020, 2, 14),
            "连续五天摸排录入",
            "坚持不间断摸排录入返乡人员信息，靠滴眼药水坚持工作。",
            "none",
        ),
    ]
    for person, date, title, narrative, level in stories:
        deed_create(
            acting_user=None,
            person=person,
            date=date,
            title=title,
            narrative=narrative,
            level=level,
            campaign=campaign,
        )


def load_current_campaign() -> Campaign:
    """A campaign running now, rostered around today, so the post leader has work today."""
    today = timezone.localdate()
    campaign = Campaign.objects.filter(name=CURRENT).first()
    if campaign is None:
        campaign = campaign_create(
            acting_user=None,
            name=CURRENT,
            campaign_type=CampaignType.objects.get(code="flood_disaster"),
            region=Region.objects.get(code="511002102000"),
            start_date=today - dt.timedelta(days=21),
            end_date=today + dt.timedelta(days=90),
        )
        post_create(
            acting_user=None,
            campaign=campaign,
            post_type=PostType.objects.get(code="checkpoint"),
            name="花红村森林防火检查站",
            region=Region.objects.get(code="511002102220"),
            place="花红村进山路口",
            pattern=[
                ShiftSpec("白班", dt.time(8), 12 * 60, 2),
                ShiftSpec("夜班", dt.time(20), 12 * 60, 1),
            ],
            leaders=[User.objects.get(username="demo-post")],
        )
    post = Post.objects.get(campaign=campaign)
    crew = _people("511002102220")[12:24]
    rng = random.Random(SEED + 1)
    leader = User.objects.get(username="demo-post")
    now = timezone.now()
    for offset in range(-14, 8):
        day = today + dt.timedelta(days=offset)
        if not campaign.covers_day(day):
            continue
        for template in post.shift_templates.all():
            starts_at, ends_at = shift_times(template, day)
            if RosterAssignment.objects.filter(shift__post=post, starts_at=starts_at).exists():
                continue  # this day was loaded by an earlier run
            for person in rng.sample(crew, k=template.people_needed):
                if RosterAssignment.objects.filter(
                    person=person, starts_at__lt=ends_at, ends_at__gt=starts_at
                ).exists():
                    continue
                roster_assign(
                    acting_user=None, post=post, template=template, day=day, person=person
                )
                if ends_at < now and rng.random() < 0.9:
                    record = duty_record_create(
                        acting_user=None, post=post, data=DutyInput(person, starts_at, ends_at)
                    )
                    if rng.random() < 0.8:
                        duty_record_verify(acting_user=leader, record=record)
    return campaign


def load_teams() -> None:
    if Team.objects.filter(name="花红村志愿服务队").exists():
        return
    huahong = _people("511002102220")
    team = team_create(
        acting_user=None,
        name="花红村志愿服务队",
        kind=TeamKind.objects.get(code="volunteer_service"),
        region=Region.objects.get(code="511002102220"),
        leader=huahong[2],
        campaigns=list(Campaign.objects.filter(name__in=[EPIDEMIC, CURRENT])),
    )
    for person in huahong[3:15]:
        team_add_member(acting_user=None, team=team, person=person)
    link = signup_link_open(acting_user=None, team=team)
    village = Region.objects.get(code="511002102220")
    group = village.children.order_by("code")[8]
    for name, number, phone in (
        ("罗佳怡", "511002200103150045", "13990001234"),
        ("曾凯", "511002199811020035", "13890002345"),
    ):
        application_submit(
            link=link,
            data=ApplicationInput(
                name=name,
                id_number=number,
                phone=phone,
                village=village,
                villager_group=group,
                skills="驾驶",
                availability="周末、晚上",
            ),
        )
    commando = team_create(
        acting_user=None,
        name="凌家镇党员突击队",
        kind=TeamKind.objects.get(code="party_commando"),
        region=Region.objects.get(code="511002102000"),
        campaigns=list(Campaign.objects.filter(name=EPIDEMIC)),
    )
    for person in Person.objects.filter(
        village__code__startswith="511002102", political_status="cpc_member"
    ).order_by("id")[:10]:
        team_add_member(acting_user=None, team=commando, person=person)


def load_imported_log(campaign: Campaign) -> int:
    """The checkpoint's paper log of the campaign's first week, imported by 花红村's
    secretary: it waits in the review queue, where the town verifies it at once (the queue
    narrowed to the post and to imports). Returns how many records it imported."""
    post = Post.objects.get(campaign=campaign)
    if DutyRecord.objects.filter(post=post, source=Source.IMPORT).exists():
        return 0  # imported by an earlier run
    village = _people("511002102220")
    counted = Counter(person.name for person in village)
    crew = [person for person in village[24:40] if counted[person.name] == 1][:9]
    rng = random.Random(SEED + 2)
    lines = ["日期,岗位,姓名,上岗时间,下岗时间,登记人数"]
    for offset in range(7):  # the week before the roster above begins
        day = campaign.start_date + dt.timedelta(days=offset)
        on_duty = rng.sample(crew, k=3)
        shifts = [("08:00", "20:00"), ("08:00", "20:00"), ("20:00", "08:00")]  # 白班 ×2, 夜班
        for person, (start, end) in zip(on_duty, shifts, strict=True):
            lines.append(
                f"{day.isoformat()},{post.name},{person.name},{start},{end},{rng.randint(5, 40)}"
            )
    secretary = User.objects.get(username="demo-village-a")
    plan = plan_duty_import(
        scope=Scope.for_user(secretary),
        data="\n".join(lines).encode(),
        filename="花红村森林防火检查站值守登记.csv",
        campaign=campaign,
    )
    return apply_duty_import(acting_user=secretary, plan=plan)


def load_frontline() -> None:
    load_epidemic_campaign()
    load_imported_log(load_current_campaign())
    load_teams()
