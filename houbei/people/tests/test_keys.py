"""Rotating the field key: every encrypted value ends under the newest key, nothing else
changes, an edit made during the run survives, and a value no key reads is reported."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from houbei.audit.chain import verify
from houbei.audit.models import AuditEvent, EventType
from houbei.conftest import World
from houbei.lib import crypto
from houbei.people.keys import key_census, reencrypt_all
from houbei.people.models import Person
from houbei.people.services import PersonInput, person_update
from houbei.teams.models import TeamKind, VolunteerApplication
from houbei.teams.services import (
    ApplicationInput,
    application_submit,
    signup_link_open,
    team_create,
)
from houbei.tests.factories import make_person, next_id_number

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def encrypted_under_the_old_key(world: World) -> list[Person]:
    with override_settings(HOUBEI_FIELD_KEYS=[OLD_KEY]):
        people = [make_person(world.village_a, name, phone="13800000001") for name in "张王李"]
        team = team_create(
            acting_user=None,
            name="花红村志愿服务队",
            kind=TeamKind.objects.get(code="volunteer_service"),
            region=world.village_a,
        )
        application_submit(
            link=signup_link_open(acting_user=None, team=team),
            data=ApplicationInput(
                name="罗佳怡",
                id_number=next_id_number(male=False),
                phone="13990001234",
                village=world.village_a,
            ),
        )
    return people


def _plain(person: Person) -> tuple[str, str]:
    return crypto.decrypt(person.id_number_encrypted), crypto.decrypt(person.phone_encrypted)


def test_rotation_moves_every_value_to_the_newest_key(encrypted_under_the_old_key) -> None:
    people = encrypted_under_the_old_key
    with override_settings(HOUBEI_FIELD_KEYS=[NEW_KEY, OLD_KEY]):
        before = {p.pk: (_plain(p), p.version, p.updated_at) for p in Person.objects.all()}
        census = {(c.model, c.column): c for c in key_census()}
        assert census["people.Person", "id_number_encrypted"].by_key == {1: 3}
        assert census["teams.VolunteerApplication", "phone_encrypted"].outdated == 1

        rotation = reencrypt_all(acting_user=None, batch_size=2)

        assert rotation.rewritten == {"people.Person": 3, "teams.VolunteerApplication": 1}
        assert all(c.outdated == 0 and c.by_key[0] for c in key_census())
        after = {p.pk: (_plain(p), p.version, p.updated_at) for p in Person.objects.all()}
        assert after == before  # the same numbers, versions and timestamps
        event = AuditEvent.objects.get(event_type=EventType.FIELD_KEYS_ROTATED)
        assert event.extra_data["rewritten"]["people.Person"] == 3
        assert list(verify()) == []
        # Run again: nothing left to do, nothing recorded.
        assert sum(reencrypt_all(acting_user=None).rewritten.values()) == 0
        assert AuditEvent.objects.filter(event_type=EventType.FIELD_KEYS_ROTATED).count() == 1
    # The old key can go: everything still reads.
    with override_settings(HOUBEI_FIELD_KEYS=[NEW_KEY]):
        assert [_plain(p) for p in Person.objects.order_by("pk")] == [
            before[p.pk][0] for p in people
        ]
        application = VolunteerApplication.objects.get()
        assert crypto.decrypt(application.phone_encrypted) == "13990001234"


def test_an_edit_made_during_the_run_is_not_overwritten(
    world: World, encrypted_under_the_old_key
) -> None:
    last = encrypted_under_the_old_key[-1]

    def edit_the_last_person(model: str, done: int, total: int) -> None:
        if model == "people.Person" and done == 1:  # between the first batch and the last
            person = Person.objects.get(pk=last.pk)
            data = PersonInput(name=person.name, village=person.village, phone="13911112222")
            person_update(acting_user=None, person=person, data=data, expected_version=1)

    with override_settings(HOUBEI_FIELD_KEYS=[NEW_KEY, OLD_KEY]):
        reencrypt_all(acting_user=None, batch_size=1, progress=edit_the_last_person)
        assert crypto.decrypt(Person.objects.get(pk=last.pk).phone_encrypted) == "13911112222"
        assert all(c.outdated == 0 for c in key_census())


def test_a_value_no_key_reads_is_reported_and_left_alone(encrypted_under_the_old_key) -> None:
    with override_settings(HOUBEI_FIELD_KEYS=[NEW_KEY]):  # the old key was dropped too early
        stored = Person.objects.order_by("pk").values_list("phone_encrypted", flat=True)[0]
        rotation = reencrypt_all(acting_user=None)
        assert rotation.unreadable == 8 and sum(rotation.rewritten.values()) == 0
        assert Person.objects.order_by("pk").values_list("phone_encrypted", flat=True)[0] == stored
        with pytest.raises(CommandError, match="a key is missing"):
            call_command("keys", "status")
        with pytest.raises(CommandError, match="add the missing key"):
            call_command("keys", "rotate")


def test_the_keys_command(encrypted_under_the_old_key, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("keys", "new")
    Fernet(capsys.readouterr().out.strip())  # a usable key
    with override_settings(HOUBEI_FIELD_KEYS=[NEW_KEY, OLD_KEY]):
        call_command("keys", "status")
        assert "people.Person.id_number_encrypted: key 2: 3" in capsys.readouterr().out
        call_command("keys", "rotate")
        assert "people.Person: 3 row(s) re-encrypted" in capsys.readouterr().out
        call_command("keys", "status")
        out = capsys.readouterr().out
        assert "key 1: 3" in out and "Every value is under the first key." in out
