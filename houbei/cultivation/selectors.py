from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.cultivation.models import Assignment, Mentorship, MentorTalk, Training
from houbei.people.models import Person

PERSON_VILLAGE = "person__village__code"


def mentorships_of(*, person: Person) -> QuerySet[Mentorship]:
    """The person's mentors, current first, with their talks (the caller may see the person)."""
    return (
        Mentorship.objects.filter(person=person)
        .prefetch_related(
            Prefetch("talks", queryset=MentorTalk.objects.order_by("-held_on", "-id"))
        )
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "id")
    )


def assignments_of(*, person: Person) -> QuerySet[Assignment]:
    return Assignment.objects.filter(person=person).order_by("-started_on", "-id")


def trainings_of(*, person: Person) -> QuerySet[Training]:
    return Training.objects.filter(person=person).order_by("-started_on", "-id")


def mentorship_get_for_edit(*, scope: Scope, pk: int) -> Mentorship:
    return scope.get_writable(
        Mentorship.objects.select_related("person__village"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.CULTIVATE,
        code_field=PERSON_VILLAGE,
        pk=pk,
    )


def assignment_get_for_edit(*, scope: Scope, pk: int) -> Assignment:
    return scope.get_writable(
        Assignment.objects.select_related("person__village"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.CULTIVATE,
        code_field=PERSON_VILLAGE,
        pk=pk,
    )
