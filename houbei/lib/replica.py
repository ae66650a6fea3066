"""Reads of reports from a PostgreSQL read replica, when the production profile has one.

With ``HOUBEI_REPLICA_DATABASE_URL`` set, the settings add a ``replica`` database and this
router. Only code inside ``replica_reads()`` (the report pages: dashboard, the list behind a
number, the dashboard workbook) reads from it; everything else, and every write anywhere,
goes to the primary. A report may so lag the primary by the replica's delay (seconds): an
admin who has just verified a shift sees it on the person's page at once, on the dashboard
after the replica has caught up. Without a replica the router changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("houbei_replica_reads", default=False)
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose queries may all be served by the replica (it writes nothing)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading_replica.get() and REPLICA in connections.settings:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS  # never the replica, even for an instance read from it

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
