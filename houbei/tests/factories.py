"""Factories shared by the tests of every app. People are created through the registration
service, so encrypted fields, digests and search keys are exactly as in production."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import factory
from factory.django import DjangoModelFactory
from openpyxl import Workbook

from houbei.accounts.models import Grant, User
from houbei.accounts.roles import Role
from houbei.lib.idnumber import make_id_number
from houbei.people.models import Person
from houbei.people.services import PersonInput, person_register
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.regions.services import default_kind

PASSWORD = "correct-horse-battery"

_sequence = itertools.count(1)


def make_region(
    code: str, name: str, level: Level, parent: Region | None = None, **extra: Any
) -> Region:
    return Region.objects.create(
        code=code, name=name, level=level, parent=parent, kind=default_kind(code, level), **extra
    )


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save(update_fields=["password"])


class GrantFactory(DjangoModelFactory[Grant]):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    role = Role.VILLAGE_SECRETARY


def make_user(username: str, role: Role | None = None, region: Region | None = None) -> User:
    user = UserFactory(username=username, managed_in=region)
    if role is not None and region is not None:
        GrantFactory(user=user, role=role, region=region)
    return user


def next_id_number(
    birth: dt.date | None = None, *, male: bool = True, address: str = "511002"
) -> str:
    number = next(_sequence)
    sequence = (number * 2 + (1 if male else 0)) % 1000 or (1 if male else 2)
    birth = birth or dt.date(1990, 1, 1) + dt.timedelta(days=number * 37 % 9000)
    return make_id_number(address, birth, sequence)


def numbered_name(stem: str, number: int) -> str:
    """A distinct name for the n-th test person: 人一二 for ("人", 12). Digits are refused in
    names (people.services.name_problem), so the number is written in Han numerals."""
    return stem + "".join("零一二三四五六七八九"[int(digit)] for digit in str(number))


def make_legacy_person(village: Region, name: str) -> Person:
    """A person whose name the registry would refuse today (digits, symbols, a formula):
    registered before names were checked, or written by hand into the database. Exports
    must still show such a name as the text it is."""
    person = make_person(village, "旧名")
    Person.objects.filter(pk=person.pk).update(name=name)
    person.refresh_from_db()
    return person


def make_person(village: Region, name: str = "张伟", **fields: Any) -> Person:
    data = PersonInput(
        name=name,
        village=village,
        id_number=fields.pop("id_number", None) or next_id_number(),
        phone=fields.pop("phone", "13800000000"),
        **fields,
    )
    return person_register(acting_user=None, data=data)


def xlsx(rows: list[list[Any]], merged: str = "") -> bytes:
    """A workbook of these rows on its first sheet, as a village would send it; ``merged``
    merges a range (a title row across the table, say)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merged:
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
