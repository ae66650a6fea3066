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
