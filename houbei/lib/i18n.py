"""Data written in Simplified Chinese, shown in the interface's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from houbei.lib.names import to_traditional

_TRADITIONAL = {"zh-hant", "zh-tw", "zh-hk"}


def in_interface_script(text: Any) -> str:
    """Region names, vocabulary names …: Traditional characters in the Traditional interface."""
    value = "" if text is None else str(text)
    return to_traditional(value) if (get_language() or "").lower() in _TRADITIONAL else value


def term_label(term: Any) -> str:
    """A configurable term (category, campaign type …): English name in English, else the
    Chinese name in the interface's script."""
    english = str(getattr(term, "name_en", None) or "")
    if (get_language() or "").lower().startswith("en") and english:
        return english
    return in_interface_script(getattr(term, "name", term))
