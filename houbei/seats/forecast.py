"""Seats expected to fall vacant before the next general election of the two committees:
open vacancies, terms ending early, incumbents reaching the age limit — with the reserves
who cover each (the village's pool, the town's and the district's, grown for that seat)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from houbei.lib.dates import birthday_in
from houbei.pipeline.models import Standing
from houbei.pipeline.stages import TargetPost
from houbei.regions.models import Region
from houbei.seats.models import Seat, SeatRole, Tenure, Vacancy, VacancyStatus
from houbei.seats.recommendations import pool_q

# The seat a reserve is grown for (pipeline.TargetPost) → the seats it covers.
COVERS: dict[str, set[str]] = {
    TargetPost.SECRETARY: {SeatRole.SECRETARY, SeatRole.DEPUTY_SECRETARY},
    TargetPost.DIRECTOR: {SeatRole.DIRECTOR, SeatRole.DEPUTY_DIRECTOR},
    TargetPost.MEMBER: {
        SeatRole.PARTY_MEMBER,
        SeatRole.COMMITTEE_MEMBER,
        SeatRole.DEPUTY_SECRETARY,
        SeatRole.DEPUTY_DIRECTOR,
    },
    TargetPost.GROUP_LEADER: {SeatRole.GROUP_LEADER},
}
REASONS = {
    "vacant": _("Vacant now"),
    "term": _("Term ends before the election"),
    "age": _("Holder reaches the age limit"),
}


@dataclass
class SeatForecast:
    seat: Seat
    reason: str
    falls_on: dt.date
    holder: Tenure | None
    covering: list[Standing] = field(default_factory=list)

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])


def covers(standing: Standing, seat: Seat) -> bool:
    return not standing.target_post or seat.role in COVERS.get(standing.target_post, set())


def forecast(*, villages: QuerySet[Region], until: dt.date, today: dt.date) -> list[SeatForecast]:
    limit = settings.HOUBEI_INCUMBENT_AGE_LIMIT
    seats = (
        Seat.objects.filter(village__in=villages, is_active=True)
        .select_related("village", "group")
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
        .order_by("village__code", "role", "ordinal")
    )
    rows: list[SeatForecast] = []
    for seat in seats:
        holder, vacancy = seat.holder, seat.open_vacancy
        if vacancy is not None:
            rows.append(SeatForecast(seat, "vacant", vacancy.opened_on, None))
        elif holder is not None and holder.term_ends_on < until:
            rows.append(SeatForecast(seat, "term", holder.term_ends_on, holder))
        elif holder is not None:
            stands_down = birthday_in(
                holder.person.birth_date, holder.person.birth_date.year + limit
            )
            if stands_down < until:
                rows.append(SeatForecast(seat, "age", max(stands_down, today), holder))
    pools: dict[int, list[Standing]] = {}
    for row in rows:
        village = row.seat.village
        if village.pk not in pools:
            pools[village.pk] = list(
                Standing.objects.filter(pool_q(village))
                .select_related("person__village")
                .order_by("person__name_sort")
            )
        row.covering = [s for s in pools[village.pk] if covers(s, row.seat)]
    rows.sort(key=lambda r: (r.falls_on, r.seat.village.code))
    return rows
