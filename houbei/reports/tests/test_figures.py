"""Every dashboard figure equals a count made independently from the records.

The records are generated at random (several seeds); the expected counts are computed here in
plain Python from the rows, never with the figures' own queries."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from houbei.accounts.scoping import Scope
from houbei.campaigns.services import campaign_create
from houbei.conftest import Frontline, World, merge_village
from houbei.duty.models import DutyRecord, Source, Status
from houbei.lib.dates import age_on
from houbei.people.choices import Education, PoliticalStatus
from houbei.people.models import BackgroundCategory, Person
from houbei.pipeline.models import DecidingLevel, StageDecision, Standing
from houbei.pipeline.stages import POOL_STAGES, Stage
from houbei.regions.models import Region
from houbei.reports.figures import (
    AGE_BANDS,
    Filters,
    child_of_village,
    count,
    figure,
    frontline_summary,
    sections,
)
from houbei.tests.factories import make_person, next_id_number, numbered_name

BJ = ZoneInfo("Asia/Shanghai")
D = dt.date
START, END = D(2020, 1, 24), D(2020, 4, 30)
PARTY = {PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY}
ORDER = [
    Stage.CANDIDATE,
    Stage.VILLAGE_RESERVE,
    Stage.TOWN_RESERVE,
    Stage.DISTRICT_RESERVE,
    Stage.APPOINTED,
    Stage.EXITED,
]


@dataclass
class Data:
    people: list[Person]
    categories: dict[int, set[str]]
    records: list[DutyRecord]
    decisions: dict[int, list[StageDecision]]
    standings: dict[int, Standing]


def generate(world: World, frontline: Frontline, seed: int) -> Data:
    rng = random.Random(seed)
    other = campaign_create(
        acting_user=None,
        name="防汛",
        campaign_type=frontline.campaign.campaign_type,
        region=world.district,
        start_date=D(2020, 1, 1),
        end_date=D(2020, 12, 31),
    )
    migrant = BackgroundCategory.objects.get(code="migrant_returnee")
    veteran = BackgroundCategory.objects.get(code="veteran")
    world.village_merged.refresh_from_db()
    first_time = world.village_merged.merged_into_id is None
    villages = [world.village_a, world.village_b, world.village_c]
    if first_time:
        villages.append(world.village_merged)
    people, categories = [], {}
    for n in range(36):
        chosen = [c for c in (migrant, veteran) if rng.random() < 0.5]
        person = make_person(
            rng.choice(villages),
            numbered_name("人", n),
            id_number=next_id_number(D(1970, 1, 1) + dt.timedelta(days=rng.randrange(12000))),
            political_status=rng.choice(list(PoliticalStatus)),
            education=rng.choice(list(Education)),
            categories=chosen,
        )
        people.append(person)
        categories[person.pk] = {c.code for c in chosen}
    if first_time:
        merge_village(world)  # 岩湾村's people now count under 花红村
    records = []
    for person in people:
        day = D(2020, 1, 10)
        for _ in range(rng.randrange(0, 4)):
            day += dt.timedelta(days=rng.randrange(1, 40))
            starts = dt.datetime.combine(day, dt.time(rng.choice([0, 7, 23])), tzinfo=BJ)
            status = rng.choice([Status.VERIFIED, Status.VERIFIED, Status.PENDING, Status.DECLINED])
            post = rng.choice([frontline.checkpoint, frontline.market])
            records.append(
                DutyRecord(
                    person=person,
                    post=post,
                    campaign=rng.choice([frontline.campaign, frontline.campaign, other]),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=8),
                    source=Source.MANUAL,
                    status=status,
                    decline_reason="未到岗" if status == Status.DECLINED else "",
                )
            )
    DutyRecord.objects.bulk_create(records)
    decisions: dict[int, list[StageDecision]] = {}
    standings: dict[int, Standing] = {}
    for person in people:
        roll = rng.random()
        if roll < 0.2:
            continue  # never in the pipeline
        if roll < 0.3:  # placed without decisions (an imported file)
            standings[person.pk] = Standing.objects.create(
                person=person,
                stage=rng.choice(ORDER),
                since=D(2019, 1, 1) + dt.timedelta(days=rng.randrange(600)),
            )
            continue
        day = D(2019, 6, 1) + dt.timedelta(days=rng.randrange(200))
        stage: Stage | None = None
        chain = []
        for _ in range(rng.randrange(1, 5)):
            target = rng.choice(ORDER)
            chain.append(
                StageDecision.objects.create(
                    person=person,
                    from_stage=stage or "",
                    to_stage=target,
                    deciding_level=DecidingLevel.VILLAGE,
                    deciding_body="村党组织",
                    decided_on=day,
                    reason="测试",
                    exit_reason="moved_away" if target == Stage.EXITED else "",
                )
            )
            stage = target
            day += dt.timedelta(days=rng.randrange(0, 90))
        decisions[person.pk] = chain
        standings[person.pk] = Standing.objects.create(
            person=person, stage=chain[-1].to_stage, since=chain[-1].decided_on
        )
    return Data(people, categories, records, decisions, standings)


# --- the independent count ------------------------------------------------------------------


def stage_on(data: Data, person: Person, day: dt.date) -> str | None:
    made = [d for d in data.decisions.get(person.pk, []) if d.decided_on <= day]
    if made:
        return max(made, key=lambda d: (d.decided_on, d.entered_at, d.pk)).to_stage
    standing = data.standings.get(person.pk)
    return standing.stage if standing and standing.since <= day else None


def served(data: Data, person: Person, campaign_id: int) -> bool:
    return any(
        r.person_id == person.pk
        and r.status == Status.VERIFIED
        and r.campaign_id == campaign_id
        and START <= r.starts_at.astimezone(BJ).date() <= END
        for r in data.records
    )


def first_entry_in_period(data: Data, person: Person, stages: set[str]) -> bool:
    days = [d.decided_on for d in data.decisions.get(person.pk, []) if d.to_stage in stages]
    return bool(days) and START <= min(days) <= END


def expected(data: Data, campaign_id: int) -> dict[str, set[int]]:
    """Person ids behind each figure checked, computed row by row."""
    found: dict[str, set[int]] = {}

    def add(key: str, person: Person) -> None:
        found.setdefault(key, set()).add(person.pk)

    for person in data.people:
        migrant = "migrant_returnee" in data.categories[person.pk]
        did_serve = served(data, person, campaign_id)
        stage = stage_on(data, person, END)
        in_pool = stage in POOL_STAGES
        party = person.political_status in PARTY
        if did_serve and migrant:
            add("migrant_workers_served", person)
            if party:
                add("migrant_workers_served_party_members", person)
        if first_entry_in_period(data, person, {Stage.VILLAGE_RESERVE}):
            add("new_village_reserves", person)
        if did_serve and stage == Stage.DISTRICT_RESERVE:
            add("district_reserves_served", person)
        if did_serve:
            add("served_total", person)
            if party:
                add("served_party", person)
        if in_pool:
            add("pool_total", person)
            add(f"pool_political_{person.political_status}", person)
            for index, (_band, youngest, oldest) in enumerate(AGE_BANDS):
                if youngest <= age_on(person.birth_date, END) <= oldest:
                    add(f"pool_age_{index}", person)
            for code in data.categories[person.pk]:
                add(f"pool_source_{code}", person)
        if stage is not None and stage != Stage.EXITED:
            add(f"stage_{stage}", person)
        if first_entry_in_period(data, person, set(POOL_STAGES)):
            add("pool_new", person)
    return found


CHECKED = [
    "migrant_workers_served",
    "migrant_workers_served_party_members",
    "new_village_reserves",
    "district_reserves_served",
    "served_total",
    "served_party",
    "pool_total",
    "pool_new",
    "stage_candidate",
    "stage_village_reserve",
    "stage_district_reserve",
    "stage_appointed",
    "pool_political_cpc_member",
    "pool_political_masses",
    "pool_age_0",
    "pool_age_2",
    "pool_age_4",
    "pool_source_migrant_returnee",
    "pool_source_veteran",
]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_figure_equals_an_independent_count(
    world: World, frontline: Frontline, seed: int
) -> None:
    data = generate(world, frontline, seed)
    want = expected(data, frontline.campaign.pk)
    scope = Scope.for_user(world.district_admin)
    filters = Filters(scope, world.district, frontline.campaign, START, END)
    children, owner = child_of_village(world.district)
    assert [c.name for c in children] == ["凌家镇", "永安镇"]
    town_of = {
        p.pk: (world.town_y if p.village == world.village_c else world.town_x) for p in data.people
    }
    for key in CHECKED:
        chosen = figure(key)
        assert chosen is not None, key
        breakdown = count(chosen, filters, owner)
        ids = want.get(key, set())
        assert breakdown.total == len(ids), key
        assert set(chosen.people(filters).values_list("pk", flat=True)) == ids, key
        by_town = Counter(town_of[pk].pk for pk in ids)
        assert breakdown.by_child == {k: v for k, v in by_town.items() if v}, key
    # The village level: 岩湾村 (merged) counts under 花红村.
    town_children, town_owner = child_of_village(world.town_x)
    assert world.village_merged.pk not in [c.pk for c in town_children]
    assert town_owner[world.village_merged.pk] == world.village_a.pk
    summary = frontline_summary(filters)
    assert summary == {key: len(want.get(key, set())) for key in summary}


def test_a_village_secretary_counts_only_their_village(world: World, frontline: Frontline) -> None:
    data = generate(world, frontline, 7)
    want = expected(data, frontline.campaign.pk)
    scope = Scope.for_user(world.secretary_b)
    filters = Filters(scope, world.village_b, frontline.campaign, START, END)
    village_b = {p.pk for p in data.people if p.village_id == world.village_b.pk}
    for key in CHECKED:
        chosen = figure(key)
        assert chosen is not None
        assert (
            set(chosen.people(filters).values_list("pk", flat=True))
            == want.get(key, set()) & village_b
        )
    # Asked about the whole district, a village secretary still sees only their village.
    wide = Filters(scope, world.district, frontline.campaign, START, END)
    assert set(figure("served_total").people(wide).values_list("pk", flat=True)) <= village_b


def test_every_section_figure_counts_without_error(world: World, frontline: Frontline) -> None:
    """Each figure's query runs on both databases, even the ones not checked above."""
    generate(world, frontline, 11)
    filters = Filters(Scope.for_user(world.district_admin), world.district, None, START, END)
    _children, owner = child_of_village(world.district)
    keys = [f.key for s in sections() for f in s.figures]
    assert len(keys) == len(set(keys)), "figure keys are unique"
    for section in sections():
        for item in section.figures:
            assert count(item, filters, owner).total >= 0


def test_regions_outside_the_report_region_are_not_children(world: World) -> None:
    children, owner = child_of_village(world.town_y)
    assert [c.pk for c in children] == [world.village_c.pk]
    assert set(owner) == {world.village_c.pk}
    assert Region.objects.filter(pk__in=owner).count() == 1
