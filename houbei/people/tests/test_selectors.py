import importlib
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.db import connection

from houbei.accounts.scoping import Scope
from houbei.conftest import World, merge_village
from houbei.people.models import BackgroundCategory, PersonNameKey
from houbei.people.selectors import (
    PARTY_MEMBERS,
    PersonFilters,
    name_search,
    people_counts_by_child,
    people_summary,
    person_list,
)
from houbei.tests.factories import make_person, numbered_name


@pytest.fixture
def village_people(world: World):
    return {
        "wang": make_person(
            world.village_a, "王強", id_number="511002199001010011", phone="13800001111"
        ),
        "zeng": make_person(
            world.village_a, "曾洪", political_status="cpc_member", villager_group=world.group_a1
        ),
        "chen": make_person(world.village_a, "陈丽", political_status="cpc_probationary"),
        "other_wang": make_person(world.village_b, "王强"),
        "far": make_person(world.village_c, "张超", political_status="cyl_member"),
    }


def names(queryset) -> list[str]:
    return sorted(person.name for person in queryset)


def searched(scope: Scope, filters: PersonFilters) -> list[str]:
    """The names the list page shows: through the name-key index (name_search) and, the
    same, through person_list, which the API and the exports use."""
    listed = person_list(scope=scope, filters=filters)
    found = name_search(scope=scope, filters=filters)
    assert found is not None
    assert found.count() == listed.count()
    assert [p.pk for p in found[:25]] == [p.pk for p in listed[:25]]
    return names(listed)


@pytest.mark.parametrize(
    "query", ["王強", "王强", "wangqiang", "WangQiang", "wq", "wang", "qiang", "王", "ＷＱ"]
)
def test_a_village_secretary_finds_wang_qiang_every_way(world: World, village_people, query):
    scope = Scope.for_user(world.secretary_a)
    assert searched(scope, PersonFilters(query=query)) == ["王強"]


def test_the_indexed_search_pages_in_pinyin_order_like_the_list(world: World):
    for number in range(30):
        make_person(world.village_a if number % 3 else world.village_b, numbered_name("王", number))
    make_person(world.village_a, "汪洋")
    make_person(world.village_a, "张伟")  # 伟 is wei
    make_person(world.village_a, "李明")
    scope = Scope.for_user(world.town_x_admin)
    filters = PersonFilters(query="w")
    found = name_search(scope=scope, filters=filters)
    assert found is not None and found.count() == len(found) == 32
    listed = person_list(scope=scope, filters=filters)
    assert [p.pk for p in found[25:50]] == [p.pk for p in listed[25:50]]
    assert [p.name for p in found[:40]] == [p.name for p in listed]
    assert found[0].name == listed[0].name
    in_village = name_search(scope=scope, filters=replace(filters, region=world.village_b))
    assert in_village is not None
    assert {p.village for p in in_village[:25]} == {world.village_b} and len(in_village) == 10


def test_numbers_and_other_filters_are_not_answered_from_the_name_keys(world: World):
    scope = Scope.for_user(world.district_admin)
    assert name_search(scope=scope, filters=PersonFilters(query="511002199001010011")) is None
    assert name_search(scope=scope, filters=PersonFilters(query="  ")) is None
    assert (
        name_search(scope=scope, filters=PersonFilters(query="w", political_status="party")) is None
    )
    category = BackgroundCategory.objects.first()
    assert name_search(scope=scope, filters=PersonFilters(query="w", category=category)) is None


def test_a_person_moved_is_found_in_the_new_village_only(world: World, village_people):
    from houbei.people.services import PersonInput, person_update

    wang = village_people["wang"]
    person_update(
        acting_user=world.town_x_admin,
        person=wang,
        data=PersonInput(name=wang.name, village=world.village_b, id_number=None, phone=None),
        expected_version=wang.version,
    )
    assert searched(Scope.for_user(world.secretary_a), PersonFilters(query="wq")) == []
    assert searched(Scope.for_user(world.secretary_b), PersonFilters(query="wq")) == [
        "王強",
        "王强",
    ]


def test_the_migration_copies_village_and_sort_into_existing_keys(world: World, village_people):
    migration = importlib.import_module("houbei.people.migrations.0006_name_key_search_index")
    PersonNameKey.objects.update(village_code="", name_sort="")
    migration.copy_village_and_sort(None, SimpleNamespace(connection=connection))
    wang = village_people["wang"]
    assert set(wang.name_keys.values_list("village_code", "name_sort")) == {
        (wang.village.code, wang.name_sort)
    }
    assert not PersonNameKey.objects.filter(village_code="").exists()


def test_surnames_are_found_by_their_surname_reading(world: World, village_people):
    scope = Scope.for_user(world.secretary_a)
    assert names(person_list(scope=scope, filters=PersonFilters(query="zenghong"))) == ["曾洪"]
    assert names(person_list(scope=scope, filters=PersonFilters(query="zh"))) == ["曾洪"]
    assert names(person_list(scope=scope, filters=PersonFilters(query="cenghong"))) == []


def test_full_id_or_phone_numbers_find_the_person_through_the_digest(world: World, village_people):
    scope = Scope.for_user(world.secretary_a)
    assert names(person_list(scope=scope, filters=PersonFilters(query="511002199001010011"))) == [
        "王強"
    ]
    assert names(person_list(scope=scope, filters=PersonFilters(query="138 0000 1111"))) == ["王強"]
    assert (
        names(person_list(scope=scope, filters=PersonFilters(query="5110"))) == []
    )  # no partial numbers


