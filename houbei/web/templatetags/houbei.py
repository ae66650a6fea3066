"""Template helpers available in every template (settings: TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any

from django import template

from houbei.lib.i18n import in_interface_script, term_label

register = template.Library()


@register.filter
def zh(text: Any) -> str:
    """Data written in Simplified Chinese (region and category names), shown in Traditional
    characters when the interface is in Traditional Chinese."""
    return in_interface_script(text)


@register.filter
def category_label(term: Any) -> str:
    """A configurable term (category, campaign or post type …) in the interface language."""
    return term_label(term)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def commendation_label(level: str) -> str:
    from houbei.deeds.models import CommendationLevel

    return str(CommendationLevel(level).label) if level in CommendationLevel.values else level


def _vocabularies() -> dict[str, Any]:
    from houbei.assessments.models import Dimension, Grade, RaterGroup
    from houbei.cultivation.models import AssignmentKind, MentorRole, Outcome
    from houbei.people.models import Kinship
    from houbei.pipeline.models import Criterion, Route
    from houbei.pipeline.stages import DecidingLevel, ExitReason, Stage, TargetPost

    return {
        "stage": Stage,
        "level": DecidingLevel,
        "exit": ExitReason,
        "post": TargetPost,
        "route": Route,
        "criterion": Criterion,
        "grade": Grade,
        "group": RaterGroup,
        "dimension": Dimension,
        "kind": AssignmentKind,
        "mentor": MentorRole,
        "outcome": Outcome,
        "kinship": Kinship,
    }


@register.filter
def choice_label(value: Any, vocabulary: str) -> str:
    """A stored code (as kept in evidence snapshots) in the interface language:
    ``{{ item.stage|choice_label:"stage" }}``; unknown codes show as they are."""
    choices = _vocabularies()[vocabulary]
    return str(choices(value).label) if value in choices.values else str(value or "")
