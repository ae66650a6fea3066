"""Writes to the people registry. Every function checks the acting user's scope, validates
the whole input (errors keyed by field, in the user's language), writes, and records the
audit event in the same transaction. ``acting_user=None`` is the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditEvent, EventType
from houbei.audit.selectors import audit_for_record
from houbei.audit.services import (
    audit_event,
    audit_record,
    audit_record_many,
    changed_values,
)
from houbei.lib import crypto
from houbei.lib.idnumber import IdNumberError, ResidentId, parse_id_number
from houbei.lib.images import PhotoError, normalize_photo
from houbei.lib.models import insert_models_with_ids, insert_rows
from houbei.lib.names import clean_name, is_plain_name, name_match_keys, name_sort_key
from houbei.lib.phone import PhoneError, mask_phone, normalize_phone
from houbei.people.choices import Education, Ethnicity, PoliticalStatus, Sex
from houbei.people.models import (
    BackgroundCategory,
    Kinship,
    Person,
    PersonalDataReveal,
    PersonNameKey,
    Relationship,
    RevealedField,
    RevealReason,
)
from houbei.regions.codes import Level

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from houbei.accounts.models import User
    from houbei.regions.models import Region

ID_PURPOSE = "id_number"
PHONE_PURPOSE = "phone"


@dataclass
class PersonInput:
    """What a form, an import row or an API call supplies for one person.

    ``id_number`` and ``phone`` are raw as typed. On update, ``None`` keeps the stored value
    (the edit form never shows them in full); an empty ``phone`` removes the number.
    """

    name: str
    village: Region
    id_number: str | None = None
    phone: str | None = None
    sex: str = ""
    birth_date: dt.date | None = None
    ethnicity: str = Ethnicity.HAN
    education: str = ""
    political_status: str = PoliticalStatus.MASSES
    categories: Sequence[BackgroundCategory] = ()
    villager_group: Region | None = None
    address: str = ""
    work_unit: str = ""
    skills: str = ""
    lives_in_village: bool = True
    notes: str = ""
    photo: UploadedFile | None = None
    remove_photo: bool = False


class EditConflict(Exception):
    """Someone else saved the person after the editor opened the form."""

    def __init__(self, person: Person, latest: AuditEvent | None) -> None:
        self.person = person
        self.latest = latest
        super().__init__("edit conflict")


@dataclass
class _Checked:
    name: str
    resident_id: ResidentId | None
    phone: str | None
    photo: Any = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _actor_scope(acting_user: User | None) -> Scope | None:
    return Scope.for_user(acting_user) if acting_user is not None else None


def _require_village_in_scope(scope: Scope | None, village: Region) -> None:
    if scope is not None and not scope.covers(village, Capability.PEOPLE_EDIT):
        raise PermissionDenied


# Django builds a choice class's ``values`` list afresh on every access; an import checks
# thousands of rows.
_ETHNICITIES = frozenset(Ethnicity.values)
_POLITICAL_STATUSES = frozenset(PoliticalStatus.values)
_EDUCATIONS = frozenset(Education.values)


def name_problem(name: str) -> str | None:
    """Why a cleaned name (lib/names.clean_name) cannot be registered, or None: the one rule
    for forms, the API and imports."""
    if not name:
        return str(_("Enter the name."))
    if len(name) > 40:
        return str(_("A name has at most 40 characters."))
    if not is_plain_name(name):
        return str(
            _(
                "A name holds characters only (and · between the parts of a minority name); "
                "remove the digits or symbols."
            )
        )
    return None


def _check(
    data: PersonInput, *, current_village_id: int | None, today: dt.date | None = None
) -> _Checked:
    """Every problem of ``data`` at once. ``current_village_id``: where the person is now
    (None when registering); staying in a village that has since merged is allowed, moving
    into one is not. ``today``: the local date, read once for a batch of people."""
    today = today or timezone.localdate()
    creating = current_village_id is None
    checked = _Checked(name=clean_name(data.name), resident_id=None, phone=None)
    problem = name_problem(checked.name)
    if problem:
        checked.add("name", problem)

    if data.id_number is not None and (creating or data.id_number.strip()):
        try:
            checked.resident_id = parse_id_number(data.id_number, today=today)
        except IdNumberError as error:
            checked.add("id_number", error.message)
    if checked.resident_id:
        if data.sex and data.sex != checked.resident_id.sex.value:
            checked.add(
                "sex",
                _("The ID number belongs to a %(sex)s; please check the sex or the number.")
                % {"sex": Sex(checked.resident_id.sex.value).label.lower()},
            )
        if data.birth_date and data.birth_date != checked.resident_id.birth_date:
            checked.add(
                "birth_date",
                _(
                    "The ID number gives the date of birth %(date)s; "
                    "please check the date or the number."
                )
                % {"date": checked.resident_id.birth_date.isoformat()},
            )

    if data.phone:
        try:
            checked.phone = normalize_phone(data.phone)
        except PhoneError as error:
            checked.add("phone", error.message)

    if data.village.level != Level.VILLAGE:
        checked.add("village", _("Choose a village or community."))
    elif data.village.pk != current_village_id and (
        not data.village.is_current(today) or data.village.merged_into_id
    ):
        checked.add(
            "village",
            _("%(village)s no longer exists; register the person in the village it became part of.")
            % {"village": data.village.name},
        )
    if data.villager_group and data.villager_group.parent_id != data.village.pk:
        checked.add("villager_group", _("This villager group belongs to another village."))

    if data.ethnicity not in _ETHNICITIES:
        checked.add("ethnicity", _("Choose an ethnicity from the list."))
    if data.political_status not in _POLITICAL_STATUSES:
        checked.add("political_status", _("Choose a political status from the list."))
    if data.education and data.education not in _EDUCATIONS:
        checked.add("education", _("Choose an education level from the list."))

    if data.photo is not None:
        try:
            checked.photo = normalize_photo(data.photo, max_bytes=settings.HOUBEI_PHOTO_MAX_BYTES)
        except PhotoError as error:
            checked.add("photo", error.message)
    return checked


def _duplicate_message(existing: Person, scope: Scope | None) -> str:
    if scope is None or scope.covers(existing.village, Capability.PEOPLE_VIEW):
        return _("This ID number is already registered: %(name)s, %(village)s.") % {
            "name": existing.name,
            "village": existing.village.name,
        }
    # Say that the number exists (uniqueness demands it) but nothing about the person.
    return _(
        "This ID number is already registered in another region. If the person has moved "
        "here, ask your town or district administrator to move the record."
    )


def person_snapshot(
    person: Person, categories: Sequence[BackgroundCategory] | None = None
) -> dict[str, Any]:
    """The audited view of a person: identifiers masked, relations by code. ``categories``
    stands in for the stored ones when the new set is not saved yet."""
    if categories is None:
        categories = list(person.categories.all())
    return {
        "name": person.name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "id_number": person.id_number_masked,
        "phone": person.phone_masked,
        "education": person.education,
        "political_status": person.political_status,
        "categories": sorted(category.code for category in categories),
        "village": person.village.code,
        "villager_group": person.villager_group.code if person.villager_group else "",
        "address": person.address,
        "work_unit": person.work_unit,
        "skills": person.skills,
        "lives_in_village": person.lives_in_village,
        "notes": person.notes,
        "photo": bool(person.photo),
    }


def _apply_fields(person: Person, data: PersonInput, checked: _Checked) -> None:
    person.name = checked.name
    person.name_sort = name_sort_key(checked.name)
    if checked.resident_id:
        number = checked.resident_id.number
        person.id_number_encrypted = crypto.encrypt(number)
        person.id_number_digest = crypto.lookup_digest(number, purpose=ID_PURPOSE)
        person.id_number_masked = checked.resident_id.masked
        person.sex = checked.resident_id.sex.value
        person.birth_date = checked.resident_id.birth_date
    if data.phone is not None:
        if checked.phone:
            person.phone_encrypted = crypto.encrypt(checked.phone)
            person.phone_digest = crypto.lookup_digest(checked.phone, purpose=PHONE_PURPOSE)
            person.phone_masked = mask_phone(checked.phone)
        else:
            person.phone_encrypted = person.phone_digest = person.phone_masked = ""
    person.ethnicity = data.ethnicity
    person.education = data.education
    person.political_status = data.political_status
    person.village = data.village
    person.villager_group = data.villager_group
    person.address = data.address.strip()
    person.work_unit = data.work_unit.strip()
    person.skills = data.skills.strip()
    person.lives_in_village = data.lives_in_village
    person.notes = data.notes.strip()


def _raise_if_errors(checked: _Checked) -> None:
    if checked.errors:
        raise ValidationError(
            {
                key: [ValidationError(message) for message in messages]
                for key, messages in checked.errors.items()
            }
        )


def _check_unique_id(checked: _Checked, scope: Scope | None, exclude_pk: int | None) -> None:
    if not checked.resident_id:
        return
    digest = crypto.lookup_digest(checked.resident_id.number, purpose=ID_PURPOSE)
    existing = (
        Person.objects.select_related("village")
        .filter(id_number_digest=digest)
        .exclude(pk=exclude_pk or 0)
        .first()
    )
    if existing:
        checked.add("id_number", _duplicate_message(existing, scope))


def name_keys_insert(people: Iterable[Person]) -> None:
    """Write the search keys of saved people (lib/names.name_match_keys): registration,
    batches and synth alike."""
    insert_rows(
        PersonNameKey,
        ["person_id", "key", "village_code", "name_sort"],
        (
            (person.pk, key, person.village.code, person.name_sort)
            for person in people
            for key in name_match_keys(person.name)
        ),
    )


def _store_name_keys(person: Person) -> None:
    person.name_keys.all().delete()
    name_keys_insert([person])


def person_build(data: PersonInput, *, created_by: User | None = None) -> Person:
    """An unsaved person with every derived field (encrypted identifiers, digests, masks,
    search keys) — the registry's checks included, except uniqueness and photos. For bulk
    writers that insert many at once (synth); registering one goes through person_register."""
    checked = _check(data, current_village_id=None)
    _raise_if_errors(checked)
    person = Person(created_by=created_by)
    _apply_fields(person, data, checked)
    return person


@transaction.atomic
def person_register(*, acting_user: User | None, data: PersonInput) -> Person:
    scope = _actor_scope(acting_user)
    _require_village_in_scope(scope, data.village)
    checked = _check(data, current_village_id=None)
    _check_unique_id(checked, scope, exclude_pk=None)
    _raise_if_errors(checked)
    person = Person(created_by=acting_user)
    _apply_fields(person, data, checked)
    if checked.photo is not None:
        person.photo.save("photo.jpg", checked.photo, save=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Registered by someone else between our check and our insert.
        if person.photo:
            person.photo.storage.delete(person.photo.name)
        checked.add("id_number", _("This ID number has just been registered by someone else."))
        _raise_if_errors(checked)
    person.categories.set(data.categories)
    _store_name_keys(person)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.PERSON_CREATED,
        target=person,
        region=person.village,
        new=person_snapshot(person),
    )
    return person


class BulkRegistrationRefused(Exception):
    """Rows of a batch the registry refuses: their positions in the batch and why."""

    def __init__(self, rows: dict[int, list[str]]) -> None:
        self.rows = rows
        super().__init__(f"{len(rows)} row(s) refused")


@transaction.atomic
def person_register_many(
    *, acting_user: User | None, inputs: Sequence[PersonInput]
) -> list[Person]:
    """Register a batch (an import's rows) with the checks, encryption, search keys and the
    one audit event per person of ``person_register``, written with a few bulk inserts
    instead of a dozen statements a person. All or nothing: if any row is refused,
    BulkRegistrationRefused names them and nothing is saved. No photos."""
    scope = _actor_scope(acting_user)
    for village in {data.village.pk: data.village for data in inputs}.values():
        _require_village_in_scope(scope, village)
    refused: dict[int, list[str]] = {}
    built: list[tuple[int, Person, PersonInput]] = []
    today = timezone.localdate()
    for index, data in enumerate(inputs):
        if data.photo is not None:
            raise ValueError("photos are registered one by one (person_register)")
        checked = _check(data, current_village_id=None, today=today)
        if checked.errors:
            refused[index] = [m for messages in checked.errors.values() for m in messages]
            continue
        person = Person(created_by=acting_user)
        _apply_fields(person, data, checked)
        built.append((index, person, data))
    first_of: dict[str, int] = {}
    for index, person, _data in built:
        if person.id_number_digest in first_of:
            refused[index] = [_("The same ID number is in this batch twice.")]
        first_of.setdefault(person.id_number_digest, index)
    registered = {
        found.id_number_digest: found
        for found in Person.objects.select_related("village").filter(
            id_number_digest__in=list(first_of)
        )
    }
    for index, person, _data in built:
        if person.id_number_digest in registered:
            refused[index] = [_duplicate_message(registered[person.id_number_digest], scope)]
    if refused:
        raise BulkRegistrationRefused(refused)
    people = [person for _index, person, _data in built]
    insert_models_with_ids(Person, people)
    insert_rows(
        Person.categories.through,
        ["person_id", "backgroundcategory_id"],
        (
            (person.pk, category.pk)
            for person, (_index, _built, data) in zip(people, built, strict=True)
            for category in data.categories
        ),
    )
    name_keys_insert(people)
    audit_record_many(
        [
            audit_event(
                acting_user=acting_user,
                event_type=EventType.PERSON_CREATED,
                target=person,
                region=person.village,
                new=person_snapshot(person, list(data.categories)),
            )
            for person, (_index, _built, data) in zip(people, built, strict=True)
        ]
    )
    return people


@transaction.atomic
def person_update(
    *, acting_user: User | None, person: Person, data: PersonInput, expected_version: int
) -> Person:
    """Save an edit made on ``expected_version``; EditConflict if the record moved on."""
    scope = _actor_scope(acting_user)
    locked = (
        Person.objects.select_for_update(of=("self",))
        .select_related("village", "villager_group")
        .get(pk=person.pk)
    )
    _require_village_in_scope(scope, locked.village)
    _require_village_in_scope(scope, data.village)
    if locked.version != expected_version:
        raise EditConflict(locked, audit_for_record(record=locked).first())
    before = person_snapshot(locked)
    old_village = locked.village
    checked = _check(data, current_village_id=locked.village_id)
    _check_unique_id(checked, scope, exclude_pk=locked.pk)
    _raise_if_errors(checked)
    _apply_fields(locked, data, checked)
    old, new = changed_values(before, person_snapshot(locked, list(data.categories)))
    old_photo = locked.photo.name if locked.photo else ""
    if checked.photo is not None:
        locked.photo.save("photo.jpg", checked.photo, save=False)
    elif data.remove_photo and locked.photo:
        locked.photo = ""
    if (locked.photo.name or "") != old_photo:
        old["photo"], new["photo"] = bool(old_photo), bool(locked.photo)
        if old_photo:
            # Delete the replaced file only once the new state is committed.
            storage, name = locked.photo.storage, old_photo
            transaction.on_commit(lambda: storage.delete(name))
    if not new:
        return locked
    locked.version += 1
    locked.save()
    locked.categories.set(data.categories)
    moved = old_village.pk != locked.village_id
    if "name" in new or moved:
        _store_name_keys(locked)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.PERSON_MOVED if moved else EventType.PERSON_UPDATED,
        target=locked,
        region=locked.village,
        old=old,
        new=new,
        extra={"from_region": old_village.code} if moved else None,
    )
    if moved:
        # The old village's log shows that the person left, without their new details.
        audit_record(
            acting_user=acting_user,
            event_type=EventType.PERSON_MOVED,
            target=locked,
            region=old_village,
            old={"village": old_village.code},
            new={"village": locked.village.code},
        )
    return locked


@transaction.atomic
def person_reveal(
    *,
    acting_user: User,
    person: Person,
    field_name: RevealedField,
    reason: RevealReason,
    note: str = "",
    access_checked_by_caller: bool = False,
) -> str:
    """Return an ID or phone number in full, after recording who asked and why.

    ``access_checked_by_caller``: a service that grants access on other grounds has checked
    it (a joint-review clerk, for a person in their own department's queue); the reveal is
    recorded all the same."""
    capability = (
        Capability.ID_NUMBER_REVEAL
        if field_name == RevealedField.ID_NUMBER
        else Capability.PHONE_REVEAL
    )
    if not access_checked_by_caller and not Scope.for_user(acting_user).covers(
        person.village, capability
    ):
        raise PermissionDenied
    note = note.strip()
    if reason == RevealReason.OTHER and not note:
        raise ValidationError({"note": _("Say why you need the number.")})
    token = (
        person.id_number_encrypted
        if field_name == RevealedField.ID_NUMBER
        else person.phone_encrypted
    )
    if not token:
        raise ValidationError(_("No number is recorded."))
    PersonalDataReveal.objects.create(
        person=person, user=acting_user, field=field_name, reason=reason, note=note
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.PERSON_ID_NUMBER_REVEALED
        if field_name == RevealedField.ID_NUMBER
        else EventType.PERSON_PHONE_REVEALED,
        target=person,
        region=person.village,
        extra={"reason": reason.value, "note": note},
    )
    return crypto.decrypt(token)


def person_set_political_status(*, acting_user: User | None, person: Person, status: str) -> None:
    """Follow a recorded Party-development step (admission, full membership) on the
    registry. Runs inside the caller's transaction, which has checked the acting user's
    right to record that step; bumps the version so an edit form open meanwhile notices."""
    locked = (
        Person.objects.select_for_update(of=("self",)).select_related("village").get(pk=person.pk)
    )
    if locked.political_status == status:
        return
    old = {"political_status": locked.political_status}
    locked.political_status = status
    locked.version += 1
    locked.save(update_fields=["political_status", "version", "updated_at"])
    person.political_status, person.version = status, locked.version
    audit_record(
        acting_user=acting_user,
        event_type=EventType.PERSON_UPDATED,
        target=locked,
        region=locked.village,
        old=old,
        new={"political_status": status},
    )


@transaction.atomic
def relationship_add(
    *, acting_user: User | None, person: Person, relative: Person, kind: str
) -> Relationship:
    """Record that ``relative`` is ``person``'s <kind> (for close-relative avoidance)."""
    scope = _actor_scope(acting_user)
    _require_village_in_scope(scope, person.village)
    if scope is not None and not scope.covers(relative.village, Capability.PEOPLE_VIEW):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if kind not in Kinship.values:
        errors["kind"] = [_("Choose the relationship from the list.")]
    if relative.pk == person.pk:
        errors["relative"] = [_("A person is not their own relative.")]
    elif Relationship.objects.filter(
        Q(person=person, relative=relative) | Q(person=relative, relative=person)
    ).exists():
        errors["relative"] = [
            _("The relationship of %(a)s and %(b)s is recorded already.")
            % {"a": person.name, "b": relative.name}
        ]
    if errors:
        raise ValidationError(errors)
    relationship = Relationship.objects.create(
        person=person, relative=relative, kind=kind, created_by=acting_user
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.RELATIONSHIP_ADDED,
        target=person,
        region=person.village,
        new={"relative": relative.name, "kind": kind},
    )
    return relationship


@transaction.atomic
def relationship_remove(*, acting_user: User | None, relationship: Relationship) -> None:
    person = relationship.person
    _require_village_in_scope(_actor_scope(acting_user), person.village)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.RELATIONSHIP_REMOVED,
        target=person,
        region=person.village,
        old={"relative": relationship.relative.name, "kind": relationship.kind},
    )
    relationship.delete()
