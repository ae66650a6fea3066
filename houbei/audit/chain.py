"""The hash chain of the audit trail (see models.py): what is hashed, appending, verifying."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection

from houbei.audit.models import AuditChainHead, AuditEvent, HashedData
from houbei.lib.models import for_update

GENESIS = "0" * 64


def _key() -> bytes:
    # A key of its own, derived from the lookup key: whoever can edit the database but does
    # not hold the application's keys cannot forge a consistent chain.
    return _derived_key(str(settings.HOUBEI_LOOKUP_KEY))


@lru_cache(maxsize=4)
def _derived_key(lookup_key: str) -> bytes:
    return hmac.new(lookup_key.encode(), b"houbei audit chain v1", hashlib.sha256).digest()


def canonical(event: AuditEvent) -> bytes:
    """The event's content as its hash covers it: one JSON object, keys sorted, written
    compactly. Its data (first of the sorted keys) is written out once when the event is
    linked and kept with it (``HashedData``): the same text is then stored."""
    data = event.extra_data
    content = _canonical_json(
        {
            "sequence": event.sequence,
            "time": event.event_time.isoformat(timespec="microseconds"),
            "user": event.acting_user_id,
            "type": event.event_type,
            "target_type": event.target_type_id,
            "target_id": event.target_id,
            "target_label": event.target_label,
            "region": event.region_id,
        }
    )
    text = data.text if type(data) is HashedData else _canonical_json(data)
    return f'{{"data":{text},{content[1:]}'.encode()


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def hashed_data(data: dict[str, object]) -> HashedData:
    """An event's data with its text as the hash covers it and as it is stored."""
    return HashedData(data, _canonical_json(data))


def entry_hash(event: AuditEvent, prev_hash: str) -> str:
    return hmac.new(_key(), prev_hash.encode() + canonical(event), hashlib.sha256).hexdigest()


def link(event: AuditEvent) -> None:
    """Give a new (unsaved) event its place in the chain. Call inside the transaction that
    saves it: the head row stays locked until that transaction ends."""
    link_many([event])


def link_many(events: list[AuditEvent]) -> None:
    """Give new (unsaved) events consecutive places in the chain, the head locked and
    written once (a bulk import's thousand events)."""
    if not events:
        return
    sequence, last_hash = _locked_head()
    for event in events:
        if isinstance(event.extra_data, dict) and type(event.extra_data) is not HashedData:
            event.extra_data = hashed_data(event.extra_data)
        event.sequence = sequence = sequence + 1
        event.prev_hash = last_hash
        event.entry_hash = last_hash = entry_hash(event, event.prev_hash)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_HEAD} SET sequence = %s, last_hash = %s WHERE id = 1",  # noqa: S608
            [sequence, last_hash],
        )


# The head's two statements, run for every change anyone makes, are written out: compiling
# them through the ORM took longer than running them.
_HEAD = connection.ops.quote_name(AuditChainHead._meta.db_table)


def lock_head() -> None:
    """Lock the head until the transaction ends: nobody else can append an event meanwhile."""
    _locked_head()


def _locked_head() -> tuple[int, str]:
    """The head's number and hash, its row locked until the transaction ends; made on the
    first event ever."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, last_hash FROM {_HEAD} WHERE id = 1{for_update()}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        return head.sequence, head.last_hash
    return int(row[0]), str(row[1])


@dataclass(frozen=True)
class Break:
    sequence: int
    problem: str  # "changed", "missing", "unexpected", "head"

    def __str__(self) -> str:
        return f"event {self.sequence}: {self.problem}"


def verify(chunk: int = 2000) -> Iterator[Break]:
    """Every break of the chain, in order: an event whose content no longer matches its hash
    (changed), a number skipped (missing), a hash that does not follow its predecessor
    (unexpected: inserted or reordered), and a head that does not match the last event."""
    expected_sequence, previous = 1, GENESIS
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk):
        if event.sequence is None:
            yield Break(0, "unexpected")
            continue
        while expected_sequence < event.sequence:
            yield Break(expected_sequence, "missing")
            expected_sequence += 1
        if event.prev_hash != previous:
            yield Break(event.sequence, "unexpected")
        if entry_hash(event, event.prev_hash) != event.entry_hash:
            yield Break(event.sequence, "changed")
        previous, expected_sequence = event.entry_hash, event.sequence + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.last_hash) != (expected_sequence - 1, previous):
        yield Break(head.sequence, "head")
