"""Reads of the registry, always through the scope (accounts/scoping.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

from django.db.models import Count, Q, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.lib import crypto
from houbei.lib.idnumber import IdNumberError, parse_id_number
from houbei.lib.names import normalize_name_query
from houbei.lib.phone import PhoneError, normalize_phone
from houbei.people.choices import PoliticalStatus
from houbei.people.models import (
    KINSHIP_CONVERSE,
    BackgroundCategory,
    Person,
    PersonNameKey,
    Relationship,
)
from houbei.people.services import ID_PURPOSE, PHONE_PURPOSE
from houbei.regions.codes import Level
from houbei.regions.models import Region

VILLAGE_CODE = "village__code"
# A filter value for full and probationary Party members together, as the reports count them.
PARTY_MEMBERS = "party"
PARTY_STATUSES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)


@dataclass(frozen=True)
class PersonFilters:
    query: str = ""
    region: Region | None = None  # any node: its whole subtree
    category: BackgroundCategory | None = None
    political_status: str = ""


def person_queryset() -> QuerySet[Person]:
    return Person.objects.select_related("village", "villager_group", "village__merged_into")


def person_list(*, scope: Scope, filters: PersonFilters) -> QuerySet[Person]:
    people = scope.filter(person_queryset(), Capability.PEOPLE_VIEW, code_field=VILLAGE_CODE)
    if filters.region is not None:
        people = people.filter(village__code__startswith=filters.region.prefix)
    if filters.category is not None:
        people = people.filter(categories=filters.category)
    if filters.political_status == PARTY_MEMBERS:
        people = people.filter(political_status__in=PARTY_STATUSES)
    elif filters.political_status:
        people = people.filter(political_status=filters.political_status)
    if filters.query:
        people = _search(people, filters.query)
    return people.prefetch_related("categories").order_by("name_sort", "id")


@dataclass
class NameSearch:
    """A name search as the people list pages through it (a Paginator's object list),
    answered from the name-key index alone: the keys carry each person's village code and
    sort key, so the count, the scope and the order come from one index range, and only
    the 25 people on the page are read. Searching ``person_list`` instead reads and sorts
    every match — each 王 of a city to show the first 25."""

    keys: QuerySet[PersonNameKey]

    def count(self) -> int:
        return self.keys.values("person_id").distinct().count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Person]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Person: ...
    @overload
    def __getitem__(self, index: slice) -> list[Person]: ...
    def __getitem__(self, index: int | slice) -> Person | list[Person]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        page = list(
            self.keys.order_by("name_sort", "person_id")
            .values_list("name_sort", "person_id")
            .distinct()[index]
        )
        ids = [person_id for _sort, person_id in page]
        found = person_queryset().prefetch_related("categories").in_bulk(ids)
        # A person deleted between the two reads is left out, not an error.
        return [found[person_id] for person_id in ids if person_id in found]


def name_search(*, scope: Scope, filters: PersonFilters) -> NameSearch | None:
    """The list page's search through NameSearch, when it is one: a name (not an ID or
    phone number) with no filter but the region."""
    query = normalize_name_query(filters.query)
    if (
        not query
        or not _is_name_query(filters.query)
        or filters.category is not None
        or filters.political_status
    ):
        return None
    keys = scope.filter(
        PersonNameKey.objects.filter(key__indexed_prefix=query),
        Capability.PEOPLE_VIEW,
        code_field="village_code",
    )
    if filters.region is not None:
        keys = keys.filter(village_code__startswith=filters.region.prefix)
    return NameSearch(keys)


def person_pages(*, scope: Scope, filters: PersonFilters) -> NameSearch | QuerySet[Person]:
    """What a paged list of people (the people page, the API) pages through: a name search
    from the key index, anything else through ``person_list``."""
    return name_search(scope=scope, filters=filters) or person_list(scope=scope, filters=filters)


def _is_name_query(raw: str) -> bool:
    """Not an ID or phone number (those find one person by its digest)."""
    return not any(character.isdigit() for character in raw)


def _search(people: QuerySet[Person], raw: str) -> QuerySet[Person]:
    """Names in Simplified or Traditional, pinyin, initials; or a full ID or phone number."""
    try:
        resident_id = parse_id_number(raw)
    except IdNumberError:
        pass
    else:
        return people.filter(
            id_number_digest=crypto.lookup_digest(resident_id.number, purpose=ID_PURPOSE)
        )
    if not _is_name_query(raw):
        try:
            phone = normalize_phone(raw)
        except PhoneError:
            return people.none()
        return people.filter(phone_digest=crypto.lookup_digest(phone, purpose=PHONE_PURPOSE))
    query = normalize_name_query(raw)
    if not query:
        return people
    # An indexed prefix lookup of the name keys (lib/names.name_match_keys), never a scan.
    matching = PersonNameKey.objects.filter(key__indexed_prefix=query).values("person_id")
    return people.filter(pk__in=matching)


def person_get(*, scope: Scope, pk: int) -> Person:
    """The person, or 404 when missing or outside the scope."""
    return scope.get_visible(
        person_queryset().prefetch_related("categories"),
        Capability.PEOPLE_VIEW,
        code_field=VILLAGE_CODE,
        pk=pk,
    )


def person_get_for_edit(*, scope: Scope, pk: int) -> Person:
    """404 outside the scope; 403 for a reader who may not edit this person."""
    return scope.get_writable(
        person_queryset().prefetch_related("categories"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.PEOPLE_EDIT,
        code_field=VILLAGE_CODE,
        pk=pk,
    )


def villages_for_registration(*, scope: Scope) -> QuerySet[Region]:
    """Current villages where the user may register people."""
    return (
        scope.filter(Region.objects.all(), Capability.PEOPLE_EDIT, code_field="code")
        .filter(level=Level.VILLAGE, merged_into__isnull=True, valid_to__isnull=True)
        .select_related("parent")
        .order_by("code")
    )


def groups_of_village(*, village: Region) -> QuerySet[Region]:
    return village.children.filter(valid_to__isnull=True).order_by("code")


def people_count(*, scope: Scope) -> int:
    return scope.filter(
        Person.objects.all(), Capability.PEOPLE_VIEW, code_field=VILLAGE_CODE
    ).count()


def people_counts_by_child(*, scope: Scope, region: Region) -> dict[int, int]:
    """People per child region of ``region`` (child id → count), within the scope."""
    people = scope.filter(
        Person.objects.all(), Capability.PEOPLE_VIEW, code_field=VILLAGE_CODE
    ).filter(village__code__startswith=region.prefix)
    if region.level == Level.VILLAGE:
        by_group = people.values("villager_group").annotate(total=Count("id"))
        return {row["villager_group"]: row["total"] for row in by_group if row["villager_group"]}
    children = {child.prefix: child.pk for child in region.children.all()}
    if not children:
        return {}
    counts: dict[int, int] = {}
    rows = people.values("village__code").annotate(total=Count("id"))
    for row in rows:
        code: str = row["village__code"]
        for prefix, child_id in children.items():
            if code.startswith(prefix):
                counts[child_id] = counts.get(child_id, 0) + int(row["total"])
                break
    return counts


def active_categories() -> QuerySet[BackgroundCategory]:
    return BackgroundCategory.objects.filter(is_active=True)


@dataclass(frozen=True)
class PeopleSummary:
    total: int
    party_members: int
    league_members: int
    villages: int


def people_summary(*, scope: Scope) -> PeopleSummary:
    """Headline counts for the home page, in one query."""
    people = scope.filter(Person.objects.all(), Capability.PEOPLE_VIEW, code_field=VILLAGE_CODE)
    row = people.aggregate(
        total=Count("id"),
        party=Count("id", filter=Q(political_status__in=PARTY_STATUSES)),
        league=Count("id", filter=Q(political_status=PoliticalStatus.CYL_MEMBER)),
        villages=Count("village", distinct=True),
    )
    return PeopleSummary(
        total=row["total"],
        party_members=row["party"],
        league_members=row["league"],
        villages=row["villages"],
    )


def regions_for_people_filter(*, scope: Scope) -> QuerySet[Region]:
    """Towns and villages inside the scope, for the people list's region filter."""
    return (
        scope.filter(Region.objects.all(), Capability.PEOPLE_VIEW, code_field="code")
        .filter(level__in=[Level.TOWN, Level.VILLAGE])
        .order_by("code")
    )


def relationships_of(*, person: Person) -> list[tuple[Relationship, Person, str]]:
    """Each recorded relationship of ``person``: the row, the relative, and what the
    relative is to ``person`` (a Kinship value)."""
    rows = Relationship.objects.filter(Q(person=person) | Q(relative=person)).select_related(
        "person__village", "relative__village"
    )
    return [
        (row, row.relative, row.kind)
        if row.person_id == person.pk
        else (row, row.person, KINSHIP_CONVERSE[row.kind])
        for row in rows
    ]


def relationship_get_for_edit(*, scope: Scope, pk: int) -> Relationship:
    return scope.get_writable(
        Relationship.objects.select_related("person__village", "relative"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.PEOPLE_EDIT,
        code_field="person__village__code",
        pk=pk,
    )


def possible_relatives(*, scope: Scope, person: Person) -> QuerySet[Person]:
    """People of the same village (and villages merged into it) — where close-relative
    avoidance applies — other than ``person``."""
    village = person.village.merged_into or person.village
    return scope.filter(
        Person.objects.filter(Q(village=village) | Q(village__merged_into=village))
        .exclude(pk=person.pk)
        .select_related("village")
        .order_by("name_sort"),
        Capability.PEOPLE_VIEW,
        code_field="village__code",
    )
