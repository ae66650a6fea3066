import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World, merge_village
from houbei.lib import crypto
from houbei.people.models import (
    BackgroundCategory,
    Person,
    PersonalDataReveal,
    RevealedField,
    RevealReason,
)
from houbei.people.services import (
    EditConflict,
    PersonInput,
    person_register,
    person_reveal,
    person_update,
)
from houbei.tests.factories import make_person, next_id_number


def input_for(world: World, **overrides) -> PersonInput:
    values = {
        "name": "王強",
        "village": world.village_a,
        "id_number": "511002199001010011",
        "phone": "１３８ ０００１-２３４５",
        "political_status": "cpc_member",
        "villager_group": world.group_a1,
    }
    values.update(overrides)
    return PersonInput(**values)


def errors_of(raised) -> dict:
    return raised.value.message_dict


def test_register_encrypts_identifiers_derives_sex_and_birth_and_audits(world: World):
    person = person_register(
        acting_user=world.secretary_a, data=input_for(world, id_number="511002199001010011")
    )
    assert person.sex == "M"
    assert person.birth_date == dt.date(1990, 1, 1)
    assert person.id_number_masked == "5110**********0011"
    assert person.phone_masked == "138****2345"
    assert "511002199001010011" not in person.id_number_encrypted
    assert crypto.decrypt(person.id_number_encrypted) == "511002199001010011"
    assert crypto.decrypt(person.phone_encrypted) == "13800012345"
    assert person.name == "王強"  # kept as written
    assert sorted(person.name_keys.values_list("key", flat=True)) == sorted(
        ["王强", "强", "wangqiang", "qiang", "wq", "q"]
    )
    event = AuditEvent.objects.get(event_type=EventType.PERSON_CREATED)
    assert event.region == world.village_a and event.acting_user == world.secretary_a
    assert event.extra_data["new"]["id_number"] == "5110**********0011"
    assert "511002199001010011" not in str(event.extra_data)
    assert "13800012345" not in str(event.extra_data)


def test_all_problems_are_reported_at_once_next_to_their_fields(world: World):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        person_register(
            acting_user=world.secretary_a,
            data=input_for(
                world,
                name=" ",
                id_number="340524198001010013",
                phone="12345",
                political_status="unknown",
                villager_group=world.village_b,
            ),
        )
    errors = errors_of(raised)
    assert set(errors) == {"name", "id_number", "phone", "political_status", "villager_group"}
    assert errors["id_number"] == ["校验位不符，最后一位应为X，请检查是否输错。"]
    assert Person.objects.count() == 0


def test_sex_or_birth_date_contradicting_the_id_number_is_refused(world: World):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        person_register(
            acting_user=None,
            data=input_for(world, sex="F", birth_date=dt.date(1990, 1, 2)),
        )
    errors = errors_of(raised)
    assert errors["sex"] == ["身份证号显示性别为“男”，请核对性别或号码。"]
    assert "1990-01-01" in errors["birth_date"][0]
    person = person_register(
        acting_user=None, data=input_for(world, sex="M", birth_date=dt.date(1990, 1, 1))
    )
    assert person.pk


def test_a_name_with_digits_or_symbols_is_refused_and_nothing_saved(world: World):
    for name in ("钱000", "王强（党员）"):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
            person_register(acting_user=world.secretary_a, data=input_for(world, name=name))
        assert errors_of(raised)["name"] == [
            "姓名只能由文字组成（少数民族姓名各部分之间可用“·”），请去掉数字或符号。"
        ]
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.PERSON_CREATED).exists()


def test_lower_case_x_is_stored_upper_case_and_found_again(world: World):
    person = person_register(
        acting_user=None, data=input_for(world, id_number="11010519491231002x")
    )
    assert crypto.decrypt(person.id_number_encrypted) == "11010519491231002X"
    with pytest.raises(ValidationError) as raised:
        person_register(
            acting_user=None, data=input_for(world, name="重复", id_number="11010519491231002X")
        )
    assert "id_number" in errors_of(raised)


def test_one_person_per_id_number_without_leaking_who_elsewhere(world: World):
    make_person(world.village_a, "王强", id_number="511002199001010011")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        person_register(
            acting_user=world.secretary_b,
            data=input_for(world, village=world.village_b, villager_group=None),
        )
    message = errors_of(raised)["id_number"][0]
    assert "其他辖区" in message
    assert "王强" not in message and "花红村" not in message
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        person_register(acting_user=world.secretary_a, data=input_for(world))
    assert "王强" in errors_of(raised)["id_number"][0]
    assert Person.objects.count() == 1


def test_registration_outside_ones_villages_is_refused(world: World):
    with pytest.raises(PermissionDenied):
        person_register(acting_user=world.secretary_b, data=input_for(world))
    with pytest.raises(PermissionDenied):
        person_register(acting_user=world.auditor, data=input_for(world))


def test_a_merged_village_takes_no_new_people(world: World):
    merge_village(world)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        person_register(
            acting_user=None,
            data=input_for(world, village=world.village_merged, villager_group=None),
        )
    assert "已撤并" in errors_of(raised)["village"][0]


