"""Seats, vacancies, recommendations and appointment on a constructed 鹿子村 (village C)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from houbei.conftest import World
from houbei.cultivation.services import assignment_add
from houbei.people.choices import Education
from houbei.people.models import Kinship, Person
from houbei.people.services import relationship_add
from houbei.pipeline.models import Stage, StageDecision, Standing
from houbei.pipeline.tests.conftest import place
from houbei.review.models import Department, Verdict
from houbei.review.services import batch_open, batch_publish, verdict_record
from houbei.seats.forecast import forecast
from houbei.seats.models import (
    Seat,
    SeatRole,
    Tenure,
    Vacancy,
    VacancyReason,
    VacancyStatus,
)
from houbei.seats.recommendations import Unreviewed, recommend
from houbei.seats.services import appoint, incumbent_record, seats_set_up, vacancy_open
from houbei.tests.factories import make_person, next_id_number, numbered_name

D = dt.date


def person(
    world: World, name: str, born: dt.date, village: str = "village_c", **extra: object
) -> Person:
    fields = {"education": Education.HIGH_SCHOOL, **extra}
    return make_person(getattr(world, village), name, id_number=next_id_number(born), **fields)


def tough_posts(someone: Person, count: int) -> None:
    for n in range(count):
        assignment_add(
            acting_user=None,
            person=someone,
            kind="tough_post",
            title=f"任务{n}",
            started_on=D(2019, 6, 1),
            ended_on=D(2019, 6, 30),
            outcome="passed",
        )


@dataclass
class Village:
    director: Seat
    member: Seat
    secretary: Seat
    old_director: Person
    member_holder: Person
    reserves: dict[str, Person]


@pytest.fixture
def luzi(world: World, frozen_now: object) -> Village:
    seats = seats_set_up(
        acting_user=world.town_y_admin,
        village=world.village_c,
        party_deputies=0,
        party_members=2,
        committee_deputies=0,
        committee_members=2,
    )
    by_role = {(s.role, s.ordinal): s for s in seats}
    director, member, secretary = (
        by_role[(SeatRole.DIRECTOR, 1)],
        by_role[(SeatRole.COMMITTEE_MEMBER, 1)],
        by_role[(SeatRole.SECRETARY, 1)],
    )
    old_director = person(world, "王大明", D(1970, 3, 1))
    member_holder = person(world, "李秀英", D(1972, 5, 1))
    secretary_holder = person(world, "张国强", D(1965, 8, 1))
    for seat, holder in (
        (director, old_director),
        (member, member_holder),
        (secretary, secretary_holder),
    ):
        incumbent_record(
            acting_user=world.town_y_admin,
            seat=seat,
            person=holder,
            started_on=D(2016, 12, 1),
            term_ends_on=D(2021, 12, 1),
        )
    reserves = {
        "best": person(world, "何娟", D(1990, 1, 1)),
        "local": person(world, "付宇", D(1991, 1, 1)),
        "elsewhere": person(
            world, "钟利洪", D(1992, 1, 1), village="village_a", lives_in_village=True
        ),
        "unreviewed": person(world, "罗佳怡", D(1993, 1, 1)),
        "relative": person(world, "李小明", D(1994, 1, 1)),
        "older": person(world, "周平", D(1970, 1, 1)),
        "schooling": person(world, "吴芳", D(1995, 1, 1), education=Education.JUNIOR_HIGH),
        "other_town": person(world, "陈刚", D(1990, 6, 1), village="village_a"),
    }
    stages = {
        "best": Stage.VILLAGE_RESERVE,
        "local": Stage.KEY_TARGET,
        "elsewhere": Stage.DISTRICT_RESERVE,
        "unreviewed": Stage.VILLAGE_RESERVE,
        "relative": Stage.VILLAGE_RESERVE,
        "older": Stage.VILLAGE_RESERVE,
        "schooling": Stage.VILLAGE_RESERVE,
        "other_town": Stage.TOWN_RESERVE,  # 凌家镇's pool: does not cover 鹿子村
    }
    for key, stage in stages.items():
        place(reserves[key], stage)
    tough_posts(reserves["best"], 3)
    tough_posts(reserves["local"], 2)
    tough_posts(reserves["elsewhere"], 2)
    relationship_add(
        acting_user=world.district_admin,
        person=reserves["relative"],
        relative=member_holder,
        kind=Kinship.PARENT,
    )
    departments = list(Department.objects.filter(code__in=["police", "court"]))
    for department in departments:
        department.clerks.add(world.clerk)
    reviewed = [p for key, p in reserves.items() if key != "unreviewed"]
    batch = batch_open(
        acting_user=world.district_admin,
        region=world.district,
        name="2020年第一批区级集中联审",
        opened_on=D(2020, 1, 2),
        deadline=D(2020, 1, 3),
        departments=departments,
        people=reviewed,
    )
    for verdict in batch.subjects.all().values_list("verdicts", flat=True):
        from houbei.review.models import DepartmentVerdict

        verdict_record(
            acting_user=world.clerk,
            verdict=DepartmentVerdict.objects.get(pk=verdict),
            result=Verdict.PASS,
        )
    batch_publish(
        acting_user=world.district_admin,
        batch=batch,
        starts_on=D(2020, 1, 6),
        ends_on=D(2020, 1, 10),
    )
    return Village(director, member, secretary, old_director, member_holder, reserves)


def director_resigns(world: World, luzi: Village) -> Vacancy:
    """鹿子村's director resigned on 2020-02-18: the district opens the vacancy."""
    return vacancy_open(
        acting_user=world.district_admin,
        seat=luzi.director,
        reason=VacancyReason.RESIGNATION,
        opened_on=D(2020, 2, 18),
    )


