"""Resident identity numbers (公民身份号码, GB 11643-1999).

Structure: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male,
even = female), 1 check character computed with ISO 7064:1983 MOD 11-2.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houbei.lib.text import to_halfwidth

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

# First two digits of the address code: the provinces of GB/T 2260 (71 Taiwan, 81 Hong Kong,
# 82 Macao included, as their residents hold mainland-format numbers on some documents).
_PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54"
PROVINCE_PREFIXES = frozenset([*_PROVINCES.split(), "61", "62", "63", "64", "65", "71", "81", "82"])

_SEPARATORS = re.compile(r"[\s\-]")


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class IdNumberErrorCode(StrEnum):
    EMPTY = "empty"
    LEGACY_15 = "legacy_15"
    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    BIRTH_DATE_FUTURE = "birth_date_future"
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early"
    CHECKSUM = "checksum"


ERROR_MESSAGES = {
    IdNumberErrorCode.EMPTY: _("Enter the resident ID number."),
    IdNumberErrorCode.LEGACY_15: _(
        "This is an old 15-digit ID number. Enter the 18-digit number on the current ID card."
    ),
    IdNumberErrorCode.LENGTH: _("A resident ID number has 18 characters; this one has %(length)d."),
    IdNumberErrorCode.NOT_DIGITS: _(
        "The first 17 characters must be digits and the last a digit or X."
    ),
    IdNumberErrorCode.REGION: _("The first two digits (%(prefix)s) are not a province code."),
    IdNumberErrorCode.BIRTH_DATE: _("Digits 7 to 14 (%(digits)s) are not a real date of birth."),
    IdNumberErrorCode.BIRTH_DATE_FUTURE: _("The date of birth in the number is in the future."),
    IdNumberErrorCode.BIRTH_DATE_TOO_EARLY: _("The date of birth in the number is before 1900."),
    IdNumberErrorCode.CHECKSUM: _(
        "The last character should be %(expected)s; please check the number for a typing error."
    ),
}


class IdNumberError(ValueError):
    def __init__(self, code: IdNumberErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return (
            str(ERROR_MESSAGES[self.code]) % self.params
            if self.params
            else str(ERROR_MESSAGES[self.code])
        )


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: Sex

    @property
    def address_code(self) -> str:
        return self.number[:6]

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def check_character(body: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalize_id_number(raw: str) -> str:
    """Full-width characters, spaces and hyphens removed; a lower-case x becomes X."""
    return _SEPARATORS.sub("", to_halfwidth(raw)).upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate a resident ID number and derive sex and birth date from it.

    Raises IdNumberError with a code and a translated message on the first problem found.
    """
    number = normalize_id_number(raw)
    if not number:
        raise IdNumberError(IdNumberErrorCode.EMPTY)
    if len(number) == 15 and number.isdigit():
        raise IdNumberError(IdNumberErrorCode.LEGACY_15)
    if len(number) != 18:
        raise IdNumberError(IdNumberErrorCode.LENGTH, length=len(number))
    body, last = number[:17], number[17]
    if not body.isdigit() or not (last.isdigit() or last == "X"):
        raise IdNumberError(IdNumberErrorCode.NOT_DIGITS)
    if body[:2] not in PROVINCE_PREFIXES:
        raise IdNumberError(IdNumberErrorCode.REGION, prefix=body[:2])
    try:
        birth_date = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise IdNumberError(IdNumberErrorCode.BIRTH_DATE, digits=body[6:14]) from None
    if birth_date > (today or timezone.localdate()):
        raise IdNumberError(IdNumberErrorCode.BIRTH_DATE_FUTURE)
    if birth_date < EARLIEST_BIRTH_DATE:
        raise IdNumberError(IdNumberErrorCode.BIRTH_DATE_TOO_EARLY)
    expected = check_character(body)
    if last != expected:
        raise IdNumberError(IdNumberErrorCode.CHECKSUM, expected=expected)
    sex = Sex.MALE if int(body[16]) % 2 == 1 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth_date, sex=sex)


def mask_id_number(number: str) -> str:
    """5110**********0011: the province/city and the last four stay readable."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def make_id_number(address_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid synthetic number (for demo data and tests only)."""
    body = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + check_character(body)
