"""Encryption at rest for personal identifiers (PIPL: resident ID and phone numbers).

Values are encrypted with MultiFernet (AES-128-CBC + HMAC-SHA256): the first key of
``HOUBEI_FIELD_KEYS`` encrypts, every key decrypts, so keys can be rotated. Equality lookups
and uniqueness use a keyed HMAC-SHA256 digest (``HOUBEI_LOOKUP_KEY``), which reveals nothing
about the value without the key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=1)
def _fernets() -> tuple[Fernet, ...]:
    """One Fernet per key of ``HOUBEI_FIELD_KEYS``, newest first."""
    keys = list(settings.HOUBEI_FIELD_KEYS)
    if not keys:
        raise ImproperlyConfigured("HOUBEI_FIELD_KEYS is empty: no key to encrypt personal data.")
    try:
        return tuple(Fernet(key) for key in keys)
    except ValueError as error:
        raise ImproperlyConfigured(
            "Every key in HOUBEI_FIELD_KEYS must be a Fernet key (32 url-safe base64 bytes)."
        ) from error


@lru_cache(maxsize=1)
def _cipher() -> MultiFernet:
    return MultiFernet(list(_fernets()))


@lru_cache(maxsize=1)
def _lookup_key() -> bytes:
    key = str(settings.HOUBEI_LOOKUP_KEY)
    if len(key) < 16:
        raise ImproperlyConfigured("HOUBEI_LOOKUP_KEY must hold at least 16 characters.")
    return key.encode("utf-8")


@receiver(setting_changed)
def _reset_caches(*, setting: str, **kwargs: object) -> None:
    if setting in {"HOUBEI_FIELD_KEYS", "HOUBEI_LOOKUP_KEY"}:
        _fernets.cache_clear()
        _cipher.cache_clear()
        _lookup_key.cache_clear()


def encrypt(value: str) -> str:
    return _cipher().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise DecryptionError("no configured field key decrypts this value") from error


def lookup_digest(value: str, *, purpose: str) -> str:
    """A keyed digest for equality lookups; ``purpose`` keeps ID and phone digests apart."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(_lookup_key(), message, hashlib.sha256).hexdigest()


def reencrypt(token: str) -> str:
    """The same value encrypted with the first (newest) key; raises DecryptionError when no
    configured key reads it."""
    try:
        return _cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise DecryptionError("no configured field key decrypts this value") from error


def key_index(token: str) -> int | None:
    """Which key of ``HOUBEI_FIELD_KEYS`` encrypted ``token`` (0 is the newest); None when
    none does."""
    for index, fernet in enumerate(_fernets()):
        try:
            fernet.decrypt(token.encode("ascii"))
        except InvalidToken:
            continue
        return index
    return None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
