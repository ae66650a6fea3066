"""Small text normalisations shared by the validators of user input."""

from __future__ import annotations

import unicodedata


def to_halfwidth(value: str) -> str:
    """Full-width digits, letters and punctuation (as typed by Chinese IMEs) to ASCII.

    NFKC maps ０-９, Ａ-Ｚ and the ideographic space to their ASCII forms and leaves Chinese
    characters alone.
    """
    return unicodedata.normalize("NFKC", value)


def collapse_spaces(value: str) -> str:
    return " ".join(to_halfwidth(value).split())
