"""Sign-in lockout: after ``HOUBEI_SIGNIN_MAX_FAILURES`` wrong passwords for one username
within ``HOUBEI_SIGNIN_LOCKOUT_MINUTES`` (or ten times as many from one address), further
attempts are refused — even with the right password — until the window has passed. The same
message is given whether the username exists or not."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from houbei.accounts.models import FailedSignIn
from houbei.lib.http import client_address


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.HOUBEI_SIGNIN_LOCKOUT_MINUTES)


def is_locked_out(username: str, request: HttpRequest | None) -> bool:
    recent = FailedSignIn.objects.filter(at__gte=_window_start())
    limit = settings.HOUBEI_SIGNIN_MAX_FAILURES
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    address = client_address(request)
    return address is not None and recent.filter(ip_address=address).count() >= limit * 10


def record_failure(username: str, request: HttpRequest | None) -> None:
    FailedSignIn.objects.create(username=username.lower()[:150], ip_address=client_address(request))
    # Old rows are of no use: keep the table small.
    FailedSignIn.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def clear_failures(username: str) -> None:
    FailedSignIn.objects.filter(username=username.lower()).delete()
