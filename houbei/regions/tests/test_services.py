import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World
from houbei.regions.codes import Level
from houbei.regions.services import region_create, region_merge, region_update


def test_create_checks_the_code_against_the_parent_and_audits(world: World):
    village = region_create(
        acting_user=world.district_admin,
        code="511002102223",
        name=" 新村 ",
        level=Level.VILLAGE,
        parent=world.town_x,
        kind="village",
    )
    assert village.name == "新村"
    event = AuditEvent.objects.get(event_type=EventType.REGION_CREATED, target_id=str(village.pk))
    assert event.acting_user == world.district_admin
    assert event.extra_data["new"]["code"] == "511002102223"
    with pytest.raises(ValidationError) as raised:
        region_create(
            acting_user=None,
            code="511002104299",
            name="错村",
            level=Level.VILLAGE,
            parent=world.town_x,
        )
    assert "code" in raised.value.message_dict
    with pytest.raises(ValidationError):
        region_create(
            acting_user=None,
            code="511002102223",
            name="重复",
            level=Level.VILLAGE,
            parent=world.town_x,
        )


def test_update_records_old_and_new_values_only_when_something_changed(world: World):
    region_update(acting_user=world.sysadmin, region=world.village_b, name="新祠堂村")
    assert not AuditEvent.objects.filter(event_type=EventType.REGION_UPDATED).exists()
    region_update(
        acting_user=world.sysadmin, region=world.village_b, name="新祠村", urban_rural_class="220"
    )
    event = AuditEvent.objects.get(event_type=EventType.REGION_UPDATED)
    assert event.extra_data == {
        "old": {"name": "新祠堂村", "urban_rural_class": ""},
        "new": {"name": "新祠村", "urban_rural_class": "220"},
    }
    with pytest.raises(TypeError):
        region_update(acting_user=None, region=world.village_b, code="511002102299")
    with pytest.raises(ValidationError):
        region_update(
            acting_user=None,
            region=world.village_b,
            valid_from=dt.date(2021, 1, 1),
            valid_to=dt.date(2020, 1, 1),
        )


def test_merge_keeps_the_region_with_an_end_date_and_a_pointer(world: World):
    region_merge(
        acting_user=None, region=world.village_merged, into=world.village_a, on=dt.date(2020, 5, 31)
    )
    world.village_merged.refresh_from_db()
    assert world.village_merged.merged_into == world.village_a
    assert world.village_merged.valid_to == dt.date(2020, 5, 31)
    assert not world.village_merged.is_current(dt.date(2020, 6, 1))
    assert world.village_merged.is_current(dt.date(2020, 5, 31))
    assert AuditEvent.objects.filter(event_type=EventType.REGION_MERGED).count() == 1
    with pytest.raises(ValidationError):  # twice
        region_merge(
            acting_user=None,
            region=world.village_merged,
            into=world.village_b,
            on=dt.date(2021, 1, 1),
        )
    with pytest.raises(ValidationError):  # into a region that is gone
        region_merge(
            acting_user=None,
            region=world.village_b,
            into=world.village_merged,
            on=dt.date(2021, 1, 1),
        )
    with pytest.raises(ValidationError):  # across levels
        region_merge(
            acting_user=None, region=world.village_b, into=world.town_x, on=dt.date(2021, 1, 1)
        )
    with pytest.raises(ValidationError):  # into itself
        region_merge(
            acting_user=None, region=world.village_b, into=world.village_b, on=dt.date(2021, 1, 1)
        )
