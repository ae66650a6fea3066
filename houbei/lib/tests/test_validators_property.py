"""Any input to the validators gives a clear rejection or a valid value — never another
exception (which would be a server error)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from houbei.lib.idnumber import IdNumberError, parse_id_number
from houbei.lib.phone import PhoneError, normalize_phone
from houbei.regions.codes import CodeError, Level, normalize_code, validate_code

# Digits (half- and full-width), X, separators, CJK and anything else.
typed = st.one_of(
    st.text(alphabet="0123456789Xx０１２３４５６７８９ -+()", max_size=24),
    st.text(max_size=24),
)


@given(typed)
@settings(max_examples=400)
def test_id_numbers_parse_or_explain(raw: str) -> None:
    try:
        resident = parse_id_number(raw)
    except IdNumberError as error:
        assert error.message
    else:
        assert len(resident.number) == 18 and resident.sex.value in {"M", "F"}


@given(typed)
@settings(max_examples=400)
def test_phones_normalise_or_explain(raw: str) -> None:
    try:
        phone = normalize_phone(raw)
    except PhoneError as error:
        assert error.message
    else:
        assert phone.replace("-", "").isdigit()


@given(typed, st.sampled_from(list(Level)))
@settings(max_examples=400)
def test_region_codes_normalise_or_explain(raw: str, level: Level) -> None:
    try:
        code = normalize_code(raw, level)
        validate_code(code, level)
    except CodeError as error:
        assert error.message