def test_seats_follow_the_law(world: World, luzi: Village) -> None:
    seats = Seat.objects.filter(village=world.village_c, is_active=True)
    assert seats.filter(role=SeatRole.DIRECTOR).count() == 1
    assert seats.filter(role=SeatRole.COMMITTEE_MEMBER).count() == 2
    with pytest.raises(ValidationError) as error:
        seats_set_up(
            acting_user=world.town_y_admin,
            village=world.village_c,
            party_deputies=0,
            party_members=2,
            committee_deputies=1,
            committee_members=6,
        )
    assert error.value.message_dict["committee_members"] == [
        "村民委员会连同主任由 3 至 7 人组成（现为 8 人）。"
    ]
    with pytest.raises(PermissionDenied):
        seats_set_up(
            acting_user=world.town_x_admin,
            village=world.village_c,
            party_deputies=0,
            party_members=2,
            committee_deputies=0,
            committee_members=2,
        )


def test_the_shortlist_ranks_and_explains(world: World, luzi: Village) -> None:
    vacancy = director_resigns(world, luzi)
    shortlist = recommend(vacancy=vacancy, on=D(2020, 2, 20))
    r = luzi.reserves
    assert [row.person for row in shortlist.ranked] == [r["best"], r["local"], r["elsewhere"]]
    first, second, third = (row.explanation for row in shortlist.ranked)
    assert "最高" in first[0] and "9.00" in first[0]
    assert "低于 何娟（第 1 名）的 9.00" in second[0]
    assert "与 付宇（第 2 名）积分相同" in third[0] and "付宇 在本村居住" in third[0]
    excluded = {c.person.name: c.reasons for c in shortlist.excluded}
    # Never reviewed: counted with the rest of the village's pool, not weighed one by one.
    assert "罗佳怡" not in excluded
    assert shortlist.unreviewed == [Unreviewed(Stage.VILLAGE_RESERVE, world.village_c, 1)]
    assert excluded["李小明"] == ["近亲属回避：父母 李秀英 担任村民委员会委员"]
    assert excluded["周平"] == ["50 岁，超过 45 岁的年龄上限"]
    assert excluded["吴芳"] == ["学历为初中，低于高中"]
    # Recorded from the sitting member's side, the kinship is read the other way round.
    relationship_add(
        acting_user=world.district_admin,
        person=luzi.member_holder,
        relative=r["local"],
        kind=Kinship.SIBLING,
    )
    again = recommend(vacancy=vacancy, on=D(2020, 2, 20))
    assert [row.person for row in again.ranked] == [r["best"], r["elsewhere"]]
    assert {c.person.name: c.reasons for c in again.excluded}["付宇"] == [
        "近亲属回避：兄弟姐妹 李秀英 担任村民委员会委员"
    ]
    assert r["other_town"] not in [row.person for row in shortlist.ranked] + [
        c.person for c in shortlist.excluded
    ]
    assert luzi.old_director.tenures.get().end_reason == "resigned"


