import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houbei.accounts.models import Grant
from houbei.accounts.roles import Role
from houbei.accounts.scoping import Scope
from houbei.accounts.services import (
    grant_add,
    grant_revoke,
    user_create,
    user_is_manageable,
    user_reset_password,
    user_set_active,
    user_update,
)
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World


def test_a_town_admin_creates_a_village_secretary_with_a_temporary_password(world: World):
    user, temporary = user_create(
        acting_user=world.town_x_admin,
        username="huahong-2",
        display_name="李建国",
        region=world.village_a,
        role=Role.VILLAGE_SECRETARY,
    )
    assert user.check_password(temporary)
    assert user.must_change_password
    assert user.managed_in == world.village_a
    assert list(user.grants.values_list("role", "region__code")) == [
        ("village_secretary", "511002102220")
    ]
    assert set(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("event_type", flat=True)
    ) == {
        EventType.USER_CREATED,
        EventType.GRANT_ADDED,
    }
    assert temporary not in str(AuditEvent.objects.values_list("extra_data", flat=True))


def test_nobody_grants_above_their_own_role_or_outside_their_regions(world: World):
    with pytest.raises(PermissionDenied):
        user_create(
            acting_user=world.town_x_admin,
            username="a",
            display_name="甲",
            region=world.district,
            role=Role.DISTRICT_ADMIN,
        )
    with pytest.raises(PermissionDenied):
        user_create(
            acting_user=world.town_x_admin,
            username="b",
            display_name="乙",
            region=world.village_c,
            role=Role.VILLAGE_SECRETARY,
        )
    with pytest.raises(PermissionDenied):
        user_create(
            acting_user=world.secretary_a,
            username="c",
            display_name="丙",
            region=world.village_a,
            role=Role.POST_LEADER,
        )
    with pytest.raises(PermissionDenied):
        user_create(
            acting_user=world.district_admin,
            username="d",
            display_name="丁",
            region=world.district,
            role=Role.SYSTEM_ADMIN,
        )
    assert not Grant.objects.filter(user__username__in=["a", "b", "c", "d"]).exists()


def test_a_role_is_held_only_at_its_level(world: World):
    with pytest.raises(ValidationError) as raised:
        user_create(
            acting_user=world.district_admin,
            username="e",
            display_name="戊",
            region=world.town_x,
            role=Role.VILLAGE_SECRETARY,
        )
    assert "region" in raised.value.message_dict


def test_usernames_are_unique_regardless_of_case(world: World):
    with pytest.raises(ValidationError) as raised:
        user_create(
            acting_user=world.district_admin,
            username="VILLAGE-A",
            display_name="重名",
            region=world.village_a,
            role=Role.POST_LEADER,
        )
    assert "username" in raised.value.message_dict


def test_no_one_changes_their_own_grants(world: World):
    with pytest.raises(PermissionDenied):
        grant_add(
            acting_user=world.district_admin,
            user=world.district_admin,
            region=world.town_x,
            role=Role.TOWN_ADMIN,
        )
    with pytest.raises(PermissionDenied):
        grant_revoke(acting_user=world.district_admin, grant=world.district_admin.grants.get())


def test_grant_and_revoke_are_audited_in_the_grants_region(world: World):
    grant = grant_add(
        acting_user=world.town_x_admin,
        user=world.secretary_a,
        region=world.village_b,
        role=Role.POST_LEADER,
    )
    with pytest.raises(ValidationError):
        grant_add(
            acting_user=world.town_x_admin,
            user=world.secretary_a,
            region=world.village_b,
            role=Role.POST_LEADER,
        )
    grant_revoke(acting_user=world.town_x_admin, grant=grant)
    events = AuditEvent.objects.filter(
        event_type__in=[EventType.GRANT_ADDED, EventType.GRANT_REVOKED]
    )
    assert [(e.event_type, e.region_id) for e in events.order_by("id")] == [
        (EventType.GRANT_ADDED, world.village_b.pk),
        (EventType.GRANT_REVOKED, world.village_b.pk),
    ]


def test_accounts_are_managed_only_when_all_their_roles_are_within_reach(world: World):
    town = Scope.for_user(world.town_x_admin)
    assert user_is_manageable(scope=town, user=world.secretary_a)
    assert not user_is_manageable(scope=town, user=world.secretary_c)
    assert not user_is_manageable(scope=town, user=world.district_admin)
    assert not user_is_manageable(scope=town, user=world.town_x_admin)  # not oneself
    # A secretary who also holds a role in another town is out of this admin's hands.
    grant_add(
        acting_user=world.district_admin,
        user=world.secretary_a,
        region=world.village_c,
        role=Role.POST_LEADER,
    )
    assert not user_is_manageable(scope=town, user=world.secretary_a)
    with pytest.raises(PermissionDenied):
        user_reset_password(acting_user=world.town_x_admin, user=world.secretary_a)


def test_deactivate_reset_and_rename(world: World):
    user_set_active(acting_user=world.town_x_admin, user=world.secretary_a, active=False)
    world.secretary_a.refresh_from_db()
    assert not world.secretary_a.is_active
    temporary = user_reset_password(acting_user=world.town_x_admin, user=world.secretary_a)
    world.secretary_a.refresh_from_db()
    assert world.secretary_a.check_password(temporary) and world.secretary_a.must_change_password
    user_update(acting_user=world.town_x_admin, user=world.secretary_a, display_name="李书记")
    types = list(
        AuditEvent.objects.filter(target_id=str(world.secretary_a.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert types == [
        EventType.USER_DEACTIVATED,
        EventType.USER_PASSWORD_RESET,
        EventType.USER_UPDATED,
    ]
    with pytest.raises(PermissionDenied):
        user_set_active(acting_user=world.secretary_b, user=world.secretary_a, active=True)


def test_temporary_passwords_avoid_confusable_characters():
    from houbei.accounts.services import generate_temporary_password

    for _ in range(50):
        password = generate_temporary_password()
        assert len(password) == 12
        assert not set(password) & set("0O1lI")
