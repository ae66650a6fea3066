from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from houbei.accounts.models import User
from houbei.accounts.roles import Role
from houbei.conftest import World
from houbei.people.models import Person
from houbei.review.models import Department, DepartmentVerdict, NegativeListItem, ReviewBatch
from houbei.review.services import batch_open, department_save
from houbei.tests.factories import make_person, make_user

D = dt.date


@dataclass
class Review:
    police: Department
    court: Department
    police_clerk: User  # world.clerk
    court_clerk: User
    batch: ReviewBatch  # 2020-02-01, due 2020-02-10, police and court, first and second
    first: Person  # 花红村
    second: Person  # 鹿子村

    def verdict(self, person: Person, department: Department) -> DepartmentVerdict:
        return DepartmentVerdict.objects.get(
            subject__batch=self.batch, subject__person=person, department=department
        )

    @staticmethod
    def item(code: str) -> NegativeListItem:
        return NegativeListItem.objects.get(code=code)


def assign(world: World, department: Department, clerk: User) -> None:
    department_save(
        acting_user=world.district_admin,
        region=world.district,
        department=department,
        code=department.code,
        name=department.name,
        name_en=department.name_en,
        clerks=[*department.clerks.all(), clerk],
    )


@pytest.fixture
def review(world: World, frozen_now: object) -> Review:
    police = Department.objects.get(code="police")
    court = Department.objects.get(code="court")
    court_clerk = make_user("clerk-court", Role.REVIEW_CLERK, world.district)
    assign(world, police, world.clerk)
    assign(world, court, court_clerk)
    first = make_person(world.village_a, "钟利洪")
    second = make_person(world.village_c, "罗佳怡")
    batch = batch_open(
        acting_user=world.district_admin,
        region=world.district,
        name="2020年第一批区级集中联审",
        opened_on=D(2020, 2, 1),
        deadline=D(2020, 2, 10),
        departments=[police, court],
        people=[first, second],
    )
    return Review(police, court, world.clerk, court_clerk, batch, first, second)