def test_an_appointment_fills_the_seat_and_the_pipeline_follows(
    world: World, luzi: Village
) -> None:
    vacancy = director_resigns(world, luzi)
    best = luzi.reserves["best"]
    for refused in (luzi.reserves["unreviewed"], luzi.reserves["relative"]):
        with pytest.raises(ValidationError):
            appoint(
                acting_user=world.district_admin,
                vacancy=vacancy,
                person=refused,
                method="by_election",
                decided_on=D(2020, 2, 20),
            )
    with pytest.raises(PermissionDenied):
        appoint(
            acting_user=world.town_y_admin,
            vacancy=vacancy,
            person=best,
            method="by_election",
            decided_on=D(2020, 2, 20),
        )
    appointment = appoint(
        acting_user=world.district_admin,
        vacancy=vacancy,
        person=best,
        method="by_election",
        decided_on=D(2020, 2, 20),
        document_number="鹿子村委〔2020〕1号",
    )
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.closed_on) == (VacancyStatus.FILLED, D(2020, 2, 20))
    assert appointment.shortlist_rank == 1
    tenure = Tenure.objects.get(seat=luzi.director, ended_on__isnull=True)
    assert (tenure.person, tenure.term_ends_on) == (best, D(2021, 12, 1))  # the rest of the term
    assert Standing.objects.get(person=best).stage == Stage.APPOINTED
    decision = StageDecision.objects.get(person=best, to_stage=Stage.APPOINTED)
    assert decision.deciding_body == "鹿子村村民委员会"
    assert Tenure.objects.filter(seat=luzi.director).count() == 2  # history kept
    with pytest.raises(ValidationError):
        appoint(
            acting_user=world.district_admin,
            vacancy=vacancy,
            person=luzi.reserves["local"],
            method="by_election",
            decided_on=D(2020, 2, 20),
        )


def test_the_forecast_lists_vacancies_term_ends_and_age_limits(world: World, luzi: Village) -> None:
    from houbei.regions.models import Region

    vacancy_open(
        acting_user=world.district_admin,
        seat=luzi.director,
        reason=VacancyReason.RESIGNATION,
        opened_on=D(2020, 2, 18),
    )
    rows = forecast(
        villages=Region.objects.filter(pk=world.village_c.pk),
        until=D(2021, 12, 1),
        today=D(2020, 2, 20),
    )
    reasons = {(row.seat.role, row.reason) for row in rows}
    assert (SeatRole.DIRECTOR, "vacant") in reasons
    assert (SeatRole.SECRETARY, "term") not in reasons  # the term ends on election day itself
    later = forecast(
        villages=Region.objects.filter(pk=world.village_c.pk),
        until=D(2026, 1, 1),
        today=D(2020, 2, 20),
    )
    secretary_row = next(row for row in later if row.seat.role == SeatRole.SECRETARY)
    assert secretary_row.reason == "term"  # 2021-12-01, before a 2026 election
    director = next(row for row in later if row.seat.role == SeatRole.DIRECTOR)
    assert {s.person.name for s in director.covering} >= {"何娟", "付宇", "钟利洪"}


