"""Seats, incumbents, vacancies and appointments. Town and district admins set up a
village's seats and record its incumbents and vacancies (`SEATS_MANAGE`); the district
records how a vacancy was filled (`APPOINT`). An appointment needs a joint-review pass valid
on its date and no close relative sitting on the village's two committees; it ends the
vacancy, begins the tenure and moves a reserve's stage to "appointed", in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record
from houbei.lib.dates import add_years, age_on
from houbei.people.models import Person
from houbei.pipeline.services import stage_follows_appointment
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.review.selectors import valid_passes
from houbei.seats.models import (
    ROLE_BODY,
    TWO_COMMITTEES,
    Appointment,
    Body,
    EndReason,
    Method,
    Seat,
    SeatRole,
    Tenure,
    Vacancy,
    VacancyReason,
    VacancyStatus,
)
from houbei.seats.relatives import sitting_relatives

if TYPE_CHECKING:
    from houbei.accounts.models import User

MAX_COMMITTEE, MIN_COMMITTEE = 7, 3  # 村民委员会组织法 第六条: three to seven members
MAX_PARTY_SEATS = 7
END_REASON_OF: dict[str, EndReason] = {
    VacancyReason.RESIGNATION: EndReason.RESIGNED,
    VacancyReason.REMOVAL: EndReason.REMOVED,
    VacancyReason.DEATH: EndReason.DIED,
    VacancyReason.TERM_END: EndReason.TERM_ENDED,
}


def _require(acting_user: User | None, village: Region, capability: Capability) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(village, capability):
        raise PermissionDenied


def next_election() -> dt.date:
    return dt.date.fromisoformat(settings.HOUBEI_NEXT_ELECTION)


def default_term_end(start: dt.date) -> dt.date:
    """A term runs to the next general election, or five years when that date has passed."""
    election = next_election()
    return election if election > start else add_years(start, settings.HOUBEI_TERM_YEARS)


def electing_body(seat: Seat) -> str:
    """花红村党组织 / 花红村村民委员会 / 一社村民小组会议."""
    if seat.body == Body.PARTY:
        return _("%(village)s Party organization") % {"village": seat.village.name}
    if seat.body == Body.COMMITTEE:
        return _("%(village)s villagers' committee") % {"village": seat.village.name}
    group = seat.group.name if seat.group else ""
    return _("%(village)s %(group)s villager group meeting") % {
        "village": seat.village.name,
        "group": group,
    }


# --- seats --------------------------------------------------------------------------------


@transaction.atomic
def seats_set_up(
    *,
    acting_user: User | None,
    village: Region,
    party_deputies: int,
    party_members: int,
    committee_deputies: int,
    committee_members: int,
) -> list[Seat]:
    """The village's seats: one secretary and one director, the given deputies and members,
    a leader for each villager group. Seats beyond the new numbers are retired when vacant."""
    _require(acting_user, village, Capability.SEATS_MANAGE)
    errors: dict[str, list[str]] = {}
    if Level(village.level) != Level.VILLAGE or village.merged_into_id:
        errors["__all__"] = [_("Seats belong to a current village.")]
    committee = 1 + committee_deputies + committee_members
    if not MIN_COMMITTEE <= committee <= MAX_COMMITTEE:
        errors["committee_members"] = [
            _("A villagers' committee has 3 to 7 members with the director (now %(n)s).")
            % {"n": committee}
        ]
    if (
        not 0 <= party_deputies <= 2
        or not 0 <= party_members <= MAX_PARTY_SEATS - 1 - party_deputies
    ):
        errors["party_members"] = [_("A Party committee has at most 7 members with the secretary.")]
    if errors:
        raise ValidationError(errors)
    wanted: dict[tuple[str, int, int | None], bool] = {
        (SeatRole.SECRETARY, 1, None): True,
        (SeatRole.DIRECTOR, 1, None): True,
        **{(SeatRole.DEPUTY_SECRETARY, n, None): True for n in range(1, party_deputies + 1)},
        **{(SeatRole.PARTY_MEMBER, n, None): True for n in range(1, party_members + 1)},
        **{(SeatRole.DEPUTY_DIRECTOR, n, None): True for n in range(1, committee_deputies + 1)},
        **{(SeatRole.COMMITTEE_MEMBER, n, None): True for n in range(1, committee_members + 1)},
    }
    groups = list(
        village.children.filter(level=Level.GROUP, valid_to__isnull=True).order_by("code")
    )
    for index, group in enumerate(groups, 1):
        wanted[(SeatRole.GROUP_LEADER, index, group.pk)] = True
    existing = {
        (s.role, s.ordinal, s.group_id): s
        for s in Seat.objects.select_for_update().filter(village=village)
    }
    busy = []
    for key, seat in existing.items():
        if key not in wanted and seat.is_active:
            if seat.holder is not None:
                busy.append(str(seat))
                continue
            seat.is_active = False
            seat.save(update_fields=["is_active"])
    if busy:
        raise ValidationError(
            _("Still held, end these tenures first: %(seats)s.") % {"seats": "、".join(busy)}
        )
    for role, ordinal, group_id in wanted:
        kept = existing.get((role, ordinal, group_id))
        if kept is None:
            Seat.objects.create(village=village, role=role, ordinal=ordinal, group_id=group_id)
        elif not kept.is_active:
            kept.is_active = True
            kept.save(update_fields=["is_active"])
    seats = list(Seat.objects.filter(village=village, is_active=True))
    audit_record(
        acting_user=acting_user,
        event_type=EventType.SEATS_SET_UP,
        target=village,
        region=village,
        new={
            "party": 1 + party_deputies + party_members,
            "committee": committee,
            "group_leaders": len(groups),
        },
    )
    return seats


def _check_person_for_seat(
    errors: dict[str, list[str]], seat: Seat, person: Person, on: dt.date
) -> None:
    if not (
        person.village_id == seat.village_id or person.village.merged_into_id == seat.village_id
    ):
        errors.setdefault("person", []).append(
            _("%(name)s is registered in %(village)s, not in %(seat_village)s.")
            % {
                "name": person.name,
                "village": person.village.name,
                "seat_village": seat.village.name,
            }
        )
    if age_on(person.birth_date, on) < 18:
        errors.setdefault("person", []).append(_("Only villagers aged 18 or over can hold a seat."))
    same_body = (
        Tenure.objects.filter(
            person=person,
            ended_on__isnull=True,
            seat__role__in=[r for r, b in ROLE_BODY.items() if b == seat.body],
        )
        .select_related("seat")
        .first()
    )
    if same_body is not None and same_body.seat_id != seat.pk:
        errors.setdefault("person", []).append(
            _("%(name)s already holds %(seat)s in the same body; end that tenure first.")
            % {"name": person.name, "seat": same_body.seat}
        )


@transaction.atomic
def incumbent_record(
    *,
    acting_user: User | None,
    seat: Seat,
    person: Person,
    started_on: dt.date,
    term_ends_on: dt.date | None = None,
) -> Tenure:
    """Who holds a seat now (taking over the records of the last election)."""
    _require(acting_user, seat.village, Capability.SEATS_MANAGE)
    Seat.objects.select_for_update().get(pk=seat.pk)
    errors: dict[str, list[str]] = {}
    if seat.holder is not None:
        errors["__all__"] = [_("Someone holds this seat already.")]
    if seat.vacancies.filter(status=VacancyStatus.OPEN).exists():
        errors["__all__"] = [_("This seat has an open vacancy: record the appointment there.")]
    if started_on > timezone.localdate():
        errors["started_on"] = [_("A date cannot be in the future.")]
    term_end = term_ends_on or default_term_end(started_on)
    if term_end <= started_on:
        errors["term_ends_on"] = [_("The term ends after it starts.")]
    _check_person_for_seat(errors, seat, person, started_on)
    if errors:
        raise ValidationError(errors)
    tenure = Tenure.objects.create(
        seat=seat,
        person=person,
        started_on=started_on,
        term_ends_on=term_end,
        created_by=acting_user,
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.INCUMBENT_RECORDED,
        target=tenure,
        region=seat.village,
        new={
            "seat": str(seat),
            "person": person.name,
            "started_on": started_on.isoformat(),
            "term_ends_on": term_end.isoformat(),
        },
    )
    return tenure


@transaction.atomic
def vacancy_open(
    *, acting_user: User | None, seat: Seat, reason: str, opened_on: dt.date, notes: str = ""
) -> Vacancy:
    """A seat falls vacant: the holder's tenure ends (resignation, removal, death, end of
    term), or a new seat has none."""
    _require(acting_user, seat.village, Capability.SEATS_MANAGE)
    Seat.objects.select_for_update().get(pk=seat.pk)
    holder = seat.holder
    errors: dict[str, list[str]] = {}
    if reason not in VacancyReason.values:
        errors["reason"] = [_("Choose why the seat is vacant.")]
    elif reason == VacancyReason.NEW_SEAT and holder is not None:
        errors["reason"] = [_("%(name)s holds this seat.") % {"name": holder.person.name}]
    elif reason != VacancyReason.NEW_SEAT and holder is None:
        errors["reason"] = [_("Nobody holds this seat: it is vacant as a new seat.")]
    if seat.vacancies.filter(status=VacancyStatus.OPEN).exists():
        errors["__all__"] = [_("This seat has an open vacancy already.")]
    if opened_on > timezone.localdate():
        errors["opened_on"] = [_("A date cannot be in the future.")]
    elif holder is not None and opened_on < holder.started_on:
        errors["opened_on"] = [
            _("The holder took the seat on %(date)s.") % {"date": holder.started_on}
        ]
    if errors:
        raise ValidationError(errors)
    if holder is not None:
        holder.ended_on, holder.end_reason = opened_on, END_REASON_OF[reason]
        holder.save(update_fields=["ended_on", "end_reason", "updated_at"])
    vacancy = Vacancy.objects.create(
        seat=seat, reason=reason, opened_on=opened_on, notes=notes.strip(), opened_by=acting_user
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.VACANCY_OPENED,
        target=vacancy,
        region=seat.village,
        new={
            "seat": str(seat),
            "reason": reason,
            "opened_on": opened_on.isoformat(),
            **({"holder": holder.person.name} if holder else {}),
        },
    )
    return vacancy


@transaction.atomic
def appoint(
    *,
    acting_user: User | None,
    vacancy: Vacancy,
    person: Person,
    method: str,
    decided_on: dt.date,
    document_number: str = "",
) -> Appointment:
    from houbei.seats.recommendations import recommend

    seat = vacancy.seat
    _require(acting_user, seat.village, Capability.APPOINT)
    locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    errors: dict[str, list[str]] = {}
    if locked.status != VacancyStatus.OPEN:
        errors["__all__"] = [_("This vacancy is filled already.")]
    if method not in Method.values:
        errors["method"] = [_("Choose how the seat was filled.")]
    if decided_on > timezone.localdate():
        errors["decided_on"] = [_("A date cannot be in the future.")]
    elif decided_on < locked.opened_on:
        errors["decided_on"] = [_("The seat fell vacant on %(date)s.") % {"date": locked.opened_on}]
    passes = valid_passes([person.pk], decided_on)
    if person.pk not in passes:
        errors.setdefault("person", []).append(
            _(
                "%(name)s has no joint-review pass valid on %(date)s: "
                "nobody takes office without one."
            )
            % {"name": person.name, "date": decided_on}
        )
    if seat.body in TWO_COMMITTEES:
        for relative, kinship, holding in sitting_relatives(person, seat.village, decided_on):
            errors.setdefault("person", []).append(
                _("Close-relative avoidance: %(relative)s (%(kinship)s) holds %(seat)s.")
                % {"relative": relative.name, "kinship": kinship.label, "seat": holding}
            )
    _check_person_for_seat(errors, seat, person, decided_on)
    if errors:
        raise ValidationError(errors)
    shortlist = recommend(vacancy=locked, on=decided_on)
    rank = next((row.rank for row in shortlist.ranked if row.person.pk == person.pk), None)
    previous = seat.tenures.filter(ended_on__isnull=False).order_by("-ended_on").first()
    term_end = (
        previous.term_ends_on
        if previous and previous.term_ends_on > decided_on
        else default_term_end(decided_on)
    )
    tenure = Tenure.objects.create(
        seat=seat,
        person=person,
        started_on=decided_on,
        term_ends_on=term_end,
        created_by=acting_user,
    )
    appointment = Appointment.objects.create(
        vacancy=locked,
        person=person,
        tenure=tenure,
        method=method,
        decided_on=decided_on,
        document_number=document_number.strip(),
        review_subject=passes[person.pk].subject,
        shortlist_rank=rank,
        entered_by=acting_user,
    )
    locked.status, locked.closed_on = VacancyStatus.FILLED, decided_on
    locked.save(update_fields=["status", "closed_on", "updated_at"])
    # The pipeline's record is an official one: in Chinese, whatever the interface language.
    with translation.override(settings.LANGUAGE_CODE):
        stage_follows_appointment(
            acting_user=acting_user,
            person=person,
            decided_on=decided_on,
            body=electing_body(seat),
            reason=_("%(method)s: %(seat)s of %(village)s.")
            % {"method": Method(method).label, "seat": seat, "village": seat.village.name},
            document_number=appointment.document_number,
        )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.APPOINTED,
        target=appointment,
        region=seat.village,
        new={
            "seat": str(seat),
            "person": person.name,
            "method": method,
            "decided_on": decided_on.isoformat(),
            "document_number": appointment.document_number,
            "shortlist_rank": rank,
        },
    )
    return appointment
