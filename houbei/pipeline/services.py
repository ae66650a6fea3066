"""Nominations, stage decisions, opinions, pool targets and score weights.

A decision is taken by a level (village Party organization, town Party committee, district
organization department); who may take which move is the table in stages.py, and a user
acts for a level where their grant carries that level's capability over the person's
village. Each decision freezes its evidence (evidence.py) and is never changed: a wrong
decision is answered by a new one.

Two people deciding on the same person at once: the form carries the standing's version,
the service locks the standing and compares; the second gets ``DecisionConflict`` saying
what was decided meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.campaigns.models import Campaign
from houbei.deeds.models import Deed
from houbei.people.models import Person
from houbei.pipeline.evidence import snapshot
from houbei.pipeline.models import (
    Criterion,
    Nomination,
    Opinion,
    PoolTarget,
    Route,
    ScoreWeights,
    StageDecision,
    Standing,
)
from houbei.pipeline.scoring import LINES
from houbei.pipeline.stages import (
    LEVEL_CAPABILITY,
    MOVES,
    DecidingLevel,
    ExitReason,
    Stage,
    TargetPost,
    deciding_levels,
)
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.teams.models import Team

if TYPE_CHECKING:
    from houbei.accounts.models import User

MAX_POOL_TARGET = 20


class DecisionConflict(Exception):
    """The standing changed after the decider opened the form."""

    def __init__(self, standing: Standing, latest: StageDecision | None) -> None:
        self.standing = standing
        self.latest = latest
        super().__init__("decision conflict")

    @property
    def message(self) -> str:
        if self.latest is None:
            return _(
                "Someone else changed this person's standing meanwhile. Reload and decide again."
            )
        entered_by = self.latest.entered_by
        return _(
            "While you were deciding, %(who)s recorded a decision: %(from)s → %(to)s. "
            "Nothing of yours was saved; look at the new standing and decide again."
        ) % {
            "who": (entered_by.display_name or entered_by.username)
            if entered_by
            else _("the system"),
            "from": self.latest.get_from_stage_display() or "—",
            "to": self.latest.get_to_stage_display(),
        }


# --- who decides ----------------------------------------------------------------------------


def levels_of(scope: Scope, village: Region) -> list[DecidingLevel]:
    """The levels the user may act for on people of ``village``, lowest first."""
    return [
        level for level, capability in LEVEL_CAPABILITY.items() if scope.covers(village, capability)
    ]


def default_body(level: DecidingLevel, village: Region) -> str:
    """The deciding body as the registration form names it: 花红村党组织, 凌家镇党委,
    市中区委组织部 — an official name, so in Chinese whatever the interface language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _default_body(level, village)


def _default_body(level: DecidingLevel, village: Region) -> str:
    if level == DecidingLevel.VILLAGE:
        return _("%(village)s Party organization") % {"village": village.name}
    if level == DecidingLevel.TOWN:
        town = village.ancestor_at(Level.TOWN)
        return _("%(town)s Party committee") % {"town": town.name if town else village.name}
    district = village.ancestor_at(Level.DISTRICT)
    return _("%(district)s organization department") % {
        "district": district.name if district else village.name
    }


def moves_for(scope: Scope, standing: Standing) -> list[tuple[Stage, list[DecidingLevel]]]:
    """The moves this user may make from the standing's stage, with the levels to act for."""
    mine = set(levels_of(scope, standing.person.village))
    moves: list[tuple[Stage, list[DecidingLevel]]] = []
    for from_stage, to_stage in MOVES:
        if from_stage != standing.stage:
            continue
        levels = [
            level
            for level in DecidingLevel
            if level in deciding_levels((from_stage, to_stage)) and level in mine
        ]
        if levels:
            moves.append((to_stage, levels))
    return moves


def _check_date(
    errors: dict[str, list[str]], key: str, day: dt.date, not_before: dt.date | None = None
) -> None:
    if day > timezone.localdate():
        errors.setdefault(key, []).append(_("A date cannot be in the future."))
    elif not_before is not None and day < not_before:
        errors.setdefault(key, []).append(
            _("Cannot be before %(date)s, the date of the current stage.")
            % {"date": not_before.isoformat()}
        )


