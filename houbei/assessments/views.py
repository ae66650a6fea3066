from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.assessments import services
from houbei.assessments.forms import BallotForm, RoundForm
from houbei.assessments.models import Dimension, RaterGroup
from houbei.assessments.selectors import (
    LEVEL_OF_REGION,
    may_assess,
    people_to_assess,
    regions_to_assess,
    round_get,
    round_results,
    rounds_due,
    rounds_visible,
    subjects_visible,
)
from houbei.lib.forms import form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.regions.codes import Level

SECTION = "pipeline"


@login_required
@require_GET
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    today = timezone.localdate()
    return render(
        request,
        "assessments/list.html",
        {
            "section": SECTION,
            "tab": "assessments",
            "rounds": rounds_visible(scope=scope).order_by("-held_on", "-id")[:100],
            "due": [(row, row.overdue(today)) for row in rounds_due(scope=scope, today=today)],
            "today": today,
            "can_create": scope.can(Capability.ASSESS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up a round: the region holding it, then the people of its pool to assess."""
    scope = request.scope
    scope.require(Capability.ASSESS)
    regions = regions_to_assess(scope=scope)
    raw_region = request.POST.get("region") or request.GET.get("region") or ""
    region = regions.filter(pk=raw_region).first() if raw_region.isdigit() else None
    subjects = people_to_assess(scope=scope, region=region)
    form = RoundForm(
        request.POST or None,
        regions=regions,
        subjects=subjects,
        initial={"region": region, "subjects": list(subjects)},
    )
    created = save_form(
        request,
        form,
        lambda data: services.round_create(
            acting_user=request.user,
            name=data["name"],
            level=LEVEL_OF_REGION[Level(data["region"].level)],
            region=data["region"],
            held_on=data["held_on"],
            subjects=list(data["subjects"]),
            min_anonymous_raters=data["min_anonymous_raters"],
        ),
    )
    if created:
        messages.success(request, _("The round has been set up. Enter the ballots."))
        return redirect("assessments:ballot", pk=created.pk)
    return render(
        request,
        "assessments/create.html",
        {"section": SECTION, "form": form, "region": region},
        status=form_status(form),
    )


@login_required
@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment_round = round_get(scope=request.scope, pk=pk)
    subjects = list(subjects_visible(scope=request.scope, assessment_round=assessment_round))
    results = round_results(assessment_round=assessment_round)
    rated = {
        key
        for scores in assessment_round.ratings.values_list("scores", flat=True)
        for key in scores
    }
    return render(
        request,
        "assessments/detail.html",
        {
            "section": SECTION,
            "round": assessment_round,
            "rows": [(person, results.get(person.pk)) for person in subjects],
            # Only the dimensions this round's ballots rate: a 德能勤绩廉 form has five.
            "dimensions": [dimension for dimension in Dimension if dimension.value in rated],
            "can_assess": may_assess(scope=request.scope, assessment_round=assessment_round),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enter ballots one after another (paper 民主测评表 counted by a clerk): after each
    save the form comes back with the same person and group chosen."""
    assessment_round = round_get(scope=request.scope, pk=pk)
    if not may_assess(scope=request.scope, assessment_round=assessment_round):
        raise PermissionDenied
    subjects = subjects_visible(scope=request.scope, assessment_round=assessment_round)
    form = BallotForm(
        request.POST or None,
        subjects=subjects,
        initial={
            "subject": request.GET.get("subject"),
            "rater_group": request.GET.get("group") or RaterGroup.PARTY_MEMBERS,
            "is_anonymous": request.GET.get("anonymous") == "1",
        },
    )
    rating = save_form(
        request,
        form,
        lambda data: services.rating_add(
            acting_user=request.user,
            assessment_round=assessment_round,
            subject=data["subject"],
            rater_group=data["rater_group"],
            scores=form.scores(),
            grade=data["grade"],
            rater_name=data["rater_name"],
            is_anonymous=data["is_anonymous"],
            comment=data["comment"],
        ),
    )
    if rating:
        count = assessment_round.ratings.filter(
            subject=rating.subject, rater_group=rating.rater_group
        ).count()
        messages.success(
            request,
            _("Ballot saved: %(count)s from %(group)s for %(name)s.")
            % {
                "count": count,
                "group": RaterGroup(rating.rater_group).label,
                "name": rating.subject.name,
            },
        )
        anonymous = "1" if rating.is_anonymous else "0"
        return redirect(
            f"{reverse('assessments:ballot', args=[assessment_round.pk])}"
            f"?subject={rating.subject_id}&group={rating.rater_group}&anonymous={anonymous}"
        )
    return render(
        request,
        "assessments/ballot.html",
        {"section": SECTION, "round": assessment_round, "form": form},
        status=form_status(form),
    )


@login_required
@require_POST
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment_round = round_get(scope=request.scope, pk=pk)
    if not may_assess(scope=request.scope, assessment_round=assessment_round):
        raise PermissionDenied
    services.round_close(acting_user=request.user, assessment_round=assessment_round)
    messages.success(request, _("The round is closed; its results stand."))
    return redirect("assessments:detail", pk=assessment_round.pk)