def test_update_records_only_what_changed_and_bumps_the_version(world: World):
    person = make_person(world.village_a, "王强", political_status="masses")
    volunteer = BackgroundCategory.objects.get(code="volunteer")
    data = input_for(
        world,
        name="王强",
        id_number=None,
        phone=None,
        political_status="cyl_member",
        categories=[volunteer],
    )
    updated = person_update(
        acting_user=world.secretary_a, person=person, data=data, expected_version=1
    )
    assert updated.version == 2
    assert crypto.decrypt(updated.phone_encrypted) == "13800000000"  # kept
    event = AuditEvent.objects.get(event_type=EventType.PERSON_UPDATED)
    assert event.extra_data["old"] == {
        "political_status": "masses",
        "categories": [],
        "villager_group": "",
    }
    assert event.extra_data["new"] == {
        "political_status": "cyl_member",
        "categories": ["volunteer"],
        "villager_group": "511002102220001",
    }
    same = person_update(
        acting_user=world.secretary_a, person=updated, data=data, expected_version=2
    )
    assert same.version == 2
    assert AuditEvent.objects.filter(event_type=EventType.PERSON_UPDATED).count() == 1


def test_a_stale_edit_is_a_conflict_not_an_overwrite(world: World):
    person = make_person(world.village_a, "王强")
    person_update(
        acting_user=world.town_x_admin,
        person=person,
        data=input_for(world, name="王强", id_number=None, phone=None, address="花红村九社"),
        expected_version=1,
    )
    with pytest.raises(EditConflict) as raised:
        person_update(
            acting_user=world.secretary_a,
            person=person,
            data=input_for(world, name="王小强", id_number=None, phone=None),
            expected_version=1,
        )
    assert raised.value.latest.acting_user == world.town_x_admin
    person.refresh_from_db()
    assert person.name == "王强" and person.address == "花红村九社"


def test_moving_a_person_is_recorded_in_both_villages(world: World):
    person = make_person(world.village_a, "王强")
    person_update(
        acting_user=world.town_x_admin,
        person=person,
        data=input_for(
            world,
            name="王强",
            id_number=None,
            phone=None,
            village=world.village_b,
            villager_group=None,
        ),
        expected_version=1,
    )
    moves = AuditEvent.objects.filter(event_type=EventType.PERSON_MOVED)
    assert sorted(moves.values_list("region__code", flat=True)) == ["511002102220", "511002102222"]
    with pytest.raises(PermissionDenied):  # a village secretary cannot send someone away
        person_update(
            acting_user=world.secretary_b,
            person=person,
            data=input_for(
                world,
                name="王强",
                id_number=None,
                phone=None,
                village=world.village_c,
                villager_group=None,
            ),
            expected_version=2,
        )


def test_correcting_the_id_number_rederives_sex_and_birth(world: World):
    person = make_person(world.village_a, "陈丽", id_number="511002199001010011")
    updated = person_update(
        acting_user=world.secretary_a,
        person=person,
        data=input_for(world, name="陈丽", id_number="511002199506150028", phone=None),
        expected_version=1,
    )
    assert (updated.sex, updated.birth_date) == ("F", dt.date(1995, 6, 15))
    event = AuditEvent.objects.get(event_type=EventType.PERSON_UPDATED)
    assert event.extra_data["old"]["id_number"] == "5110**********0011"
    assert event.extra_data["new"]["id_number"] == "5110**********0028"


def test_photos_are_reencoded_and_junk_refused(world: World):
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1500), "blue").save(buffer, format="PNG")
    upload = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
    person = person_register(acting_user=None, data=input_for(world, photo=upload))
    with Image.open(person.photo.open("rb")) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 800
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        person_register(
            acting_user=None,
            data=input_for(
                world,
                id_number=next_id_number(),
                photo=SimpleUploadedFile("x.jpg", b"not an image"),
            ),
        )
    assert errors_of(raised)["photo"] == ["无法识别该图片文件。"]


def test_reveal_records_who_when_why_and_returns_the_number(world: World):
    person = make_person(world.village_a, "王强", id_number="511002199001010011")
    number = person_reveal(
        acting_user=world.secretary_a,
        person=person,
        field_name=RevealedField.ID_NUMBER,
        reason=RevealReason.VERIFY_IDENTITY,
    )
    assert number == "511002199001010011"
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.user, reveal.field, reveal.reason) == (
        world.secretary_a,
        "id_number",
        "verify_identity",
    )
    assert AuditEvent.objects.filter(
        event_type=EventType.PERSON_ID_NUMBER_REVEALED, acting_user=world.secretary_a
    ).exists()
    phone = person_reveal(
        acting_user=world.town_x_admin,
        person=person,
        field_name=RevealedField.PHONE,
        reason=RevealReason.CONTACT,
    )
    assert phone == "13800000000"
    with pytest.raises(ValidationError):
        person_reveal(
            acting_user=world.secretary_a,
            person=person,
            field_name=RevealedField.ID_NUMBER,
            reason=RevealReason.OTHER,
        )
    for outsider in (world.auditor, world.secretary_b, world.post_leader):
        with pytest.raises(PermissionDenied):
            person_reveal(
                acting_user=outsider,
                person=person,
                field_name=RevealedField.ID_NUMBER,
                reason=RevealReason.VERIFY_IDENTITY,
            )
    assert PersonalDataReveal.objects.count() == 2


