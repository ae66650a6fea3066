import pytest
from django.db import connection

from houbei.accounts.scoping import Scope
from houbei.conftest import World, merge_village
from houbei.people.models import BackgroundCategory, PersonNameKey
from houbei.people.selectors import (
    PARTY_MEMBERS,
    PersonFilters,
    people_counts_by_child,
    people_summary,
    person_list,
)
from houbei.tests.factories import make_person


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


@pytest.mark.parametrize(
    "query", ["王強", "王强", "wangqiang", "WangQiang", "wq", "wang", "qiang", "王", "ＷＱ"]
)
def test_a_village_secretary_finds_wang_qiang_every_way(world: World, village_people, query):
    result = person_list(
        scope=Scope.for_user(world.secretary_a), filters=PersonFilters(query=query)
    )
    assert names(result) == ["王強"]


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
    lookup is an index range, on SQLite (LIKE would scan) and PostgreSQL alike."""
    keys = PersonNameKey.objects.filter(key__indexed_prefix="wq").values("person_id")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is scanned anyway
        plan = keys.explain()
        assert "Index" in plan and "Seq Scan" not in plan, plan
    else:
        plan = keys.explain()
        assert "USING INDEX" in plan and "SCAN" not in plan.replace("USING INDEX", ""), plan
    assert sorted(keys.values_list("person_id", flat=True)) == sorted(
        [village_people["wang"].pk, village_people["other_wang"].pk]
    )


def test_search_never_crosses_the_scope(world: World, village_people):
    result = person_list(scope=Scope.for_user(world.secretary_b), filters=PersonFilters(query="wq"))
    assert [person.village.code for person in result] == ["511002102222"]
    town = person_list(scope=Scope.for_user(world.town_x_admin), filters=PersonFilters(query="wq"))
    assert names(town) == ["王強", "王强"]
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
