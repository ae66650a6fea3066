"""Cultivation records of one person. Each form is a thin adapter over services.py; every
record lands back on the person's reserve file (pipeline:person)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.audit.conflicts import latest_event_id
from houbei.cultivation import services
from houbei.cultivation.forms import (
    AssignmentForm,
    EndForm,
    MentorForm,
    OutcomeForm,
    TalkForm,
    TrainingForm,
)
from houbei.cultivation.selectors import assignment_get_for_edit, mentorship_get_for_edit
from houbei.lib.forms import form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.people.models import Person
from houbei.people.selectors import person_get


def _form_page(
    request: AuthenticatedHttpRequest,
    *,
    person: Person,
    form: forms.Form,
    title: str | Promise,
    save: Callable[[dict[str, Any]], object],
    done: str | Promise,
) -> HttpResponse:
    if save_form(request, form, save):
        messages.success(request, str(done))
        return redirect("pipeline:person", pk=person.pk)
    return render(
        request,
        "pipeline/form.html",
        {"section": "pipeline", "person": person, "form": form, "title": title},
        status=form_status(form),
    )


def _person_to_cultivate(request: AuthenticatedHttpRequest, pk: int) -> Person:
    person = person_get(scope=request.scope, pk=pk)
    if not request.scope.covers(person.village, Capability.CULTIVATE):
        raise PermissionDenied
    return person


def _today() -> dict[str, Any]:
    return {"started_on": timezone.localdate()}


@login_required
@require_http_methods(["GET", "POST"])
def mentor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person_to_cultivate(request, pk)
    return _form_page(
        request,
        person=person,
        form=MentorForm(request.POST or None, initial=_today()),
        title=_("Assign a mentor"),
        save=lambda data: services.mentorship_add(acting_user=request.user, person=person, **data),
        done=_("The mentor has been assigned."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def talk_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_get_for_edit(scope=request.scope, pk=pk)
    return _form_page(
        request,
        person=mentorship.person,
        form=TalkForm(request.POST or None, initial={"held_on": timezone.localdate()}),
        title=_("Talk with %(mentor)s") % {"mentor": mentorship.mentor_name},
        save=lambda data: services.talk_add(
            acting_user=request.user, mentorship=mentorship, **data
        ),
        done=_("The talk has been recorded."),
    )


@login_required
@require_POST
def mentor_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_get_for_edit(scope=request.scope, pk=pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the mentorship ended."))
    else:
        try:
            services.mentorship_end(
                acting_user=request.user,
                mentorship=mentorship,
                ended_on=form.cleaned_data["ended_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The mentorship has ended."))
    return redirect("pipeline:person", pk=mentorship.person_id)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person_to_cultivate(request, pk)
    return _form_page(
        request,
        person=person,
        form=AssignmentForm(request.POST or None, initial=_today()),
        title=_("Send to a trial or tough post"),
        save=lambda data: services.assignment_add(acting_user=request.user, person=person, **data),
        done=_("The assignment has been recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = assignment_get_for_edit(scope=request.scope, pk=pk)
    form = OutcomeForm(
        request.POST or None,
        initial={
            "place": assignment.place,
            "ended_on": assignment.ended_on,
            "outcome": assignment.outcome,
            "outcome_notes": assignment.outcome_notes,
            "seen_event": latest_event_id(assignment),
        },
    )
    return _form_page(
        request,
        person=assignment.person,
        form=form,
        title=_("Outcome of %(title)s") % {"title": assignment.title},
        save=lambda data: services.assignment_update(
            acting_user=request.user, assignment=assignment, **data
        ),
        done=_("Saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person_to_cultivate(request, pk)
    return _form_page(
        request,
        person=person,
        form=TrainingForm(request.POST or None, initial=_today()),
        title=_("Record a training"),
        save=lambda data: services.training_add(acting_user=request.user, person=person, **data),
        done=_("The training has been recorded."),
    )