@pytest.mark.parametrize("query", ["w%", "w_", "王*", "wq?", "[w]", "\\", "wq􏿿"])
def test_search_text_is_matched_literally(world: World, village_people, query):
    scope = Scope.for_user(world.district_admin)
    assert names(person_list(scope=scope, filters=PersonFilters(query=query))) == []
    found = name_search(scope=scope, filters=PersonFilters(query=query))
    assert found is None or found.count() == 0


def test_a_name_changed_is_found_by_its_new_name_only(world: World, village_people):
    from houbei.people.services import PersonInput, person_update

    wang = village_people["wang"]
    person_update(
        acting_user=world.secretary_a,
        person=wang,
        data=PersonInput(name="李明", village=wang.village, id_number=None, phone=None),
        expected_version=wang.version,
    )
    scope = Scope.for_user(world.secretary_a)
    assert names(person_list(scope=scope, filters=PersonFilters(query="lm"))) == ["李明"]
    assert names(person_list(scope=scope, filters=PersonFilters(query="wq"))) == []


def test_name_search_reads_the_key_index_not_every_row(world: World, village_people):
    """The benchmark measures how search time grows; this pins why it does not: the
    lookup, the scope, the count and the page order are one range of the key index, on
    SQLite (LIKE would scan) and PostgreSQL alike; no person row is read but those shown."""
    found = name_search(scope=Scope.for_user(world.town_x_admin), filters=PersonFilters(query="wq"))
    assert found is not None
    page = found.keys.order_by("name_sort", "person_id").values_list("name_sort", "person_id")
    queries = [found.keys.values("person_id").distinct(), page.distinct()[:25]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is scanned anyway
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    for query in queries:
        plan = query.explain()
        if connection.vendor == "postgresql":
            assert "Index Only Scan using people_namekey_search_idx" in plan, plan
            assert "Seq Scan" not in plan and not re.search(r"people_person\b", plan), plan
        else:
            assert "USING COVERING INDEX people_namekey_search_idx" in plan, plan
            assert "SCAN" not in plan.replace("USING COVERING INDEX", ""), plan
            assert not re.search(r"people_person\b", plan), plan
    assert sorted(p.pk for p in found[:25]) == sorted(
        [village_people["wang"].pk, village_people["other_wang"].pk]
    )


def test_search_never_crosses_the_scope(world: World, village_people):
    result = person_list(scope=Scope.for_user(world.secretary_b), filters=PersonFilters(query="wq"))
    assert [person.village.code for person in result] == ["511002102222"]
    assert searched(Scope.for_user(world.secretary_b), PersonFilters(query="wq")) == ["王强"]
    town = Scope.for_user(world.town_x_admin)
    assert searched(town, PersonFilters(query="wq")) == ["王強", "王强"]
    for nobody in (world.post_leader, world.outsider):
        assert searched(Scope.for_user(nobody), PersonFilters(query="wq")) == []
    assert (
        names(person_list(scope=Scope.for_user(world.post_leader), filters=PersonFilters())) == []
    )
    assert names(person_list(scope=Scope.for_user(world.outsider), filters=PersonFilters())) == []


def test_filters_by_region_category_and_political_status(world: World, village_people):
    scope = Scope.for_user(world.district_admin)
    assert len(person_list(scope=scope, filters=PersonFilters())) == 5
    assert names(person_list(scope=scope, filters=PersonFilters(region=world.town_y))) == ["张超"]
    assert names(
        person_list(scope=scope, filters=PersonFilters(political_status=PARTY_MEMBERS))
    ) == ["曾洪", "陈丽"]
    assert names(
        person_list(scope=scope, filters=PersonFilters(political_status="cyl_member"))
    ) == ["张超"]
    volunteer = BackgroundCategory.objects.get(code="volunteer")
    village_people["chen"].categories.add(volunteer)
    assert names(person_list(scope=scope, filters=PersonFilters(category=volunteer))) == ["陈丽"]
    # A region filter outside the scope yields nothing, not the region's people.
    assert (
        names(
            person_list(
                scope=Scope.for_user(world.secretary_a), filters=PersonFilters(region=world.town_y)
            )
        )
        == []
    )


def test_the_list_is_in_pinyin_order(world: World, village_people):
    result = person_list(scope=Scope.for_user(world.district_admin), filters=PersonFilters())
    # Same reading: registration order breaks the tie.
    assert [person.name for person in result] == ["陈丽", "王強", "王强", "曾洪", "张超"]


def test_people_of_a_merged_village_are_listed_for_its_successor(world: World, village_people):
    old = make_person(world.village_merged, "岩湾人")
    scope = Scope.for_user(world.secretary_a)
    assert old not in person_list(scope=scope, filters=PersonFilters())
    merge_village(world)
    assert old in person_list(scope=Scope.for_user(world.secretary_a), filters=PersonFilters())


def test_summary_and_counts(world: World, village_people):
    summary = people_summary(scope=Scope.for_user(world.town_x_admin))
    assert (summary.total, summary.party_members, summary.league_members, summary.villages) == (
        4,
        2,
        0,
        2,
    )
    counts = people_counts_by_child(
        scope=Scope.for_user(world.district_admin), region=world.district
    )
    assert counts == {world.town_x.pk: 4, world.town_y.pk: 1}
    by_group = people_counts_by_child(
        scope=Scope.for_user(world.secretary_a), region=world.village_a
    )
    assert by_group == {world.group_a1.pk: 1}


def test_list_query_count_does_not_grow_with_the_rows(
    world: World, village_people, django_assert_max_num_queries
):
    scope = Scope.for_user(world.district_admin)
    with django_assert_max_num_queries(3):
        rows = list(person_list(scope=scope, filters=PersonFilters()))
        for person in rows:
            _ = (
                person.village.name,
                [c.name for c in person.categories.all()],
                person.villager_group,
            )
