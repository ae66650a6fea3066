"""Statistical division codes (统计用区划代码): GB/T 2260 six digits plus the NBS extension.

Twelve digits name every level down to the village: 2 province, 2 city, 2 district (together
the GB/T 2260 code), 3 town/subdistrict, 3 village/community. Villager groups have no
official code; Houbei extends the village's code by a 3-digit group number (15 digits).

The significant prefix of a code (2, 4, 6, 9, 12 or 15 digits by level) is also the path of
the region in the tree: every region of a subtree has a code that starts with the prefix of
the subtree's root. The scoping module relies on that.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from houbei.lib.text import to_halfwidth


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    DISTRICT = 3, _("District / county")
    TOWN = 4, _("Town / subdistrict")
    VILLAGE = 5, _("Village / community")
    GROUP = 6, _("Villager group")


PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.TOWN: 9,
    Level.VILLAGE: 12,
    Level.GROUP: 15,
}
CODE_LENGTH = {level: 15 if level == Level.GROUP else 12 for level in Level}

# Names accepted for the level column of a region import, in either language.
LEVEL_ALIASES = {
    "province": Level.PROVINCE,
    "省": Level.PROVINCE,
    "city": Level.CITY,
    "市": Level.CITY,
    "district": Level.DISTRICT,
    "county": Level.DISTRICT,
    "区": Level.DISTRICT,
    "县": Level.DISTRICT,
    "区县": Level.DISTRICT,
    "town": Level.TOWN,
    "subdistrict": Level.TOWN,
    "township": Level.TOWN,
    "镇": Level.TOWN,
    "乡": Level.TOWN,
    "街道": Level.TOWN,
    "乡镇": Level.TOWN,
    "乡镇街道": Level.TOWN,
    "village": Level.VILLAGE,
    "community": Level.VILLAGE,
    "村": Level.VILLAGE,
    "社区": Level.VILLAGE,
    "村社区": Level.VILLAGE,
    "group": Level.GROUP,
    "村民小组": Level.GROUP,
    "组": Level.GROUP,
    "社": Level.GROUP,
}


class CodeErrorCode(StrEnum):
    DIGITS = "digits"
    LENGTH = "length"
    LEVEL_SEGMENT_ZERO = "level_segment_zero"
    TRAILING_NOT_ZERO = "trailing_not_zero"
    PARENT_LEVEL = "parent_level"
    PARENT_PREFIX = "parent_prefix"


class CodeError(ValueError):
    def __init__(self, code: CodeErrorCode, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def normalize_code(raw: str, level: Level) -> str:
    """Digits only; a short official code (51, 5110, 511002, 511002102) is padded to 12."""
    digits = "".join(to_halfwidth(raw).split())
    if not digits.isdigit():
        raise CodeError(CodeErrorCode.DIGITS, str(_("A region code consists of digits only.")))
    if level != Level.GROUP and len(digits) == PREFIX_LENGTH[level]:
        digits = digits.ljust(12, "0")
    return digits


def code_prefix(code: str, level: Level) -> str:
    return code[: PREFIX_LENGTH[level]]


def short_code(code: str, level: Level) -> str:
    """The code as people write it: 5110 for a city, 511002 for a district."""
    return code_prefix(code, level)


def validate_code(code: str, level: Level, parent: tuple[str, Level] | None = None) -> None:
    """Check a normalized code's structure, and that it lies under its parent's code."""
    expected_length = CODE_LENGTH[level]
    if not code.isdigit():
        raise CodeError(CodeErrorCode.DIGITS, str(_("A region code consists of digits only.")))
    if len(code) != expected_length:
        raise CodeError(
            CodeErrorCode.LENGTH,
            str(_("A code at this level has %(expected)d digits; this one has %(actual)d."))
            % {"expected": expected_length, "actual": len(code)},
        )
    prefix_length = PREFIX_LENGTH[level]
    previous_length = PREFIX_LENGTH[Level(level - 1)] if level > Level.PROVINCE else 0
    if set(code[previous_length:prefix_length]) == {"0"}:
        raise CodeError(
            CodeErrorCode.LEVEL_SEGMENT_ZERO,
            str(_("Digits %(start)d to %(end)d identify this level and cannot all be 0."))
            % {"start": previous_length + 1, "end": prefix_length},
        )
    if set(code[prefix_length:]) - {"0"}:
        raise CodeError(
            CodeErrorCode.TRAILING_NOT_ZERO,
            str(_("At this level, digits after position %(end)d must be 0."))
            % {"end": prefix_length},
        )
    if parent is None:
        return
    parent_code, parent_level = parent
    if parent_level >= level:
        raise CodeError(
            CodeErrorCode.PARENT_LEVEL,
            str(_("The parent region must be at a higher level than this one.")),
        )
    parent_prefix = code_prefix(parent_code, parent_level)
    if not code.startswith(parent_prefix):
        raise CodeError(
            CodeErrorCode.PARENT_PREFIX,
            str(_("The code must start with its parent's code %(prefix)s."))
            % {"prefix": parent_prefix},
        )