def _record_decision(
    *,
    acting_user: User | None,
    person: Person,
    standing: Standing | None,
    to_stage: Stage,
    level: DecidingLevel,
    body: str,
    decided_on: dt.date,
    reason: str,
    document_number: str = "",
    exit_reason: str = "",
    target_post: str | None = None,
) -> StageDecision:
    from_stage = standing.stage if standing else ""
    decision = StageDecision.objects.create(
        person=person,
        from_stage=from_stage,
        to_stage=to_stage,
        deciding_level=level,
        deciding_body=body,
        decided_on=decided_on,
        document_number=document_number,
        reason=reason,
        exit_reason=exit_reason,
        evidence=snapshot(person),
        entered_by=acting_user,
    )
    if standing is None:
        standing = Standing(person=person, version=0)
    standing.stage = to_stage
    standing.since = decided_on
    standing.version += 1
    if target_post is not None:
        standing.target_post = target_post
    standing.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.STAGE_DECIDED,
        target=decision,
        region=person.village,
        old={"stage": from_stage} if from_stage else None,
        new={
            "stage": to_stage,
            "deciding_body": body,
            "decided_on": decided_on.isoformat(),
            **({"document_number": document_number} if document_number else {}),
            **({"exit_reason": exit_reason} if exit_reason else {}),
        },
    )
    return decision


# --- nominations ----------------------------------------------------------------------------


@transaction.atomic
def nominate(
    *,
    acting_user: User | None,
    person: Person,
    route: str,
    reasons: str,
    nominated_on: dt.date,
    criteria: Sequence[str] = (),
    team: Team | None = None,
    campaign: Campaign | None = None,
    target_post: str = "",
    deeds: Iterable[Deed] = (),
) -> Nomination:
    """Put a person forward: the nomination, and their entry as a candidate (人选)."""
    scope = Scope.for_user(acting_user) if acting_user is not None else None
    if scope is not None and not scope.covers(person.village, Capability.NOMINATE):
        raise PermissionDenied
    Person.objects.select_for_update().get(pk=person.pk)
    standing = Standing.objects.select_for_update().filter(person=person).first()
    errors: dict[str, list[str]] = {}
    if standing is not None and standing.stage != Stage.EXITED:
        errors.setdefault("__all__", []).append(
            _("%(name)s is already in the pipeline (%(stage)s).")
            % {"name": person.name, "stage": standing.get_stage_display()}
        )
    if route not in Route.values:
        errors.setdefault("route", []).append(_("Choose how the person was put forward."))
    unknown = [c for c in criteria if c not in Criterion.values]
    if unknown:
        errors.setdefault("criteria", []).append(_("Choose criteria from the list."))
    if not criteria:
        errors.setdefault("criteria", []).append(_("Tick the criteria the person meets."))
    if not reasons.strip():
        errors.setdefault("reasons", []).append(
            _("Say why, in a few sentences, citing what the person did.")
        )
    if target_post and target_post not in TargetPost.values:
        errors.setdefault("target_post", []).append(_("Choose the seat from the list."))
    if route == Route.FRONTLINE_TEAM and team is None and campaign is None:
        errors.setdefault("team", []).append(
            _("Name the team or campaign where the person was found.")
        )
    cited = list(deeds)
    if any(deed.person_id != person.pk for deed in cited):
        errors.setdefault("deeds", []).append(_("Cite only this person's deeds."))
    _check_date(errors, "nominated_on", nominated_on, standing.since if standing else None)
    if errors:
        raise ValidationError(errors)
    nomination = Nomination.objects.create(
        person=person,
        route=route,
        team=team,
        campaign=campaign,
        criteria=list(dict.fromkeys(criteria)),
        reasons=reasons.strip(),
        target_post=target_post,
        evidence=snapshot(person, cited_deeds=cited),
        nominated_on=nominated_on,
        nominated_by=acting_user,
    )
    nomination.deeds.set(cited)
    levels = levels_of(scope, person.village) if scope is not None else []
    level = levels[0] if levels else DecidingLevel.VILLAGE
    _record_decision(
        acting_user=acting_user,
        person=person,
        standing=standing,
        to_stage=Stage.CANDIDATE,
        level=level,
        body=default_body(level, person.village),
        decided_on=nominated_on,
        reason=nomination.reasons,
        target_post=target_post,
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.NOMINATED,
        target=nomination,
        region=person.village,
        new={
            "person": person.name,
            "route": route,
            "criteria": nomination.criteria,
            "team": team.name if team else None,
            "campaign": campaign.name if campaign else None,
            "deeds": len(cited),
        },
    )
    return nomination


