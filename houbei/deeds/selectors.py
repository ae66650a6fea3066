from __future__ import annotations

from django.db.models import QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.deeds.models import Deed, DeedEvidence
from houbei.people.models import Person

PERSON_VILLAGE = "person__village__code"


def deeds_of(*, person: Person) -> QuerySet[Deed]:
    """A person's deeds (the caller has been allowed to see the person)."""
    return (
        Deed.objects.filter(person=person)
        .select_related("campaign", "recorded_by")
        .prefetch_related("evidence")
        .order_by("-date", "-id")
    )


def deed_get(*, scope: Scope, pk: int) -> Deed:
    return scope.get_visible(
        Deed.objects.select_related("person__village", "campaign"),
        Capability.PEOPLE_VIEW,
        code_field=PERSON_VILLAGE,
        pk=pk,
    )


def deed_get_for_edit(*, scope: Scope, pk: int) -> Deed:
    return scope.get_writable(
        Deed.objects.select_related("person__village", "campaign"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.DEED_EDIT,
        code_field=PERSON_VILLAGE,
        pk=pk,
    )


def evidence_get(*, scope: Scope, pk: int) -> DeedEvidence:
    return scope.get_visible(
        DeedEvidence.objects.select_related("deed__person__village"),
        Capability.PEOPLE_VIEW,
        code_field="deed__person__village__code",
        pk=pk,
    )


def evidence_get_for_edit(*, scope: Scope, pk: int) -> DeedEvidence:
    return scope.get_writable(
        DeedEvidence.objects.select_related("deed__person__village"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.DEED_EDIT,
        code_field="deed__person__village__code",
        pk=pk,
    )
