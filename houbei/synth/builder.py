"""Synthetic districts for measuring how Houbei's cost grows (issue: scale and benchmarks).

A profile says how many cities, districts, towns, villages, villager groups, people, posts
and campaign days to make; ``synthesize`` fills the database with them district by district
with bulk inserts, then rebuilds the stored service indicators once from the records.

Shapes follow a real district (市中区): ~17 villages a town, ~10 groups a village, ~60
registered people a village of whom a fifth are reserves (village, town and district pools),
posts staffed round the clock in three 8-hour shifts by one or two people from the post's
village, ~92 % of records verified.

Deterministic for a seed: every district draws from its own ``Random(f"{seed}:{code}")``, so
the same seed gives the same people, ID numbers and records (the ciphertexts differ — Fernet
takes a fresh IV — but digests and masks do not).

Synthetic rows are inserted directly, not through the services, and so leave no audit
events: they are measurement data, not decisions. People are still built by the registry's
own ``person_build`` (the same checks, encryption and search keys as a registration).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, reset_queries, transaction

from houbei.campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignType,
    Post,
    PostType,
    ShiftTemplate,
)
from houbei.demo.loader import GIVEN_CHARACTERS, SURNAMES
from houbei.duty import indicators
from houbei.duty.models import DutyRecord, DutyTaskCount, Source, Status, TaskKind
from houbei.lib.idnumber import make_id_number
from houbei.people.choices import Education, PoliticalStatus
from houbei.people.models import Person
from houbei.people.services import PersonInput, name_keys_insert, person_build
from houbei.pipeline.models import StageDecision, Standing
from houbei.pipeline.services import default_body
from houbei.pipeline.stages import DecidingLevel, Stage
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.regions.services import default_kind

PROVINCE_CODE = "510000000000"
PLACE_CHARACTERS = "安平清河石桥白马龙泉青山红岩新华金沙凤凰柏林高峰桂花黄桷太和永兴长乐观音"
SHIFTS = (("早班", 0), ("中班", 8), ("夜班", 16))  # three 8-hour shifts from 00:00 local
CAMPAIGN_START = dt.date(2022, 9, 1)
RESERVES_BORN_SINCE = dt.date(1982, 9, 1)  # 40 at the campaign's start
BATCH = 5000


@dataclass(frozen=True)
class Profile:
    name: str
    cities: int
    districts_per_city: int
    towns_per_district: int = 15
    villages_per_town: int = 17
    groups_per_village: int = 10
    people_per_village: int = 60
    reserve_share: float = 0.2
    posts_per_village: int = 6
    campaign_days: int = 60

    @property
    def districts(self) -> int:
        return self.cities * self.districts_per_city

    def expected(self) -> dict[str, int]:
        """The rough sizes this profile makes (duty records: 1.5 people a shift on average)."""
        villages = self.districts * self.towns_per_district * self.villages_per_town
        posts = villages * self.posts_per_village
        return {
            "villages": villages,
            "people": villages * self.people_per_village,
            "posts": posts,
            "duty_records": int(posts * self.campaign_days * len(SHIFTS) * 1.5),
        }


PROFILES = {
    "district": Profile("district", cities=1, districts_per_city=1),
    "city": Profile("city", cities=1, districts_per_city=5),
    "province": Profile("province", cities=10, districts_per_city=5),
}


@dataclass
class Made:
    """What one run made, and how long each part took (seconds)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + count

    def timed(self, name: str, started: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


class AlreadySynthesized(Exception):
    """The database already holds this profile's first district."""


def district_codes(profile: Profile) -> list[str]:
    # City codes 5190–5199 and upwards are not used by real Sichuan cities.
    return [
        f"51{90 + city:02d}{district + 1:02d}000000"
        for city in range(profile.cities)
        for district in range(profile.districts_per_city)
    ]


def synthesize(
    profile: Profile, *, seed: int, progress: Callable[[str], Any] | None = None
) -> Made:
    codes = district_codes(profile)
    if Region.objects.filter(code=codes[0]).exists():
        raise AlreadySynthesized(codes[0])
    made = Made()
    province, _ = Region.objects.get_or_create(
        code=PROVINCE_CODE,
        defaults={"name": "四川省", "level": Level.PROVINCE, "kind": ""},
    )
    vocabularies = _Vocabularies.load()
    cities: dict[str, Region] = {}
    for number, code in enumerate(codes, start=1):
        city_code = f"{code[:4]}00000000"
        if city_code not in cities:
            cities[city_code] = _region(
                city_code, _place(random.Random(city_code)) + "市", Level.CITY, province
            )
            cities[city_code].save()
        with transaction.atomic():
            _District(code, cities[city_code], profile, seed, vocabularies, made).build()
        if progress:
            progress(f"district {number}/{len(codes)} {code}: {made.counts}")
    started = time.perf_counter()
    made.add("indicators", indicators.rebuild())
    made.timed("indicators", started)
    analyze()
    return made


def analyze() -> None:
    """Planner statistics and the visibility map after a bulk load or a migration that
    rewrote a table, as PostgreSQL's autovacuum would bring them in time: without
    statistics it plans the first queries on a fresh database as if the tables were empty,
    and without the visibility map an index-only scan (the name search) still reads every
    row it finds from the table. (SQLite is left as Houbei runs it: without statistics.)
    Outside a transaction: VACUUM cannot run in one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


@dataclass
class _Vocabularies:
    campaign_type: CampaignType
    post_types: list[PostType]
    task_kinds: list[TaskKind]

    @classmethod
    def load(cls) -> _Vocabularies:
        return cls(
            campaign_type=CampaignType.objects.get(code="epidemic"),
            post_types=list(PostType.objects.filter(is_active=True)),
            task_kinds=list(TaskKind.objects.filter(is_active=True)),
        )


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(PLACE_CHARACTERS, 2))


def _region(code: str, name: str, level: Level, parent: Region) -> Region:
    return Region(code=code, name=name, level=level, parent=parent, kind=default_kind(code, level))


class _District:
    district: Region

    def __init__(
        self,
        code: str,
        city: Region,
        profile: Profile,
        seed: int,
        vocabularies: _Vocabularies,
        made: Made,
    ) -> None:
        self.code, self.city, self.profile, self.made = code, city, profile, made
        self.vocabularies = vocabularies
        self.rng = random.Random(f"{seed}:{code}")

    def build(self) -> None:
        started = time.perf_counter()
        villages, groups = self._regions()
        self.made.timed("regions", started)
        started = time.perf_counter()
        people = self._people(villages, groups)
        self._reserves(people)
        self.made.timed("people", started)
        started = time.perf_counter()
        self._frontline(villages, people)
        self.made.timed("duty_records", started)

    # --- regions ----------------------------------------------------------------------------

    def _regions(self) -> tuple[list[Region], dict[int, list[Region]]]:
        profile, rng = self.profile, self.rng
        district = self.district = _region(self.code, _place(rng) + "区", Level.DISTRICT, self.city)
        district.save()
        towns = Region.objects.bulk_create(
            _region(f"{self.code[:6]}{100 + t:03d}000", _place(rng) + "镇", Level.TOWN, district)
            for t in range(profile.towns_per_district)
        )
        villages = Region.objects.bulk_create(
            _region(f"{town.code[:9]}{200 + v:03d}", _place(rng) + "村", Level.VILLAGE, town)
            for town in towns
            for v in range(profile.villages_per_town)
        )
        groups = Region.objects.bulk_create(
            _region(f"{village.code}{g + 1:03d}", f"{g + 1}组", Level.GROUP, village)
            for village in villages
            for g in range(profile.groups_per_village)
        )
        by_village: dict[int, list[Region]] = {}
        for group in groups:
            by_village.setdefault(group.parent_id or 0, []).append(group)
        self.made.add("regions", 1 + len(towns) + len(villages) + len(groups))
        return villages, by_village

    # --- people and reserves ----------------------------------------------------------------

    def _people(
        self, villages: list[Region], groups: dict[int, list[Region]]
    ) -> dict[int, list[Person]]:
        rng, address = self.rng, self.code[:6]
        # Roughly a rural population: mostly ordinary citizens, one in eight a Party member.
        statuses: list[str] = [
            PoliticalStatus.MASSES,
            PoliticalStatus.CPC_MEMBER,
            PoliticalStatus.CPC_PROBATIONARY,
            PoliticalStatus.CYL_MEMBER,
            PoliticalStatus.NON_PARTISAN,
        ]
        weights = [70, 12, 2, 14, 2]
        educations = [e for e in Education.values if e]
        built: list[Person] = []
        serial = 0
        for village in villages:
            for _ in range(self.profile.people_per_village):
                # Unique within the district: the birth date steps through 40 years by a
                # stride prime to their 14 600 days (every village gets young and old), the
                # sequence number moves on each time it has visited them all; its parity
                # follows the sex.
                birth = dt.date(1962, 1, 1) + dt.timedelta(days=serial * 7919 % 14600)
                sequence = (serial // 14600) * 2 + rng.choice((1, 2))
                serial += 1
                phone = f"13{rng.randrange(10**9):09d}" if rng.random() < 0.7 else None
                data = PersonInput(
                    name=rng.choice(SURNAMES)
                    + "".join(rng.choice(GIVEN_CHARACTERS) for _ in range(rng.choice((1, 2, 2)))),
                    village=village,
                    id_number=make_id_number(address, birth, sequence),
                    phone=phone,
                    education=rng.choice(educations),
                    political_status=rng.choices(statuses, weights)[0],
                    villager_group=rng.choice(groups[village.pk]),
                    lives_in_village=rng.random() < 0.85,
                )
                built.append(person_build(data))
        saved = Person.objects.bulk_create(built, batch_size=2000)
        name_keys_insert(saved)
        self.made.add("people", len(saved))
        by_village: dict[int, list[Person]] = {}
        for person in saved:
            by_village.setdefault(person.village_id, []).append(person)
        return by_village

    def _reserves(self, people: dict[int, list[Person]]) -> None:
        """A fifth of each village's people are reserves: 60 % in the village pool, 30 % the
        town's, 10 % the district's, each with the decision that put them there. Reserves are
        young, as the pools' age rules want (at most 40 when the campaign began, so at most
        45 for years after): chosen among those born since RESERVES_BORN_SINCE."""
        rng = self.rng
        pools = (
            (Stage.VILLAGE_RESERVE, DecidingLevel.VILLAGE, 0.6),
            (Stage.TOWN_RESERVE, DecidingLevel.TOWN, 0.3),
            (Stage.DISTRICT_RESERVE, DecidingLevel.DISTRICT, 0.1),
        )
        standings, decisions = [], []
        for residents in people.values():
            young = [person for person in residents if person.birth_date >= RESERVES_BORN_SINCE]
            wanted = round(len(residents) * self.profile.reserve_share)
            chosen = rng.sample(young, min(wanted, len(young)))
            village = residents[0].village
            bodies = {level: default_body(level, village) for _, level, _ in pools}
            for person in chosen:
                stage, level, _ = rng.choices(pools, weights=[p[2] for p in pools])[0]
                since = CAMPAIGN_START + dt.timedelta(
                    days=rng.randrange(self.profile.campaign_days)
                )
                standings.append(Standing(person=person, stage=stage, since=since))
                decisions.append(
                    StageDecision(
                        person=person,
                        from_stage=Stage.CANDIDATE,
                        to_stage=stage,
                        deciding_level=level,
                        deciding_body=bodies[level],
                        decided_on=since,
                        reason="一线表现突出，经研究同意纳入后备力量",
                    )
                )
        Standing.objects.bulk_create(standings, batch_size=BATCH)
        StageDecision.objects.bulk_create(decisions, batch_size=BATCH)
        self.made.add("reserves", len(standings))

    # --- the campaign, its posts and the duty records ---------------------------------------

    def _frontline(self, villages: list[Region], people: dict[int, list[Person]]) -> None:
        profile, rng, vocabularies, district = (
            self.profile,
            self.rng,
            self.vocabularies,
            self.district,
        )
        campaign = Campaign.objects.create(
            name=f"{district.name}疫情防控",
            campaign_type=vocabularies.campaign_type,
            region=district,
            start_date=CAMPAIGN_START,
            end_date=CAMPAIGN_START + dt.timedelta(days=profile.campaign_days - 1),
            status=CampaignStatus.CLOSED,
        )
        posts = Post.objects.bulk_create(
            Post(
                campaign=campaign,
                post_type=rng.choice(vocabularies.post_types),
                name=f"{village.name}{n + 1}号卡点",
                region=village,
            )
            for village in villages
            for n in range(profile.posts_per_village)
        )
        ShiftTemplate.objects.bulk_create(
            (
                ShiftTemplate(
                    post=post,
                    label=label,
                    start_time=dt.time(hour),
                    duration_minutes=8 * 60,
                    people_needed=2,
                )
                for post in posts
                for label, hour in SHIFTS
            ),
            batch_size=BATCH,
        )
        self.made.add("posts", len(posts))
        batch: list[DutyRecord] = []
        for record in self._records(campaign, posts, people):
            batch.append(record)
            if len(batch) == BATCH:
                self._save_records(batch)
                batch = []
        self._save_records(batch)

    def _records(
        self, campaign: Campaign, posts: list[Post], people: dict[int, list[Person]]
    ) -> Iterator[DutyRecord]:
        """Each post is staffed by its own share of the village's people (post i of n takes
        every n-th resident), so nobody is at two posts at once."""
        rng, profile = self.rng, self.profile
        zone = indicators.local_zone()
        for index, post in enumerate(posts):
            crew = people[post.region_id][
                index % profile.posts_per_village :: profile.posts_per_village
            ]
            for day in range(profile.campaign_days):
                date = CAMPAIGN_START + dt.timedelta(days=day)
                for _, hour in SHIFTS:
                    starts = dt.datetime.combine(date, dt.time(hour), tzinfo=zone)
                    ends = starts + dt.timedelta(hours=8)
                    for person in rng.sample(crew, min(len(crew), rng.choice((1, 2)))):
                        yield self._record(campaign, post, person, starts, ends)

    def _record(
        self,
        campaign: Campaign,
        post: Post,
        person: Person,
        starts: dt.datetime,
        ends: dt.datetime,
    ) -> DutyRecord:
        draw = self.rng.random()
        status = (
            Status.VERIFIED if draw < 0.92 else Status.PENDING if draw < 0.98 else Status.DECLINED
        )
        return DutyRecord(
            person=person,
            post=post,
            campaign=campaign,
            starts_at=starts,
            ends_at=ends,
            source=self.rng.choice(
                (Source.ROSTER, Source.CHECK_IN, Source.CHECK_IN, Source.MANUAL)
            ),
            status=status,
            verified_at=ends + dt.timedelta(hours=2) if status == Status.VERIFIED else None,
            decline_reason="时间与排班不符" if status == Status.DECLINED else "",
        )

    def _save_records(self, batch: list[DutyRecord]) -> None:
        if not batch:
            return
        saved = DutyRecord.objects.bulk_create(batch)
        kinds = self.vocabularies.task_kinds
        counts = [
            DutyTaskCount(
                record=record, kind=self.rng.choice(kinds), count=self.rng.randrange(1, 40)
            )
            for record in saved
            if kinds and self.rng.random() < 0.3
        ]
        DutyTaskCount.objects.bulk_create(counts)
        reset_queries()  # with DEBUG on, Django would keep every multi-megabyte INSERT
        self.made.add("duty_records", len(saved))
        self.made.add("task_counts", len(counts))