def test_replacing_or_removing_a_photo_deletes_the_old_file_after_commit(
    world: World, django_capture_on_commit_callbacks
):
    def png() -> SimpleUploadedFile:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 40), "green").save(buffer, format="PNG")
        return SimpleUploadedFile("p.png", buffer.getvalue())

    person = person_register(acting_user=None, data=input_for(world, photo=png()))
    first = person.photo.name
    storage = person.photo.storage
    base = {"name": "王強", "id_number": None, "phone": None}
    with django_capture_on_commit_callbacks(execute=True):
        person = person_update(
            acting_user=None,
            person=person,
            data=input_for(world, **base, photo=png()),
            expected_version=1,
        )
    assert person.photo.name != first and not storage.exists(first)
    second = person.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        person = person_update(
            acting_user=None,
            person=person,
            data=input_for(world, **base, remove_photo=True),
            expected_version=2,
        )
    assert not person.photo and not storage.exists(second)
    photo_events = [
        e.extra_data["new"].get("photo")
        for e in AuditEvent.objects.filter(event_type=EventType.PERSON_UPDATED).order_by("id")
    ]
    assert photo_events == [True, False]


def test_people_of_a_merged_village_can_be_edited_where_they_are(world: World):
    person = make_person(world.village_merged, "岩湾人")
    merge_village(world)
    data = PersonInput(
        name="岩湾人",
        village=world.village_merged,
        id_number=None,
        phone=None,
        address="原岩湾村三组",
    )
    updated = person_update(
        acting_user=world.secretary_a, person=person, data=data, expected_version=1
    )
    assert updated.address == "原岩湾村三组" and updated.village == world.village_merged
    other = make_person(world.village_a, "花红人")
    with pytest.raises(ValidationError) as raised:
        person_update(
            acting_user=world.secretary_a,
            person=other,
            data=PersonInput(
                name="花红人", village=world.village_merged, id_number=None, phone=None
            ),
            expected_version=1,
        )
    assert "village" in errors_of(raised)


def test_a_batch_registers_everyone_as_one_by_one_would(world: World):
    from houbei.audit.chain import verify
    from houbei.people.services import person_register_many

    migrant = BackgroundCategory.objects.get(code="migrant_returnee")
    inputs = [
        input_for(world, name="王強", id_number="511002199001010011", categories=[migrant]),
        input_for(world, name="李明", id_number=next_id_number(), phone="13800000002"),
        input_for(world, name="张超", id_number=next_id_number(), phone=""),
    ]
    people = person_register_many(acting_user=world.secretary_a, inputs=inputs)
    assert [person.name for person in people] == ["王強", "李明", "张超"]
    # Written with plain inserts and the ids read back: each row holds what its instance does.
    for person in people:
        stored = Person.objects.get(id_number_digest=person.id_number_digest)
        assert stored.pk == person.pk and not person._state.adding
        for field in Person._meta.concrete_fields:
            assert getattr(stored, field.attname) == getattr(person, field.attname), field.name
    wang = Person.objects.get(pk=people[0].pk)
    assert crypto.decrypt(wang.id_number_encrypted) == "511002199001010011"
    assert wang.phone_masked == "138****2345"
    assert list(wang.categories.all()) == [migrant]
    assert "wq" in set(wang.name_keys.values_list("key", flat=True))
    events = AuditEvent.objects.filter(event_type=EventType.PERSON_CREATED).order_by("sequence")
    assert [event.target_label for event in events] == ["王強", "李明", "张超"]
    assert events[0].extra_data["new"]["categories"] == ["migrant_returnee"]
    assert list(verify()) == []  # the chain is whole


def test_a_batch_with_a_refused_row_saves_nobody_and_names_the_rows(world: World):
    from houbei.people.services import BulkRegistrationRefused, person_register_many

    make_person(world.village_a, "赵一", id_number="511002199001010011")
    twice = next_id_number()
    inputs = [
        input_for(world, name="王強"),  # registered already
        input_for(world, name="李明", id_number=twice),
        input_for(world, name="李明", id_number=twice),  # twice in the batch
        input_for(world, name="", id_number=next_id_number()),  # no name
        input_for(world, name="张超", id_number=next_id_number()),
    ]
    with pytest.raises(BulkRegistrationRefused) as refused:
        person_register_many(acting_user=world.secretary_a, inputs=inputs)
    assert sorted(refused.value.rows) == [0, 2, 3]
    assert Person.objects.count() == 1


def test_a_batch_outside_the_scope_is_refused(world: World):
    from houbei.people.services import person_register_many

    with pytest.raises(PermissionDenied):
        person_register_many(
            acting_user=world.secretary_a,
            inputs=[input_for(world, village=world.village_b, villager_group=None)],
        )
    assert Person.objects.count() == 0
