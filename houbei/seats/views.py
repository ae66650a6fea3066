from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from houbei.accounts.roles import Capability
from houbei.lib.forms import form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.people.selectors import regions_for_people_filter
from houbei.pipeline.forms import PoolFilterForm
from houbei.seats import services
from houbei.seats.forecast import forecast
from houbei.seats.forms import AppointmentForm, IncumbentForm, SetUpForm, VacancyForm
from houbei.seats.models import SeatRole, VacancyStatus
from houbei.seats.recommendations import recommend
from houbei.seats.selectors import (
    appointment_of,
    people_of_village,
    seat_get_for_manage,
    seat_history,
    shortlist_visible,
    vacancies_visible,
    vacancy_get,
    village_get,
    village_seats,
    villages_visible,
)

SECTION = "seats"


def _filters(request: AuthenticatedHttpRequest) -> PoolFilterForm:
    return PoolFilterForm(
        request.GET or None, regions=regions_for_people_filter(scope=request.scope), stages=[]
    )


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open vacancies, and each village's seats at a glance."""
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    form = _filters(request)
    region = form.cleaned_data.get("region") if form.is_valid() else None
    villages = villages_visible(scope=scope)
    vacancies = vacancies_visible(scope=scope).filter(status=VacancyStatus.OPEN)
    if region is not None:
        villages = villages.filter(code__startswith=region.prefix)
        vacancies = vacancies.filter(seat__village__code__startswith=region.prefix)
    return render(
        request,
        "seats/index.html",
        {
            "section": SECTION,
            "form": form,
            "villages": villages,
            "vacancies": vacancies.order_by("opened_on"),
        },
    )


@login_required
@require_GET
def village(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    place = village_get(scope=request.scope, code=code)
    seats = village_seats(village=place)
    return render(
        request,
        "seats/village.html",
        {
            "section": SECTION,
            "village": place,
            "party": [s for s in seats if s.body == "party"],
            "committee": [s for s in seats if s.body == "committee"],
            "groups": [s for s in seats if s.role == SeatRole.GROUP_LEADER],
            "history": seat_history(village=place)[:50],
            "can_manage": request.scope.covers(place, Capability.SEATS_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    place = village_get(scope=request.scope, code=code)
    if not request.scope.covers(place, Capability.SEATS_MANAGE):
        raise PermissionDenied
    seats = village_seats(village=place)
    counts = {role: sum(1 for s in seats if s.role == role) for role in SeatRole.values}
    form = SetUpForm(
        request.POST or None,
        initial={
            "party_deputies": counts[SeatRole.DEPUTY_SECRETARY],
            "party_members": counts[SeatRole.PARTY_MEMBER] or 2,
            "committee_deputies": counts[SeatRole.DEPUTY_DIRECTOR],
            "committee_members": counts[SeatRole.COMMITTEE_MEMBER] or 2,
        },
    )
    if save_form(
        request,
        form,
        lambda data: services.seats_set_up(acting_user=request.user, village=place, **data),
    ):
        messages.success(request, _("The seats of %(village)s are set.") % {"village": place.name})
        return redirect("seats:village", code=place.code)
    return render(
        request,
        "seats/form.html",
        {
            "section": SECTION,
            "village": place,
            "form": form,
            "title": _("Seats of %(village)s") % {"village": place.name},
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incumbent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = seat_get_for_manage(scope=request.scope, pk=pk)
    form = IncumbentForm(request.POST or None, people=people_of_village(village=seat.village))
    if save_form(
        request,
        form,
        lambda data: services.incumbent_record(acting_user=request.user, seat=seat, **data),
    ):
        messages.success(request, _("Recorded."))
        return redirect("seats:village", code=seat.village.code)
    return render(
        request,
        "seats/form.html",
        {
            "section": SECTION,
            "village": seat.village,
            "form": form,
            "title": _("Holder of %(seat)s") % {"seat": seat},
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def vacancy_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = seat_get_for_manage(scope=request.scope, pk=pk)
    holder = seat.holder
    form = VacancyForm(request.POST or None)
    vacancy = save_form(
        request,
        form,
        lambda data: services.vacancy_open(acting_user=request.user, seat=seat, **data),
    )
    if vacancy:
        messages.success(request, _("The vacancy is open: see the recommended reserves."))
        return redirect("seats:vacancy", pk=vacancy.pk)
    return render(
        request,
        "seats/form.html",
        {
            "section": SECTION,
            "village": seat.village,
            "form": form,
            "title": _("%(seat)s falls vacant") % {"seat": seat},
            "intro": _(
                "%(name)s holds the seat since %(date)s; their tenure ends on the date given."
            )
            % {"name": holder.person.name, "date": holder.started_on}
            if holder
            else "",
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def vacancy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The vacancy, the ranked shortlist with reasons, the exclusions with reasons, and
    (for the district) the form recording how the seat was filled."""
    place = vacancy_get(scope=request.scope, pk=pk)
    today = timezone.localdate()
    shortlist = recommend(vacancy=place, on=today) if place.status == VacancyStatus.OPEN else None
    can_appoint = place.status == VacancyStatus.OPEN and request.scope.covers(
        place.seat.village, Capability.APPOINT
    )
    form = None
    if can_appoint and shortlist is not None:
        ranked = [(row.person.pk, f"{row.rank}. {row.person.name}") for row in shortlist.ranked]
        listed = {pk for pk, _label in ranked}
        others = [
            (p.pk, p.name)
            for p in people_of_village(village=place.seat.village)
            if p.pk not in listed
        ]
        form = AppointmentForm(
            request.POST or None,
            choices=ranked + others,
            initial={"person": ranked[0][0] if ranked else None},
        )
        people = {p.pk: p for p in people_of_village(village=place.seat.village)} | {
            row.person.pk: row.person for row in shortlist.ranked
        }
        appointment = save_form(
            request,
            form,
            lambda data: services.appoint(
                acting_user=request.user,
                vacancy=place,
                person=people[data["person"]],
                method=data["method"],
                decided_on=data["decided_on"],
                document_number=data["document_number"],
            ),
        )
        if appointment:
            messages.success(
                request, _("%(name)s fills the seat.") % {"name": appointment.person.name}
            )
            return redirect("seats:village", code=place.seat.village.code)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "seats/vacancy.html",
        {
            "section": SECTION,
            "vacancy": place,
            "shortlist": shortlist,
            "shortlist_visible": shortlist is not None
            and shortlist_visible(scope=request.scope, shortlist=shortlist),
            "appointment": appointment_of(vacancy=place),
            "form": form,
        },
        status=form_status(form) if form is not None else 200,
    )


@login_required
@require_GET
def forecast_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    form = _filters(request)
    region = form.cleaned_data.get("region") if form.is_valid() else None
    villages = villages_visible(scope=scope)
    if region is not None:
        villages = villages.filter(code__startswith=region.prefix)
    until = services.next_election()
    rows = forecast(villages=villages, until=until, today=timezone.localdate())
    towns: dict[str, dict[str, int]] = {}
    for row in rows:
        town = row.seat.village.parent.name if row.seat.village.parent else ""
        totals = towns.setdefault(town, {"seats": 0, "uncovered": 0})
        totals["seats"] += 1
        totals["uncovered"] += 0 if row.covering else 1
    return render(
        request,
        "seats/forecast.html",
        {
            "section": SECTION,
            "form": form,
            "rows": rows,
            "towns": sorted(towns.items()),
            "until": until,
            "uncovered": sum(1 for row in rows if not row.covering),
        },
    )