def test_reserves_never_reviewed_are_counted_by_pool_at_the_same_cost(
    world: World, luzi: Village, django_assert_num_queries
) -> None:
    """A district's pools hold thousands who have never been through a joint review: they
    are counted by pool in one query, so the shortlist costs the same queries for one of
    them or for many, and each group names its pool."""
    vacancy = director_resigns(world, luzi)
    recommend(vacancy=vacancy, on=D(2020, 2, 20))  # warm the content-type and weight caches
    with CaptureQueriesContext(connection) as before:
        first = recommend(vacancy=vacancy, on=D(2020, 2, 20))
    for n in range(6):
        place(person(world, numbered_name("新人", n), D(1995, 1, 1)), Stage.VILLAGE_RESERVE)
    for n in range(3):
        place(person(world, numbered_name("镇备", n), D(1995, 1, 1)), Stage.TOWN_RESERVE)
    # 凌家镇's town pool does not cover 鹿子村 (永安镇); the district's pool does.
    place(person(world, "外镇备", D(1995, 1, 1), village="village_a"), Stage.TOWN_RESERVE)
    place(person(world, "区备甲", D(1995, 1, 1), village="village_b"), Stage.DISTRICT_RESERVE)
    with django_assert_num_queries(len(before.captured_queries)):
        later = recommend(vacancy=vacancy, on=D(2020, 2, 20))
    assert first.unreviewed_count == 1
    town = world.village_c.parent
    assert later.unreviewed == [
        Unreviewed(Stage.VILLAGE_RESERVE, world.village_c, 7),
        Unreviewed(Stage.TOWN_RESERVE, town, 3),
        Unreviewed(Stage.DISTRICT_RESERVE, world.district, 1),
    ]
    assert later.unreviewed_count == 11
    assert [row.person for row in later.ranked] == [row.person for row in first.ranked]
    assert later.unreviewed[1].label == f"{town.name} · 镇级后备"


def test_the_vacancy_page_counts_the_unreviewed_and_links_to_them(
    world: World, luzi: Village, client
) -> None:
    vacancy = director_resigns(world, luzi)
    client.force_login(world.district_admin)
    page = client.get(f"/seats/vacancies/{vacancy.pk}/").content.decode()
    card = page[page.index('data-testid="unreviewed"') :]
    assert "覆盖本村的后备库中有 1 人从未参加资格联审" in card
    assert f'href="/pipeline/?stage=village_reserve&amp;region={world.village_c.code}"' in card
    assert "鹿子村 · 村级后备力量" in card
    listed = page[page.index('data-testid="shortlist"') : page.index('data-testid="unreviewed"')]
    assert "李小明" in listed and "罗佳怡" not in listed  # counted, not listed one by one


def test_a_village_secretary_never_sees_other_villages_reserves_on_the_shortlist(
    world: World, luzi: Village, client
) -> None:
    """鹿子村's shortlist draws on the district pool, which holds 钟利洪 of 花红村: the
    village's secretary gets neither the list nor its reasons (which name the people
    ranked ahead), on the page or through the API; the district gets both."""
    vacancy = director_resigns(world, luzi)
    elsewhere = luzi.reserves["elsewhere"]
    assert elsewhere.village != world.village_c
    client.force_login(world.secretary_c)
    page = client.get(f"/seats/vacancies/{vacancy.pk}/").content.decode()
    assert elsewhere.name not in page and "何娟" not in page
    assert 'data-testid="shortlist-hidden"' in page and "仅向镇、区显示" in page
    api = client.get(f"/api/v1/vacancies/{vacancy.pk}/recommendations/")
    assert api.status_code == 403
    client.force_login(world.district_admin)
    page = client.get(f"/seats/vacancies/{vacancy.pk}/").content.decode()
    assert elsewhere.name in page and 'data-testid="shortlist-hidden"' not in page
    assert client.get(f"/api/v1/vacancies/{vacancy.pk}/recommendations/").status_code == 200
