import pytest

from houbei.lib.phone import PhoneError, PhoneErrorCode, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0832-2123456", "0832-2123456"),
        ("(0832)21234567", "0832-21234567"),
        ("０８３２－２１２３４５６", "0832-2123456"),
        ("010 6512 3456", "010-65123456"),
        ("028-85551234", "028-85551234"),
    ],
)
def test_it_normalises_mobiles_and_landlines(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", PhoneErrorCode.EMPTY),
        ("   ", PhoneErrorCode.EMPTY),
        ("12812345678", PhoneErrorCode.MOBILE),
        ("1381234567", PhoneErrorCode.MOBILE),
        ("138123456789", PhoneErrorCode.MOBILE),
        ("2123456", PhoneErrorCode.AREA_CODE),
        ("0832-123", PhoneErrorCode.FORMAT),
        ("0832-0123456", PhoneErrorCode.FORMAT),
        ("138abc45678", PhoneErrorCode.CHARACTERS),
        ("123", PhoneErrorCode.MOBILE),
        ("99", PhoneErrorCode.FORMAT),
    ],
)
def test_it_refuses_what_is_not_a_phone_number(raw, code):
    with pytest.raises(PhoneError) as raised:
        normalize_phone(raw)
    assert raised.value.code == code
    assert raised.value.message


def test_it_masks_the_middle_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0832-2123456") == "0832-***3456"
