from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import get_or_404
from houbei.assessments.selectors import person_assessments
from houbei.campaigns.selectors import campaign_list
from houbei.cultivation.selectors import assignments_of, mentorships_of, trainings_of
from houbei.deeds.selectors import deeds_of
from houbei.duty.selectors import overall_indicator
from houbei.lib.forms import apply_validation_error, form_status, save_form
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.lib.i18n import in_interface_script as zh
from houbei.lib.pdf import pdf_response, photo_data_uri, render_pdf
from houbei.party.rules import clock
from houbei.party.selectors import is_priority, track_of
from houbei.people.models import Person
from houbei.people.selectors import person_get, regions_for_people_filter
from houbei.pipeline import services
from houbei.pipeline.dossiers import BATCH_LIMIT, PoolPlaces, dossier_context, pool_dossiers
from houbei.pipeline.forms import (
    DecisionForm,
    NominationForm,
    OpinionForm,
    PoolFilterForm,
    PoolTargetForm,
    WeightsForm,
)
from houbei.pipeline.models import Standing
from houbei.pipeline.scoring import current_weights, line_label, scores_for
from houbei.pipeline.selectors import (
    deciding_district,
    decision_get,
    decisions_of,
    latest_opinions,
    nominations_of,
    person_ranks,
    pool_list,
    pool_status,
    ranking,
    stage_counts,
    standing_of,
    villages_in_scope,
)
from houbei.pipeline.stages import POOL_STAGES, Stage
from houbei.review.selectors import latest_reviews
from houbei.seats.selectors import seats_held
from houbei.teams.selectors import teams_of

SECTION = "pipeline"


def _pool_filters(
    request: AuthenticatedHttpRequest, stages: list[tuple[str, Any]]
) -> PoolFilterForm:
    return PoolFilterForm(
        request.GET or None, regions=regions_for_people_filter(scope=request.scope), stages=stages
    )


