"""Assessment rounds and ballots. A round belongs to a region at its level (a village's own
round, a town's half-yearly one, the district's yearly one); those who keep the pipeline of
that region create it and enter its ballots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.assessments.models import AssessmentRound, Dimension, Grade, RaterGroup, Rating
from houbei.audit.models import EventType
from houbei.audit.services import audit_record
from houbei.people.models import Person
from houbei.pipeline.stages import DecidingLevel
from houbei.regions.codes import Level, code_prefix
from houbei.regions.models import Region

if TYPE_CHECKING:
    from houbei.accounts.models import User

ROUND_LEVEL_REGION: dict[DecidingLevel, Level] = {
    DecidingLevel.VILLAGE: Level.VILLAGE,
    DecidingLevel.TOWN: Level.TOWN,
    DecidingLevel.DISTRICT: Level.DISTRICT,
}
MAX_SCORE = 10


def _require(acting_user: User | None, region: Region) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        region, Capability.ASSESS
    ):
        raise PermissionDenied


@transaction.atomic
def round_create(
    *,
    acting_user: User | None,
    name: str,
    level: str,
    region: Region,
    held_on: dt.date,
    subjects: Sequence[Person],
    min_anonymous_raters: int = 5,
) -> AssessmentRound:
    _require(acting_user, region)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the round a name, e.g. 2020年上半年镇级评估.")]
    if level not in DecidingLevel.values:
        errors["level"] = [_("Choose the level from the list.")]
    elif Level(region.level) != ROUND_LEVEL_REGION[DecidingLevel(level)]:
        errors["region"] = [
            _("A %(level)s round is held for a %(region_level)s.")
            % {
                "level": DecidingLevel(level).label,
                "region_level": Level(ROUND_LEVEL_REGION[DecidingLevel(level)]).label,
            }
        ]
    if not subjects:
        errors["subjects"] = [_("Choose at least one person to assess.")]
    prefix = code_prefix(region.code, Level(region.level))
    outside = [p.name for p in subjects if not p.village.code.startswith(prefix)]
    if outside:
        errors["subjects"] = [
            _("Not in %(region)s: %(names)s.")
            % {"region": region.name, "names": "、".join(outside)}
        ]
    if min_anonymous_raters < 1:
        errors["min_anonymous_raters"] = [_("At least one ballot.")]
    if errors:
        raise ValidationError(errors)
    assessment_round = AssessmentRound.objects.create(
        name=name.strip(),
        level=level,
        region=region,
        held_on=held_on,
        min_anonymous_raters=min_anonymous_raters,
        created_by=acting_user,
    )
    assessment_round.subjects.set(subjects)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.ASSESSMENT_ROUND_CREATED,
        target=assessment_round,
        region=region,
        new={
            "name": assessment_round.name,
            "level": level,
            "held_on": held_on.isoformat(),
            "subjects": len(subjects),
        },
    )
    return assessment_round


def _check_scores(scores: Mapping[str, int | None]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for key, value in scores.items():
        if key not in Dimension.values:
            raise ValidationError(_("Unknown dimension: %(key)s.") % {"key": key})
        if value is None:
            continue
        if not 0 <= value <= MAX_SCORE:
            raise ValidationError({key: [_("A score is from 0 to 10.")]})
        cleaned[key] = int(value)
    return cleaned


@transaction.atomic
def rating_add(
    *,
    acting_user: User | None,
    assessment_round: AssessmentRound,
    subject: Person,
    rater_group: str,
    scores: Mapping[str, int | None],
    grade: str,
    rater_name: str = "",
    is_anonymous: bool = False,
    comment: str = "",
) -> Rating:
    _require(acting_user, assessment_round.region)
    locked = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
    if locked.is_closed:
        raise ValidationError(_("This round is closed: no more ballots can be entered."))
    errors: dict[str, list[str]] = {}
    if not locked.subjects.filter(pk=subject.pk).exists():
        errors["subject"] = [_("This person is not assessed in this round.")]
    if rater_group not in RaterGroup.values:
        errors["rater_group"] = [_("Choose the rater group from the list.")]
    if grade not in Grade.values:
        errors["grade"] = [_("Choose the overall grade.")]
    rater_name = rater_name.strip()
    if is_anonymous and rater_name:
        errors["rater_name"] = [_("An anonymous ballot carries no name.")]
    if not is_anonymous and not rater_name:
        errors["rater_name"] = [_("Enter the rater's name, or mark the ballot anonymous.")]
    cleaned = _check_scores(scores)
    if not cleaned:
        errors["scores"] = [_("Score at least one dimension.")]
    if errors:
        raise ValidationError(errors)
    rating = Rating.objects.create(
        round=locked,
        subject=subject,
        rater_group=rater_group,
        rater_name=rater_name,
        is_anonymous=is_anonymous,
        scores=cleaned,
        grade=grade,
        comment=comment.strip(),
        entered_by=acting_user,
    )
    # Never the scores of an anonymous ballot in the log: the log is read by more people.
    audit_record(
        acting_user=acting_user,
        event_type=EventType.RATING_ENTERED,
        target=locked,
        region=locked.region,
        new={
            "subject": subject.name,
            "rater_group": rater_group,
            "anonymous": is_anonymous,
            **({} if is_anonymous else {"rater_name": rater_name, "grade": grade}),
        },
    )
    return rating


@transaction.atomic
def round_close(*, acting_user: User | None, assessment_round: AssessmentRound) -> AssessmentRound:
    _require(acting_user, assessment_round.region)
    locked = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
    if locked.is_closed:
        return locked
    locked.is_closed = True
    locked.save(update_fields=["is_closed", "updated_at"])
    audit_record(
        acting_user=acting_user,
        event_type=EventType.ASSESSMENT_ROUND_CLOSED,
        target=locked,
        region=locked.region,
        new={"ballots": locked.ratings.count()},
    )
    return locked
