"""The article's figures as records: 市中区's 2020 epidemic campaign at district scale.

The report of 24 Feb 2020 counts 200-odd migrant workers on the front line, 120 of them Party
members, 20-odd young people newly absorbed as village reserves and 400-odd district-level
reserves who served. The rest of the demo tells the stories of a few villages; this module
adds the crowd around them — synthetic people with verified shifts, pool decisions and
district-level standings — until the dashboard, which counts records and nothing else, shows
exactly ``ARTICLE_FIGURES`` for the district and the campaign.

Each group is added so that it moves one figure only (migrant workers are not reserves; the
district-level reserves are not migrant workers; the new village reserves did not serve), so
a second run finds nothing missing and adds nothing.

The shifts are written in bulk (the paper logs of 2020 typed in afterwards: source "import",
verified by the district) and the service indicators are rebuilt from them once; people and
pool decisions go through the same models the services write, with the decision history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.utils import timezone

from houbei.accounts.models import User
from houbei.campaigns.models import Campaign, Post
from houbei.duty import indicators
from houbei.duty.models import DutyRecord, Source, Status
from houbei.lib import crypto
from houbei.lib.idnumber import parse_id_number
from houbei.people.choices import PoliticalStatus
from houbei.people.models import BackgroundCategory, Person
from houbei.people.services import ID_PURPOSE, PersonInput, person_register
from houbei.pipeline.models import StageDecision, Standing
from houbei.pipeline.stages import DecidingLevel, Stage
from houbei.regions.models import Region
from houbei.reports.figures import frontline_summary
from houbei.reports.selectors import operator_filters

from .frontline import BJ, EPIDEMIC
from .loader import GROUP_COUNTS, SHIZHONG, synthetic_people

ARTICLE_FIGURES = {
    "migrant_workers_served": 213,
    "migrant_workers_served_party_members": 120,
    "new_village_reserves": 23,
    "district_reserves_served": 412,
}
SEED = 2020_02_24
ARTICLE_POOL_REVIEW = "市中组〔2019〕21号"  # the district-level reserves' decision
SERVED_BORN_BY = dt.date(2001, 1, 1)  # adults when the campaign began
RESERVE_BORN_AFTER = dt.date(1976, 1, 1)  # 45 or younger in 2020


def load_article_figures() -> dict[str, int]:
    """Add what the demo lacks for the article's figures; returns how many people were
    added per figure (all zero on a second run)."""
    campaign = Campaign.objects.get(name=EPIDEMIC)
    district = Region.objects.get(code=SHIZHONG)
    have = frontline_summary(operator_filters(district, campaign))
    missing = {key: ARTICLE_FIGURES[key] - have[key] for key in ARTICLE_FIGURES}
    if any(n < 0 for n in missing.values()):
        raise RuntimeError(f"the demo already exceeds the article's figures: {have}")
    crowd = _crowd()
    migrant = BackgroundCategory.objects.get(code="migrant_returnee")
    members = missing["migrant_workers_served_party_members"]
    added_migrants = [
        _register(crowd, categories=[migrant], party=n < members, born_by=SERVED_BORN_BY)
        for n in range(missing["migrant_workers_served"])
    ]
    added_reserves = [
        _register(crowd, categories=[], party=None, born_by=SERVED_BORN_BY)
        for _ in range(missing["district_reserves_served"])
    ]
    added_new = [
        _register(crowd, categories=[], party=None, born_by=SERVED_BORN_BY)
        for _ in range(missing["new_village_reserves"])
    ]
    _district_standings(added_reserves)
    _new_village_reserves(added_new, campaign)
    _shifts(added_migrants + added_reserves, campaign)
    if added_migrants or added_reserves:
        indicators.rebuild()
    return {
        "migrant_workers_served": len(added_migrants),
        "district_reserves_served": len(added_reserves),
        "new_village_reserves": len(added_new),
    }


def _crowd() -> Iterator[PersonInput]:
    """Synthetic people of the demo villages, never someone registered already."""
    villages = list(Region.objects.filter(code__in=GROUP_COUNTS).order_by("code"))
    for data in synthetic_people(villages, 160, seed=SEED):
        digest = crypto.lookup_digest(data.id_number or "", purpose=ID_PURPOSE)
        if not Person.objects.filter(id_number_digest=digest).exists():
            yield data


def _register(
    crowd: Iterator[PersonInput],
    *,
    categories: list[BackgroundCategory],
    party: bool | None,
    born_by: dt.date,
) -> Person:
    for data in crowd:
        birth = parse_id_number(data.id_number or "").birth_date
        if not RESERVE_BORN_AFTER <= birth <= born_by:
            continue
        data.categories = categories
        if party is True:
            data.political_status = PoliticalStatus.CPC_MEMBER
        elif party is False and data.political_status in (
            PoliticalStatus.CPC_MEMBER,
            PoliticalStatus.CPC_PROBATIONARY,
        ):
            data.political_status = PoliticalStatus.MASSES
        return person_register(acting_user=None, data=data)
    raise RuntimeError("the synthetic crowd ran out of people")


def _district_standings(people: list[Person]) -> None:
    """District-level reserves since the 2019 pool review: the decision history of each."""
    steps = [
        (None, Stage.CANDIDATE, DecidingLevel.VILLAGE, dt.date(2018, 3, 1)),
        (Stage.CANDIDATE, Stage.VILLAGE_RESERVE, DecidingLevel.VILLAGE, dt.date(2018, 6, 1)),
        (Stage.VILLAGE_RESERVE, Stage.TOWN_RESERVE, DecidingLevel.TOWN, dt.date(2019, 1, 10)),
        (Stage.TOWN_RESERVE, Stage.DISTRICT_RESERVE, DecidingLevel.DISTRICT, dt.date(2019, 9, 20)),
    ]
    _history(people, steps, ARTICLE_POOL_REVIEW)


def _new_village_reserves(people: list[Person], campaign: Campaign) -> None:
    """Young people absorbed as village reserves during the campaign (Feb–Apr 2020)."""
    rng = random.Random(SEED)
    for person in people:
        day = campaign.start_date + dt.timedelta(days=rng.randrange(20, 90))
        steps = [
            (None, Stage.CANDIDATE, DecidingLevel.VILLAGE, day - dt.timedelta(days=7)),
            (Stage.CANDIDATE, Stage.VILLAGE_RESERVE, DecidingLevel.VILLAGE, day),
        ]
        _history([person], steps, "")


def _history(
    people: list[Person],
    steps: list[tuple[Stage | None, Stage, DecidingLevel, dt.date]],
    document_number: str,
) -> None:
    bodies = {
        DecidingLevel.VILLAGE: "村党组织",
        DecidingLevel.TOWN: "镇党委",
        DecidingLevel.DISTRICT: "区委组织部",
    }
    decisions = []
    for person in people:
        for from_stage, to_stage, level, day in steps:
            decisions.append(
                StageDecision(
                    person=person,
                    from_stage=from_stage or "",
                    to_stage=to_stage,
                    deciding_level=level,
                    deciding_body=bodies[level],
                    decided_on=day,
                    document_number=document_number if level == DecidingLevel.DISTRICT else "",
                    reason="2019年度后备力量库动态调整。"
                    if document_number
                    else "疫情防控一线表现突出，经村党组织研究吸收为村级后备力量。",
                )
            )
        last = steps[-1]
        Standing.objects.create(person=person, stage=last[1], since=last[3])
    StageDecision.objects.bulk_create(decisions, batch_size=1000)


def _shifts(people: list[Person], campaign: Campaign) -> None:
    """Three to eight verified day shifts each, at a post of the campaign."""
    rng = random.Random(SEED + 1)
    posts = list(Post.objects.filter(campaign=campaign).order_by("pk"))
    verifier = User.objects.get(username="demo-district")
    records = []
    for index, person in enumerate(people):
        post = posts[index % len(posts)]
        days = rng.sample(
            range((dt.date(2020, 2, 24) - campaign.start_date).days), rng.randint(3, 8)
        )
        for offset in sorted(days):
            day = campaign.start_date + dt.timedelta(days=offset)
            starts_at = dt.datetime.combine(day, dt.time(rng.choice([8, 9, 14])), tzinfo=BJ)
            ends_at = starts_at + dt.timedelta(hours=rng.choice([4, 6, 8]))
            records.append(
                DutyRecord(
                    person=person,
                    post=post,
                    campaign=campaign,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    source=Source.IMPORT,
                    status=Status.VERIFIED,
                    notes="据2020年纸质值守登记补录",
                    # Typed in by the loader (shown as "system"), verified by the district:
                    # never verified by whoever entered it, as the services require.
                    recorded_by=None,
                    verified_by=verifier,
                    verified_at=timezone.now(),
                )
            )
    DutyRecord.objects.bulk_create(records, batch_size=1000)