@login_required
@require_GET
def pool(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reserves in the user's regions, by stage."""
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    form = _pool_filters(request, [("", _("All stages but exited")), *Stage.choices])
    data = form.cleaned_data if form.is_valid() else {}
    region = data.get("region")
    standings = pool_list(
        scope=scope,
        stage=data.get("stage", ""),
        region=region,
        target_post=data.get("target_post", ""),
    )
    page = Paginator(standings, 25).get_page(request.GET.get("page"))
    counts = stage_counts(scope=scope, region=region)
    in_pool = sum(counts[stage] for stage in POOL_STAGES)
    return render(
        request,
        "pipeline/pool.html",
        {
            "section": SECTION,
            "tab": "pool",
            "form": form,
            "page_obj": page,
            "counts": [(stage, counts[stage.value]) for stage in Stage],
            "in_pool": in_pool,
            # The registration forms of a chosen village or town, as one PDF.
            "forms_region": region if region is not None and in_pool else None,
        },
    )


def _person_context(request: AuthenticatedHttpRequest, person: Person) -> dict[str, Any]:
    """Everything the reserve file and the dossier show of one person."""
    scope = request.scope
    today = timezone.localdate()
    standing = standing_of(person=person)
    track = track_of(person=person)
    if track is not None:
        track.person = person
    score = scores_for([person.pk])[person.pk]
    levels = services.levels_of(scope, person.village)
    party_clock = clock(track, today) if track else None
    return {
        "person": person,
        "standing": standing,
        "moves": services.moves_for(scope, standing) if standing else [],
        "decisions": list(decisions_of(person=person)),
        "nominations": list(nominations_of(person=person)),
        "mentorships": list(mentorships_of(person=person)),
        "assignments": list(assignments_of(person=person)),
        "trainings": list(trainings_of(person=person)),
        "assessments": person_assessments(person=person),
        "track": track,
        "party_clock": party_clock,
        "party_urgency": party_clock.urgency(today) if party_clock else None,
        "priority": bool(track and standing and is_priority(track, today)),
        "score": score,
        "score_lines": [(line_label(line.key), line) for line in score.nonzero_lines()],
        "ranks": person_ranks(person=person) if standing and standing.stage in POOL_STAGES else [],
        "opinions": latest_opinions(person=person),
        "joint_review": latest_reviews([person.pk], today).get(person.pk),
        "seats_held": seats_held(person=person),
        "overall": overall_indicator(person=person),
        "today": today,
        "can_nominate": scope.covers(person.village, Capability.NOMINATE)
        and (standing is None or standing.stage == Stage.EXITED),
        "can_cultivate": scope.covers(person.village, Capability.CULTIVATE),
        "can_party": scope.covers(person.village, Capability.PARTY_TRACK),
        "can_opinion": bool(levels),
    }


@login_required
@require_GET
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One person's reserve file: standing, decisions, cultivation, assessments, Party track."""
    subject = person_get(scope=request.scope, pk=pk)
    return render(
        request, "pipeline/person.html", {"section": SECTION, **_person_context(request, subject)}
    )


@login_required
@require_GET
def dossier(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The registration form (村级后备力量登记表) of one person, ready to print."""
    subject = person_get(scope=request.scope, pk=pk)
    photo = reverse("people:photo", args=[subject.pk]) if subject.photo else ""
    context = dossier_context(subject, today=timezone.localdate(), photo_src=photo)
    return render(request, "pipeline/dossier.html", {"section": SECTION, **context})


def _dossiers_pdf(
    request: AuthenticatedHttpRequest, forms: list[dict[str, Any]], *, of: str
) -> bytes:
    """Registration forms as one PDF, one form a page; photos embedded, never linked."""
    articles = [
        render_to_string("pipeline/_dossier_table.html", form, request=request) for form in forms
    ]
    title = f"{of} · {_('Village-level reserve registration form')}"
    return render_pdf(
        "pipeline/dossier_pdf.html", {"articles": articles, "title": title}, request=request
    )


@login_required
@require_GET
def dossier_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The registration form as a PDF (identifiers masked as on the page)."""
    subject = person_get(scope=request.scope, pk=pk)
    form = dossier_context(
        subject, today=timezone.localdate(), photo_src=photo_data_uri(subject.photo)
    )
    return pdf_response(
        _dossiers_pdf(request, [form], of=subject.name), f"{subject.name}-登记表.pdf"
    )


@login_required
@require_GET
def dossiers_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The registration forms of every reserve of a village or town in the user's scope, by
    village then name, one a page. ``?region=<code>`` is required; a region outside the scope
    answers 404 like an unknown one."""
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    code = request.GET.get("region", "")
    if not code:
        return HttpResponseBadRequest(
            _("Choose a village or town."), content_type="text/plain; charset=utf-8"
        )
    region = get_or_404(regions_for_people_filter(scope=scope), code=code)
    standings = pool_dossiers(scope=scope, region=region)
    total = standings.count()
    if not total or total > BATCH_LIMIT:
        if total:
            messages.error(
                request,
                _(
                    "%(region)s has %(total)d reserves: one PDF holds at most %(limit)d "
                    "registration forms. Choose one of its villages."
                )
                % {"region": zh(region.name), "total": total, "limit": BATCH_LIMIT},
            )
        else:
            messages.info(
                request, _("%(region)s has no reserves yet.") % {"region": zh(region.name)}
            )
        return redirect(f"{reverse('pipeline:pool')}?region={region.pk}")
    today, places = timezone.localdate(), PoolPlaces()
    forms = [
        dossier_context(
            standing.person,
            today=today,
            photo_src=photo_data_uri(standing.person.photo),
            places=places,
            standing=standing,
        )
        for standing in standings
    ]
    name = zh(region.name)
    return pdf_response(_dossiers_pdf(request, forms, of=name), f"{name}-登记表.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = person_get(scope=request.scope, pk=pk)
    if not request.scope.covers(subject.village, Capability.NOMINATE):
        raise PermissionDenied
    form = NominationForm(
        request.POST or None,
        teams=teams_of(person=subject),
        campaigns=campaign_list(scope=request.scope),
        deeds=deeds_of(person=subject),
    )
    if save_form(
        request,
        form,
        lambda data: services.nominate(
            acting_user=request.user,
            person=subject,
            route=data["route"],
            reasons=data["reasons"],
            nominated_on=data["nominated_on"],
            criteria=data["criteria"],
            team=data["team"],
            campaign=data["campaign"],
            target_post=data["target_post"],
            deeds=data.get("deeds") or [],
        ),
    ):
        messages.success(request, _("%(name)s is now a candidate (人选).") % {"name": subject.name})
        return redirect("pipeline:person", pk=subject.pk)
    return render(
        request,
        "pipeline/nominate.html",
        {
            "section": SECTION,
            "person": subject,
            "form": form,
            "overall": overall_indicator(person=subject),
        },
        status=form_status(form),
    )


def _standing_or_404(subject: Person) -> Standing:
    standing = standing_of(person=subject)
    if standing is None:
        raise Http404
    standing.person = subject
    return standing


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take a stage decision: choose the move (only those this user may make), then the
    deciding body, date, document number and reason."""
    subject = person_get(scope=request.scope, pk=pk)
    standing = _standing_or_404(subject)
    moves = dict(services.moves_for(request.scope, standing))
    if not moves:
        raise PermissionDenied
    raw = request.POST.get("to") or request.GET.get("to") or ""
    to_stage = Stage(raw) if raw in moves else None
    if to_stage is None:
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request,
            "pipeline/decide.html",
            {"section": SECTION, "person": subject, "standing": standing, "moves": moves.items()},
        )
    levels = moves[to_stage]
    form = DecisionForm(
        request.POST or None,
        levels=levels,
        exiting=to_stage == Stage.EXITED,
        initial={
            "deciding_level": levels[0],
            "decided_on": timezone.localdate(),
            "version": standing.version,
        },
    )
    form.fields["deciding_body"].required = False
    form.fields["deciding_body"].widget.attrs["placeholder"] = services.default_body(
        levels[0], subject.village
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide(
                    acting_user=request.user,
                    person=subject,
                    to_stage=to_stage,
                    deciding_level=data["deciding_level"],
                    deciding_body=data["deciding_body"],
                    decided_on=data["decided_on"],
                    document_number=data["document_number"],
                    reason=data["reason"],
                    exit_reason=data.get("exit_reason", ""),
                    target_post=data.get("target_post") or None,
                    expected_version=data["version"],
                )
            except services.DecisionConflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Decided: %(name)s is now %(stage)s.")
                    % {"name": subject.name, "stage": to_stage.label},
                )
                return redirect("pipeline:person", pk=subject.pk)
    return render(
        request,
        "pipeline/decide.html",
        {
            "section": SECTION,
            "person": subject,
            "standing": standing,
            "to_stage": to_stage,
            "form": form,
            "overall": overall_indicator(person=subject),
        },
        status=status,
    )


@login_required
@require_GET
def decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One decision with the evidence as it stood that day."""
    record = decision_get(scope=request.scope, pk=pk)
    return render(
        request,
        "pipeline/decision.html",
        {
            "section": SECTION,
            "decision": record,
            "person": record.person,
            "evidence": record.evidence,
            "score_lines": [
                (line_label(line["key"]), line)
                for line in record.evidence.get("score", {}).get("lines", [])
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = person_get(scope=request.scope, pk=pk)
    levels = services.levels_of(request.scope, subject.village)
    if not levels:
        raise PermissionDenied
    form = OpinionForm(
        request.POST or None,
        levels=levels,
        initial={"level": levels[0], "given_on": timezone.localdate()},
    )
    form.fields["body"].required = False
    form.fields["body"].widget.attrs["placeholder"] = services.default_body(
        levels[0], subject.village
    )
    if save_form(
        request,
        form,
        lambda data: services.opinion_record(acting_user=request.user, person=subject, **data),
    ):
        messages.success(request, _("The opinion has been recorded."))
        return redirect("pipeline:person", pk=subject.pk)
    return render(
        request,
        "pipeline/form.html",
        {"section": SECTION, "person": subject, "form": form, "title": _("Record an opinion")},
        status=form_status(form),
    )


@login_required
@require_GET
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Villages against their pool targets (一职一备); those below first when asked."""
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    form = _pool_filters(request, [])
    region = form.cleaned_data.get("region") if form.is_valid() else None
    rows = pool_status(scope=scope, region=region)
    below_only = request.GET.get("below") == "1"
    shown = [row for row in rows if row.below_target] if below_only else rows
    return render(
        request,
        "pipeline/targets.html",
        {
            "section": SECTION,
            "tab": "targets",
            "form": form,
            "rows": shown,
            "total": len(rows),
            "below": sum(1 for row in rows if row.below_target),
            "below_only": below_only,
            "editable": {
                row.village.pk for row in rows if scope.covers(row.village, Capability.POOL_TARGETS)
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    village = get_or_404(villages_in_scope(scope=request.scope), code=code)
    if not request.scope.covers(village, Capability.POOL_TARGETS):
        raise PermissionDenied
    row = next(r for r in pool_status(scope=request.scope, region=village))
    form = PoolTargetForm(
        request.POST or None,
        initial={
            "min_reserves": row.min_reserves,
            "min_secretary_reserves": row.min_secretary_reserves,
        },
    )
    if save_form(
        request,
        form,
        lambda data: services.pool_target_set(acting_user=request.user, village=village, **data),
    ):
        messages.success(request, _("Saved."))
        return redirect("pipeline:targets")
    return render(
        request,
        "pipeline/form.html",
        {
            "section": SECTION,
            "form": form,
            "row": row,
            "own_target": row.own_target,
            "title": _("Pool target of %(village)s") % {"village": village.name},
            "back": "pipeline:targets",
        },
        status=form_status(form),
    )


@login_required
@require_GET
def ranking_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pool by composite score, each score with its breakdown."""
    scope = request.scope
    scope.require(Capability.PEOPLE_VIEW)
    pool_stages = [(stage.value, stage.label) for stage in Stage if stage in POOL_STAGES]
    form = _pool_filters(
        request,
        [("", _("The whole pool")), (Stage.CANDIDATE.value, Stage.CANDIDATE.label), *pool_stages],
    )
    data = form.cleaned_data if form.is_valid() else {}
    stage = data.get("stage", "")
    rows = ranking(scope=scope, region=data.get("region"), stages=[stage] if stage else [])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "pipeline/ranking.html",
        {
            "section": SECTION,
            "tab": "ranking",
            "form": form,
            "page_obj": page,
            "labels": {
                key: line_label(key)
                for row in page
                for key in (line.key for line in row.score.lines)
            },
            "can_weigh": scope.can(Capability.DECIDE_DISTRICT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def weights(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    district = deciding_district(scope=scope)
    if district is None:
        raise PermissionDenied
    current = current_weights()
    form = WeightsForm(
        request.POST or None,
        initial={name: getattr(current, name) for name in services.WEIGHT_FIELDS},
    )
    if save_form(
        request,
        form,
        lambda data: services.weights_set(acting_user=request.user, values=data, region=district),
    ):
        messages.success(request, _("The new weights apply to every score from now on."))
        return redirect("pipeline:ranking")
    return render(
        request,
        "pipeline/form.html",
        {
            "section": SECTION,
            "form": form,
            "title": _("Weights of the composite score"),
            "intro": _(
                "Each score is the sum of quantity × weight over these lines; penalties are "
                "deducted. Decisions keep the score they were taken on."
            ),
            "back": "pipeline:ranking",
        },
        status=form_status(form),
    )
