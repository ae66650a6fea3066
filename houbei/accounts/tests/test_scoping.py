import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from houbei.accounts.roles import Capability, Role
from houbei.accounts.scoping import Scope, merged_regions
from houbei.conftest import World, merge_village
from houbei.people.models import Person
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.regions.services import region_merge
from houbei.tests.factories import GrantFactory, make_person, make_region, make_user


def test_a_grant_covers_its_subtree_only(world: World):
    scope = Scope.for_user(world.town_x_admin)
    assert scope.prefixes(Capability.PEOPLE_VIEW) == ("511002102",)
    assert scope.covers(world.village_a, Capability.PEOPLE_VIEW)
    assert scope.covers(world.group_a1, Capability.PEOPLE_VIEW)
    assert not scope.covers(world.village_c, Capability.PEOPLE_VIEW)
    assert not scope.covers(world.district, Capability.PEOPLE_VIEW)


def test_capabilities_follow_the_role(world: World):
    auditor = Scope.for_user(world.auditor)
    assert auditor.can(Capability.PEOPLE_VIEW)
    assert not auditor.can(Capability.PEOPLE_EDIT)
    assert auditor.prefixes(Capability.PEOPLE_EDIT) == ()
    assert not Scope.for_user(world.sysadmin).can(Capability.PEOPLE_VIEW)
    assert not Scope.for_user(world.post_leader).can(Capability.PEOPLE_VIEW)
    assert Scope.for_user(world.outsider).grants == ()


def test_several_grants_add_up_and_nested_prefixes_collapse(world: World):
    user = make_user("two-hats", Role.VILLAGE_SECRETARY, world.village_a)
    GrantFactory(user=user, role=Role.VILLAGE_SECRETARY, region=world.village_c)
    GrantFactory(user=user, role=Role.TOWN_ADMIN, region=world.town_x)
    scope = Scope.for_user(user)
    assert scope.prefixes(Capability.PEOPLE_VIEW) == ("511002102", "511002104220")
    assert scope.prefixes(Capability.ACCOUNTS_MANAGE) == ("511002102",)


def test_a_merged_village_stays_reachable_from_its_successor(world: World):
    person = make_person(world.village_merged, "岩湾人")
    secretary = Scope.for_user(world.secretary_a)
    assert not secretary.covers(world.village_merged, Capability.PEOPLE_VIEW)
    merge_village(world)
    secretary = Scope.for_user(world.secretary_a)
    assert secretary.covers(world.village_merged, Capability.PEOPLE_VIEW)
    assert (
        secretary.get_visible(
            Person.objects.all(), Capability.PEOPLE_VIEW, code_field="village__code", pk=person.pk
        )
        == person
    )
    # ... and from above, but never from the neighbour.
    assert not Scope.for_user(world.secretary_b).covers(
        world.village_merged, Capability.PEOPLE_VIEW
    )


def test_merges_chain(world: World):
    older = make_region("511002102219", "更早村", Level.VILLAGE, world.town_x)
    region_merge(acting_user=None, region=older, into=world.village_merged, on=dt.date(2015, 1, 1))
    merge_village(world)
    assert Scope.for_user(world.secretary_a).covers(
        Region.objects.get(pk=older.pk), Capability.PEOPLE_VIEW
    )


def test_out_of_scope_is_404_and_read_only_is_403(world: World):
    person = make_person(world.village_a)
    queryset = Person.objects.all()
    with pytest.raises(Http404):
        Scope.for_user(world.secretary_b).get_visible(
            queryset, Capability.PEOPLE_VIEW, code_field="village__code", pk=person.pk
        )
    with pytest.raises(Http404):  # a missing record looks the same
        Scope.for_user(world.secretary_a).get_visible(
            queryset, Capability.PEOPLE_VIEW, code_field="village__code", pk=person.pk + 999
        )
    with pytest.raises(PermissionDenied):
        Scope.for_user(world.auditor).get_writable(
            queryset,
            read=Capability.PEOPLE_VIEW,
            write=Capability.PEOPLE_EDIT,
            code_field="village__code",
            pk=person.pk,
        )
    assert (
        Scope.for_user(world.secretary_a).get_writable(
            queryset,
            read=Capability.PEOPLE_VIEW,
            write=Capability.PEOPLE_EDIT,
            code_field="village__code",
            pk=person.pk,
        )
        == person
    )


def test_grantable_roles_never_exceed_ones_own(world: World):
    town = Scope.for_user(world.town_x_admin)
    assert town.grantable_roles(world.village_a) == {Role.VILLAGE_SECRETARY, Role.POST_LEADER}
    assert town.grantable_roles(world.town_x) == {Role.TOWN_ADMIN, Role.POST_LEADER}
    assert town.grantable_roles(world.village_c) == frozenset()
    assert town.grantable_roles(world.district) == frozenset()
    district = Scope.for_user(world.district_admin)
    assert Role.SYSTEM_ADMIN not in district.grantable_roles(world.district)
    assert Role.DISTRICT_ADMIN in district.grantable_roles(world.district)
    assert Scope.for_user(world.secretary_a).grantable_roles(world.village_a) == frozenset()


def test_an_inactive_user_has_no_scope(world: World):
    world.secretary_a.is_active = False
    world.secretary_a.save()
    assert Scope.for_user(world.secretary_a).grants == ()


def test_views_reach_records_only_through_scoping():
    """The rule of accounts/scoping.py, enforced: no view module queries a manager directly."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("views.py")
        if ".objects." in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_every_scope_finds_the_merged_villages_without_reading_all_regions(world: World):
    """Each request's scope reads the merged villages; their partial index keeps that from
    scanning every region (a city has 14 000)."""
    merge_village(world)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is scanned anyway
    plan = merged_regions().explain()
    assert "regions_merged_idx" in plan, plan
    assert list(merged_regions()) == [
        (world.village_merged.code, Level.VILLAGE, world.village_a.code)
    ]


def test_a_users_grants_are_read_once_and_forgotten_when_a_grant_changes(
    world: World, django_assert_num_queries
):
    """The grants are kept on the user instance (decision 0009): read once for the request
    and every service it calls, forgotten on that instance when a grant is added or
    revoked through it."""
    from houbei.accounts.services import grant_add, grant_revoke

    user = world.secretary_a
    assert not Scope.for_user(user).covers(world.village_b, Capability.PEOPLE_VIEW)
    with django_assert_num_queries(0):
        assert Scope.for_user(user).covers(world.village_a, Capability.PEOPLE_VIEW)
    grant_add(
        acting_user=world.town_x_admin,
        user=user,
        region=world.village_b,
        role=Role.VILLAGE_SECRETARY,
    )
    assert Scope.for_user(user).covers(world.village_b, Capability.PEOPLE_VIEW)
    grant_revoke(acting_user=world.town_x_admin, grant=user.grants.get(region=world.village_b))
    assert not Scope.for_user(user).covers(world.village_b, Capability.PEOPLE_VIEW)
    assert Scope.for_user(user).covers(world.village_a, Capability.PEOPLE_VIEW)