# --- stage decisions --------------------------------------------------------------------------


@transaction.atomic
def decide(
    *,
    acting_user: User | None,
    person: Person,
    to_stage: str,
    deciding_level: str,
    decided_on: dt.date,
    reason: str,
    expected_version: int,
    deciding_body: str = "",
    document_number: str = "",
    exit_reason: str = "",
    target_post: str | None = None,
) -> StageDecision:
    standing = Standing.objects.select_for_update().filter(person=person).first()
    if standing is None:
        raise ValidationError(
            _("%(name)s is not in the pipeline: nominate them first.") % {"name": person.name}
        )
    if standing.version != expected_version:
        raise DecisionConflict(
            standing, StageDecision.objects.filter(person=person).order_by("-id").first()
        )
    if to_stage not in Stage.values or deciding_level not in DecidingLevel.values:
        raise ValidationError(_("Choose the new stage and the deciding level from the lists."))
    move = (Stage(standing.stage), Stage(to_stage))
    level = DecidingLevel(deciding_level)
    if move not in MOVES:
        raise ValidationError(
            _("The pipeline has no move from %(from)s to %(to)s.")
            % {"from": move[0].label, "to": move[1].label}
        )
    if level not in deciding_levels(move):
        allowed = "、".join(str(lvl.label) for lvl in DecidingLevel if lvl in deciding_levels(move))
        raise ValidationError(
            _("%(from)s → %(to)s is decided by: %(levels)s.")
            % {"from": move[0].label, "to": move[1].label, "levels": allowed}
        )
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        person.village, LEVEL_CAPABILITY[level]
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    _check_date(errors, "decided_on", decided_on, standing.since)
    if not reason.strip():
        errors.setdefault("reason", []).append(_("Give the reason for the decision."))
    if move[1] == Stage.EXITED:
        if exit_reason not in ExitReason.values:
            errors.setdefault("exit_reason", []).append(
                _("Choose why the person leaves the pipeline.")
            )
    elif exit_reason:
        errors.setdefault("exit_reason", []).append(_("An exit reason goes only with an exit."))
    if target_post and target_post not in TargetPost.values:
        errors.setdefault("target_post", []).append(_("Choose the seat from the list."))
    if len(document_number.strip()) > 60:
        errors.setdefault("document_number", []).append(_("At most 60 characters."))
    if errors:
        raise ValidationError(errors)
    return _record_decision(
        acting_user=acting_user,
        person=person,
        standing=standing,
        to_stage=move[1],
        level=level,
        body=deciding_body.strip() or default_body(level, person.village),
        decided_on=decided_on,
        reason=reason.strip(),
        document_number=document_number.strip(),
        exit_reason=exit_reason if move[1] == Stage.EXITED else "",
        target_post=target_post or None,
    )


def stage_follows_appointment(
    *,
    acting_user: User | None,
    person: Person,
    decided_on: dt.date,
    body: str,
    reason: str,
    document_number: str = "",
) -> StageDecision | None:
    """The only way into "appointed": a reserve appointed to a seat (seats/services.py,
    inside the appointment's transaction, which checked the right to appoint). People who
    were never in the pool, or have left it, have no stage to change."""
    standing = Standing.objects.select_for_update().filter(person=person).first()
    if standing is None or standing.stage in (Stage.EXITED, Stage.APPOINTED):
        return None
    return _record_decision(
        acting_user=acting_user,
        person=person,
        standing=standing,
        to_stage=Stage.APPOINTED,
        level=DecidingLevel.DISTRICT,
        body=body,
        decided_on=max(decided_on, standing.since),
        reason=reason,
        document_number=document_number,
    )


