import pytest

from houbei.regions.codes import (
    CodeError,
    CodeErrorCode,
    Level,
    code_prefix,
    normalize_code,
    short_code,
    validate_code,
)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("510000000000", Level.PROVINCE),
        ("511000000000", Level.CITY),
        ("511002000000", Level.DISTRICT),
        ("511002102000", Level.TOWN),
        ("511002102220", Level.VILLAGE),
        ("511002102220009", Level.GROUP),
        ("441900101000", Level.TOWN),  # 东莞: towns directly under a city without districts
    ],
)
def test_well_formed_codes_pass(code, level):
    validate_code(code, level)


@pytest.mark.parametrize(
    ("code", "level", "error"),
    [
        ("51100210222", Level.VILLAGE, CodeErrorCode.LENGTH),
        ("5110021022200", Level.VILLAGE, CodeErrorCode.LENGTH),
        ("51100210222A", Level.VILLAGE, CodeErrorCode.DIGITS),
        ("511002102000", Level.VILLAGE, CodeErrorCode.LEVEL_SEGMENT_ZERO),
        ("511002000000", Level.TOWN, CodeErrorCode.LEVEL_SEGMENT_ZERO),
        ("511002102220", Level.TOWN, CodeErrorCode.TRAILING_NOT_ZERO),
        ("511002102220000", Level.GROUP, CodeErrorCode.LEVEL_SEGMENT_ZERO),
    ],
)
def test_malformed_codes_fail_with_a_reason(code, level, error):
    with pytest.raises(CodeError) as raised:
        validate_code(code, level)
    assert raised.value.code == error
    assert raised.value.message


def test_a_village_code_starts_with_its_towns_nine_digits():
    validate_code("511002102220", Level.VILLAGE, ("511002102000", Level.TOWN))
    with pytest.raises(CodeError) as raised:
        validate_code("511002104220", Level.VILLAGE, ("511002102000", Level.TOWN))
    assert raised.value.code == CodeErrorCode.PARENT_PREFIX
    assert "511002102" in raised.value.message


def test_the_parent_must_be_above():
    with pytest.raises(CodeError) as raised:
        validate_code("511002102220", Level.VILLAGE, ("511002102221", Level.VILLAGE))
    assert raised.value.code == CodeErrorCode.PARENT_LEVEL


def test_short_official_codes_are_padded_and_shown_short():
    assert normalize_code("5110", Level.CITY) == "511000000000"
    assert normalize_code("511002", Level.DISTRICT) == "511002000000"
    assert normalize_code("５１１００２１０２", Level.TOWN) == "511002102000"
    assert short_code("511000000000", Level.CITY) == "5110"
    assert code_prefix("511002102220", Level.VILLAGE) == "511002102220"
    with pytest.raises(CodeError):
        normalize_code("51-10", Level.CITY)
