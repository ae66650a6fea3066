"""Data written in Simplified Chinese, shown in the interface's language."""

from __future__ import annotations

from collections.abc import Mapping
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
    Chinese name in the interface's script. A mapping with "name" and "name_en" (as an
    evidence snapshot keeps a term) works too."""
    if isinstance(term, Mapping):
        english, name = str(term.get("name_en") or ""), term.get("name", "")
    else:
        english, name = str(getattr(term, "name_en", None) or ""), getattr(term, "name", term)
    if (get_language() or "").lower().startswith("en") and english:
        return english
    return in_interface_script(name)
