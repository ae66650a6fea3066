from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.people.models import Person
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.seats.models import Appointment, Seat, SeatRole, Tenure, Vacancy, VacancyStatus
from houbei.seats.recommendations import Shortlist

SEAT_ROLES = list(SeatRole.values)

VILLAGE_CODE = "seat__village__code"


def villages_visible(*, scope: Scope) -> QuerySet[Region]:
    return scope.filter(
        Region.objects.filter(level=Level.VILLAGE, merged_into__isnull=True, valid_to__isnull=True),
        Capability.PEOPLE_VIEW,
        code_field="code",
    ).order_by("code")


def village_get(*, scope: Scope, code: str) -> Region:
    return get_or_404(villages_visible(scope=scope), code=code)


def village_seats(*, village: Region) -> list[Seat]:
    """The village's seats in use, each with its holder and open vacancy (or None), in the
    order of the seats (secretary first), not of their codes."""
    seats = list(
        Seat.objects.filter(village=village, is_active=True)
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "tenures",
                queryset=Tenure.objects.filter(ended_on__isnull=True).select_related("person"),
                to_attr="open_tenures",
            ),
            Prefetch(
                "vacancies",
                queryset=Vacancy.objects.filter(status=VacancyStatus.OPEN),
                to_attr="open_vacancies",
            ),
        )
    )
    return sorted(seats, key=seat_order)


def seat_order(seat: Seat) -> tuple[int, int, str]:
    return (SEAT_ROLES.index(seat.role), seat.ordinal, seat.group.code if seat.group else "")


def seat_history(*, village: Region) -> QuerySet[Tenure]:
    return (
        Tenure.objects.filter(seat__village=village, ended_on__isnull=False)
        .select_related("seat__group", "person")
        .order_by("-ended_on", "-id")
    )


def seat_get_for_manage(*, scope: Scope, pk: int) -> Seat:
    return scope.get_writable(
        Seat.objects.select_related("village", "group"),
        read=Capability.PEOPLE_VIEW,
        write=Capability.SEATS_MANAGE,
        code_field="village__code",
        pk=pk,
    )


def vacancies_visible(*, scope: Scope) -> QuerySet[Vacancy]:
    return scope.filter(
        Vacancy.objects.select_related("seat__village", "seat__group"),
        Capability.PEOPLE_VIEW,
        code_field=VILLAGE_CODE,
    )


def vacancy_get(*, scope: Scope, pk: int) -> Vacancy:
    return get_or_404(vacancies_visible(scope=scope), pk=pk)


def shortlist_visible(*, scope: Scope, shortlist: Shortlist) -> bool:
    """Whether the user may see every person on ``shortlist``. Ranks and their reasons
    compare people by name, so the list is shown whole or not at all: a village's secretary
    whose vacancy draws on the town's or district's pools (other villages' reserves) sees
    only the counts of the never-reviewed; the town and district see the list."""
    people = [row.person for row in shortlist.ranked] + [c.person for c in shortlist.excluded]
    return all(scope.covers(person.village, Capability.PEOPLE_VIEW) for person in people)


def appointment_of(*, vacancy: Vacancy) -> Appointment | None:
    return (
        Appointment.objects.filter(vacancy=vacancy)
        .select_related("person", "review_subject__batch")
        .first()
    )


def people_of_village(*, village: Region) -> QuerySet[Person]:
    """Who can hold a seat of ``village``: its people and those of villages merged into it."""
    return Person.objects.filter(Q(village=village) | Q(village__merged_into=village)).order_by(
        "name_sort"
    )


def seats_held(*, person: Person) -> QuerySet[Tenure]:
    return Tenure.objects.filter(person=person, ended_on__isnull=True).select_related(
        "seat__village", "seat__group"
    )