# --- opinions ---------------------------------------------------------------------------------


@transaction.atomic
def opinion_record(
    *,
    acting_user: User | None,
    person: Person,
    level: str,
    text: str,
    given_on: dt.date,
    body: str = "",
) -> Opinion:
    if level not in DecidingLevel.values:
        raise ValidationError({"level": [_("Choose the level from the list.")]})
    deciding = DecidingLevel(level)
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        person.village, LEVEL_CAPABILITY[deciding]
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the opinion.")]
    _check_date(errors, "given_on", given_on)
    if errors:
        raise ValidationError(errors)
    opinion = Opinion.objects.create(
        person=person,
        level=deciding,
        body=body.strip() or default_body(deciding, person.village),
        text=text.strip(),
        given_on=given_on,
        entered_by=acting_user,
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.OPINION_GIVEN,
        target=opinion,
        region=person.village,
        new={"level": level, "body": opinion.body, "given_on": given_on.isoformat()},
    )
    return opinion


# --- pool targets and weights --------------------------------------------------------------------


@transaction.atomic
def pool_target_set(
    *, acting_user: User | None, village: Region, min_reserves: int, min_secretary_reserves: int
) -> PoolTarget:
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        village, Capability.POOL_TARGETS
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if Level(village.level) != Level.VILLAGE:
        errors.setdefault("__all__", []).append(_("Targets are set per village."))
    if not 0 <= min_reserves <= MAX_POOL_TARGET:
        errors.setdefault("min_reserves", []).append(_("From 0 to 20."))
    if not 0 <= min_secretary_reserves <= min_reserves:
        errors.setdefault("min_secretary_reserves", []).append(
            _("From 0 up to the number of reserves.")
        )
    if errors:
        raise ValidationError(errors)
    target = PoolTarget.objects.select_for_update().filter(village=village).first()
    before = (
        {
            "min_reserves": target.min_reserves,
            "min_secretary_reserves": target.min_secretary_reserves,
        }
        if target
        else {}
    )
    target = target or PoolTarget(village=village)
    target.min_reserves, target.min_secretary_reserves = min_reserves, min_secretary_reserves
    target.updated_by = acting_user
    old, new = changed_values(
        before, {"min_reserves": min_reserves, "min_secretary_reserves": min_secretary_reserves}
    )
    if new:
        target.save()
        audit_record(
            acting_user=acting_user,
            event_type=EventType.POOL_TARGET_SET,
            target=target,
            region=village,
            old=old or None,
            new=new,
        )
    return target


WEIGHT_FIELDS = tuple(weight_field for _key, _label, weight_field in LINES)


@transaction.atomic
def weights_set(
    *, acting_user: User | None, values: Mapping[str, Decimal], region: Region
) -> ScoreWeights:
    """New weights for the composite score. ``region``: the district whose organization
    department sets them (the audit log entry belongs there)."""
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        region, Capability.DECIDE_DISTRICT
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal] = {}
    for name in WEIGHT_FIELDS:
        try:
            value = Decimal(values[name])
        except (KeyError, InvalidOperation, TypeError):
            errors[name] = [_("Enter a number.")]
            continue
        if not Decimal(0) <= value <= Decimal(1000):
            errors[name] = [_("From 0 to 1000.")]
        cleaned[name] = value.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    current = ScoreWeights.objects.first() or ScoreWeights()
    before = {
        name: str(Decimal(getattr(current, name)).quantize(Decimal("0.01")))
        for name in WEIGHT_FIELDS
    }
    weights = ScoreWeights.objects.create(created_by=acting_user, **cleaned)
    old, new = changed_values(before, {name: str(value) for name, value in cleaned.items()})
    audit_record(
        acting_user=acting_user,
        event_type=EventType.SCORE_WEIGHTS_SET,
        target=weights,
        region=region,
        old=old,
        new=new,
    )
    return weights
