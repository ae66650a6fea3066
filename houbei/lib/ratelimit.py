"""A fixed-window rate limit on the cache, for public pages (volunteer sign-up)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from houbei.lib.http import client_address


def client_key(request: HttpRequest) -> str:
    """The client address, hashed: the limit needs a key, the cache needs no personal data."""
    address = client_address(request) or ""
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def hit(scope: str, request: HttpRequest, *, limit: int, window_seconds: int) -> bool:
    """Count one request; False once the client has made ``limit`` in the current window."""
    window = int(timezone.now().timestamp()) // window_seconds
    key = f"ratelimit:{scope}:{client_key(request)}:{window}"
    added = cache.add(key, 1, timeout=window_seconds)
    count = 1 if added else cache.incr(key)
    return count <= limit
