"""Mainland China phone numbers: mobiles (1[3-9] + 9 digits) and landlines with area code.

Input is forgiving (full-width digits, spaces, hyphens, brackets, a +86 / 0086 prefix);
output is one canonical form: ``13812345678`` for mobiles, ``0832-2123456`` for landlines.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from houbei.lib.text import to_halfwidth

_STRIP = re.compile(r"[\s\-()（）.]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 010 and 02x are three characters with the leading 0, all others four.
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})")


class PhoneErrorCode(StrEnum):
    EMPTY = "empty"
    CHARACTERS = "characters"
    MOBILE = "mobile"
    AREA_CODE = "area_code"
    FORMAT = "format"


ERROR_MESSAGES = {
    PhoneErrorCode.EMPTY: _("Enter a phone number."),
    PhoneErrorCode.CHARACTERS: _("A phone number may contain only digits, spaces and hyphens."),
    PhoneErrorCode.MOBILE: _("A mobile number has 11 digits and starts with 13 to 19."),
    PhoneErrorCode.AREA_CODE: _("Add the area code to the landline number, e.g. 0832-2123456."),
    PhoneErrorCode.FORMAT: _(
        "Not a valid phone number: enter an 11-digit mobile number or a landline with area code."
    ),
}


class PhoneError(ValueError):
    def __init__(self, code: PhoneErrorCode) -> None:
        self.code = code
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(ERROR_MESSAGES[self.code])


def normalize_phone(raw: str) -> str:
    compact = _STRIP.sub("", to_halfwidth(raw))
    if not compact:
        raise PhoneError(PhoneErrorCode.EMPTY)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif compact.startswith("86") and len(compact) == 13:
        compact = compact[2:]
    if not compact.isdigit():
        raise PhoneError(PhoneErrorCode.CHARACTERS)
    if compact.startswith("1"):
        if _MOBILE.fullmatch(compact):
            return compact
        raise PhoneError(PhoneErrorCode.MOBILE)
    if compact.startswith("0"):
        match = _LANDLINE.fullmatch(compact)
        if match:
            return f"{match.group(1)}-{match.group(2)}"
        raise PhoneError(PhoneErrorCode.FORMAT)
    if 7 <= len(compact) <= 8:
        raise PhoneError(PhoneErrorCode.AREA_CODE)
    raise PhoneError(PhoneErrorCode.FORMAT)


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles; 0832-***3456 for landlines."""
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(phone) == 11:
        return f"{phone[:3]}****{phone[7:]}"
    return "*" * len(phone)
