"""Template helpers available in every template (settings: TEMPLATES builtins)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from houbei.lib.names import to_traditional

register = template.Library()


@register.filter
def zh(text: Any) -> str:
    """Data written in Simplified Chinese (region and category names), shown in Traditional
    characters when the interface is in Traditional Chinese."""
    value = "" if text is None else str(text)
    language = (get_language() or "").lower()
    return to_traditional(value) if language in {"zh-hant", "zh-tw", "zh-hk"} else value


@register.filter
def category_label(category: Any) -> str:
    """A background category in the interface language."""
    language = (get_language() or "").lower()
    english = str(getattr(category, "name_en", None) or "")
    if language.startswith("en") and english:
        return english
    return zh(category.name)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
