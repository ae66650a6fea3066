"""The demo's joint review and seats, as issue 5's story goes: the district reviews its
reserves with the fourteen departments (one vetoed, the rest pass after the public
notice); a second batch is open, waiting for 公安分局 (`demo-clerk`); 鹿子村's
villagers'-committee director has just resigned, and the district finds a ranked shortlist
of reserves who passed. Dates are set relative to today so passes stay valid.

More villages get village reserves here, so that a batch is the size of a real one.
Everything goes through the services; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from houbei.accounts.models import User
from houbei.lib.dates import workday_span_end
from houbei.people.models import Kinship, Person
from houbei.people.services import relationship_add
from houbei.pipeline.models import Route, Standing
from houbei.pipeline.services import decide, nominate
from houbei.pipeline.stages import DecidingLevel, Stage, TargetPost
from houbei.regions.models import Region
from houbei.review.models import (
    Department,
    DepartmentVerdict,
    NegativeListItem,
    ReviewBatch,
    Verdict,
)
from houbei.review.services import batch_open, batch_publish, department_save, verdict_record
from houbei.seats.models import Seat, SeatRole
from houbei.seats.services import incumbent_record, seats_set_up, vacancy_open

SHIZHONG = "511002000000"
HUAHONG = "511002102220"
LUZI = "511002104220"
# Villages whose top volunteers join the pool here (鹿子村 and 花红村 have theirs already).
MORE_RESERVES = (
    LUZI,
    "511002100220",
    "511002101220",
    "511002103220",
    "511002104221",
    "511002105220",
    "511002111220",
)
XINQIAO = "511002104221"  # 鹿子村's neighbour in 永安镇: its best becomes a town reserve
SCHOOLED = ("high_school", "secondary_vocational", "junior_college", "bachelor", "postgraduate")
ELECTION_DAY = dt.date(2026, 1, 10)  # the 2026 general election of the two committees


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _add_village_reserves(today: dt.date) -> None:
    for code in MORE_RESERVES:
        people = list(
            Person.objects.filter(
                village__code=code,
                birth_date__range=(dt.date(1982, 1, 1), dt.date(1998, 1, 1)),
                education__in=SCHOOLED,
                standing__isnull=True,
            )
            .exclude(political_status="cpc_member")
            .order_by("id")[:3]
        )
        for index, person in enumerate(people):
            nominate(
                acting_user=None,
                person=person,
                route=Route.PARTY_ORG,
                reasons="村党组织推荐，群众基础较好，在防汛和疫情防控中表现积极。",
                nominated_on=today - dt.timedelta(days=200),
                criteria=("political_quality", "cares_for_masses"),
                target_post=TargetPost.SECRETARY if index == 0 else TargetPost.MEMBER,
            )
            decide(
                acting_user=None,
                person=person,
                to_stage=Stage.VILLAGE_RESERVE,
                deciding_level=DecidingLevel.VILLAGE,
                decided_on=today - dt.timedelta(days=180),
                reason="村党组织会议研究同意。",
                expected_version=Standing.objects.get(person=person).version,
            )
            if code == XINQIAO and index == 0:
                decide(
                    acting_user=None,
                    person=person,
                    to_stage=Stage.TOWN_RESERVE,
                    deciding_level=DecidingLevel.TOWN,
                    decided_on=today - dt.timedelta(days=120),
                    reason="永安镇党委研究，列为镇级后备。",
                    document_number=f"永委〔{(today - dt.timedelta(days=120)).year}〕21号",
                    expected_version=Standing.objects.get(person=person).version,
                )


def _decide_all(
    batch: ReviewBatch,
    clerk_for: dict[str, User],
    exceptions: dict[tuple[int, str], tuple[str, list[str], str]],
) -> None:
    """Every verdict of ``batch``: pass, unless ``exceptions`` says otherwise for
    (person id, department code)."""
    for verdict in DepartmentVerdict.objects.filter(subject__batch=batch).select_related(
        "department", "subject"
    ):
        result, codes, notes = exceptions.get(
            (verdict.subject.person_id, verdict.department.code), (Verdict.PASS, [], "")
        )
        verdict_record(
            acting_user=clerk_for.get(verdict.department.code),
            verdict=verdict,
            result=result,
            items=list(NegativeListItem.objects.filter(code__in=codes)),
            notes=notes,
        )


def load_review_and_seats() -> None:
    if ReviewBatch.objects.exists():
        return
    today = timezone.localdate()
    district = Region.objects.get(code=SHIZHONG)
    manager = _user("demo-district")
    clerk = _user("demo-clerk")
    police = Department.objects.get(code="police")
    department_save(
        acting_user=manager,
        region=district,
        department=police,
        code=police.code,
        name=police.name,
        name_en=police.name_en,
        clerks=[clerk],
    )
    _add_village_reserves(today)
    departments = list(Department.objects.filter(is_active=True))
    pool = list(
        Person.objects.filter(
            standing__stage__in=[
                Stage.VILLAGE_RESERVE,
                Stage.KEY_TARGET,
                Stage.TOWN_RESERVE,
                Stage.DISTRICT_RESERVE,
            ]
        ).order_by("village__code", "name_sort")
    )
    opened = today - dt.timedelta(days=90)
    first = batch_open(
        acting_user=manager,
        region=district,
        name=f"{opened.year}年第一批区级集中联审",
        opened_on=opened,
        deadline=opened + dt.timedelta(days=14),
        departments=departments,
        people=pool,
    )
    vetoed = pool[-1]
    _decide_all(
        first,
        {"police": clerk},
        {(vetoed.pk, "police"): (Verdict.FAIL, ["U02"], "2023年因赌博被行政拘留五日。")},
    )
    starts = workday_span_end(opened + dt.timedelta(days=16), 1)
    batch_publish(
        acting_user=manager, batch=first, starts_on=starts, ends_on=workday_span_end(starts, 5)
    )

    # A second batch, open now: the candidates, waiting for 公安分局 (demo-clerk's queue).
    candidates = list(Person.objects.filter(standing__stage=Stage.CANDIDATE).order_by("name_sort"))
    second = batch_open(
        acting_user=manager,
        region=district,
        name=f"{today.year}年第二批区级集中联审",
        opened_on=today - dt.timedelta(days=4),
        deadline=today + dt.timedelta(days=6),
        departments=departments,
        people=candidates,
    )
    for verdict in DepartmentVerdict.objects.filter(subject__batch=second).exclude(
        department=police
    ):
        verdict_record(acting_user=None, verdict=verdict, result=Verdict.PASS)

    _load_seats(today)


def _load_seats(today: dt.date) -> None:
    manager = _user("demo-district")
    town = _user("demo-town")
    for code, user in ((LUZI, manager), (HUAHONG, town)):
        village = Region.objects.get(code=code)
        seats_set_up(
            acting_user=user,
            village=village,
            party_deputies=0,
            party_members=2,
            committee_deputies=0,
            committee_members=2,
        )
        holders = list(
            Person.objects.filter(
                village=village, standing__isnull=True, birth_date__lte=dt.date(1992, 1, 1)
            ).order_by("birth_date")
        )
        main_seats = (
            Seat.objects.filter(village=village, is_active=True)
            .exclude(role=SeatRole.GROUP_LEADER)
            .order_by("role", "ordinal")
        )
        for seat, person in zip(main_seats, holders, strict=False):
            incumbent_record(acting_user=user, seat=seat, person=person, started_on=ELECTION_DAY)
    luzi = Region.objects.get(code=LUZI)
    member = Seat.objects.get(village=luzi, role=SeatRole.COMMITTEE_MEMBER, ordinal=1)
    # One of 鹿子村's reserves is the son of a sitting committee member: avoidance applies.
    reserve = (
        Person.objects.filter(village=luzi, standing__stage=Stage.VILLAGE_RESERVE)
        .order_by("name_sort")
        .last()
    )
    holder = member.holder
    if reserve is not None and holder is not None:
        relationship_add(
            acting_user=manager, person=reserve, relative=holder.person, kind=Kinship.PARENT
        )
    director = Seat.objects.get(village=luzi, role=SeatRole.DIRECTOR)
    vacancy_open(
        acting_user=manager,
        seat=director,
        reason="resignation",
        opened_on=today - dt.timedelta(days=2),
        notes="本人因外出经商提出辞职，村民委员会已接受。",
    )
