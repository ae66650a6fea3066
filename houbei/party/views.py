from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from houbei.accounts.roles import Capability
from houbei.lib.forms import form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.lib.models import concrete_field
from houbei.party.forms import step_form
from houbei.party.models import PartyTrack
from houbei.party.rules import STEP_FIELDS, Step, clock, is_recorded, may_enter, review_valid_until
from houbei.party.selectors import (
    due_counts_by_village,
    due_items,
    is_priority,
    month_end,
    track_of,
)
from houbei.party.services import party_step_record, why_not
from houbei.people.selectors import person_get, regions_for_people_filter
from houbei.pipeline.forms import PoolFilterForm
from houbei.pipeline.selectors import standing_of

SECTION = "pipeline"


@login_required
@require_GET
def due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Party-development steps overdue, due or opening this month, per village and town."""
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    today = timezone.localdate()
    form = PoolFilterForm(
        request.GET or None, regions=regions_for_people_filter(scope=scope), stages=[]
    )
    region = form.cleaned_data.get("region") if form.is_valid() else None
    items = due_items(scope=scope, today=today, region=region)
    by_village = due_counts_by_village(items)
    return render(
        request,
        "party/due.html",
        {
            "section": SECTION,
            "tab": "party",
            "form": form,
            "items": items,
            "by_village": by_village if len(by_village) > 1 else [],
            "today": today,
            "month_end": month_end(today),
        },
    )


def _shown(value: object) -> str:
    if value is True or value is False:
        return str(_("Passed") if value else _("Not passed"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _step_date(track: PartyTrack | None, step: Step) -> dt.date | None:
    value = getattr(track, STEP_FIELDS[step][0]) if track is not None else None
    return value if isinstance(value, dt.date) else None


@login_required
@require_GET
def track(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = person_get(scope=request.scope, pk=pk)
    party_track = track_of(person=person)
    today = timezone.localdate()
    can_record = request.scope.covers(person.village, Capability.PARTY_TRACK)
    steps = [
        {
            "step": step,
            "recorded": is_recorded(party_track, step),
            # A step's own date goes next to its name; its other facts below it.
            "date": _step_date(party_track, step),
            "values": [
                (
                    concrete_field(PartyTrack, field).verbose_name,
                    _shown(getattr(party_track, field)),
                )
                for field in STEP_FIELDS[step]
                if party_track is not None
                and getattr(party_track, field) not in (None, "")
                and not (field == STEP_FIELDS[step][0] and _step_date(party_track, step))
            ],
            "optional": step == Step.EXTEND,
            "can_enter": can_record and may_enter(party_track, step),
        }
        for step in Step
    ]
    if party_track is not None:
        party_track.person = person
        standing_of(person=person)  # warms person.standing for the priority flag
    return render(
        request,
        "party/track.html",
        {
            "section": SECTION,
            "person": person,
            "track": party_track,
            "steps": steps,
            "clock": clock(party_track, today) if party_track else None,
            "priority": bool(party_track and is_priority(party_track, today)),
            "review_valid_until": review_valid_until(party_track) if party_track else None,
            "today": today,
            "can_record": can_record,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request: AuthenticatedHttpRequest, pk: int, step_code: str) -> HttpResponse:
    person = person_get(scope=request.scope, pk=pk)
    if step_code not in Step.values:
        raise Http404
    if not request.scope.covers(person.village, Capability.PARTY_TRACK):
        raise PermissionDenied
    current = Step(step_code)
    party_track = track_of(person=person)
    form = step_form(current, party_track, request.POST or None)
    if save_form(
        request,
        form,
        lambda data: party_step_record(
            acting_user=request.user,
            person=person,
            step=current,
            values={name: value for name, value in data.items() if name != "version"},
            expected_version=data["version"],
        ),
    ):
        messages.success(request, _("Recorded: %(step)s.") % {"step": current.label})
        return redirect("party:track", pk=person.pk)
    return render(
        request,
        "party/step.html",
        {
            "section": SECTION,
            "person": person,
            "form": form,
            "step": current,
            "blocked": None if may_enter(party_track, current) else why_not(party_track, current),
        },
        status=form_status(form),
    )
