import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from houbei.lib import crypto


def test_round_trip_and_ciphertext_hides_the_value():
    token = crypto.encrypt("511002199001010011")
    assert "511002" not in token
    assert crypto.decrypt(token) == "511002199001010011"
    assert crypto.encrypt("511002199001010011") != token  # random IV each time


def test_digest_is_stable_keyed_and_purpose_bound():
    first = crypto.lookup_digest("13812345678", purpose="phone")
    assert first == crypto.lookup_digest("13812345678", purpose="phone")
    assert first != crypto.lookup_digest("13812345678", purpose="id_number")
    with override_settings(HOUBEI_LOOKUP_KEY="another-lookup-key-0123456789"):
        assert crypto.lookup_digest("13812345678", purpose="phone") != first


def test_old_keys_still_decrypt_after_rotation(settings):
    old_token = crypto.encrypt("13812345678")
    new_key = Fernet.generate_key().decode()
    with override_settings(HOUBEI_FIELD_KEYS=[new_key, *settings.HOUBEI_FIELD_KEYS]):
        assert crypto.decrypt(old_token) == "13812345678"
        new_token = crypto.encrypt("13812345678")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(new_token)  # the old configuration does not know the new key


def test_missing_or_bad_keys_are_refused_clearly():
    with override_settings(HOUBEI_FIELD_KEYS=[]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
    with override_settings(HOUBEI_FIELD_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
    with override_settings(HOUBEI_LOOKUP_KEY="short"), pytest.raises(ImproperlyConfigured):
        crypto.lookup_digest("x", purpose="p")
