from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from houbei.audit.chain import hashed_data, link_many, lock_head
from houbei.audit.models import AuditEvent, EventType
from houbei.lib.models import insert_model, insert_models, reserve_ids

if TYPE_CHECKING:
    from houbei.accounts.models import User
    from houbei.regions.models import Region


def audit_record(
    *,
    acting_user: User | None,
    event_type: EventType,
    target: models.Model,
    region: Region,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    extra_is_json: bool = False,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (see models.py)."""
    event = audit_event(
        acting_user=acting_user,
        event_type=event_type,
        target=target,
        region=region,
        old=old,
        new=new,
        extra=extra,
        extra_is_json=extra_is_json,
    )
    _require_transaction()
    link_many([event])
    insert_model(event)
    return event


def audit_event(
    *,
    acting_user: User | None,
    event_type: EventType,
    target: models.Model,
    region: Region,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    extra_is_json: bool = False,
) -> AuditEvent:
    """An event, not yet in the chain: ``audit_record_many`` appends a batch of them.

    Its data is hashed as it will be read back, so values JSON has no type for (dates,
    decimals, lazy translations) are first turned into what they read back as. An import's
    event lists thousands of records in plain JSON values already (str keys; str, int,
    bool, None, lists, dicts): ``extra_is_json`` skips that round trip, a third of the
    JSON work of its batch."""
    data: dict[str, Any] = dict(extra or {})
    if old is not None:
        data["old"] = dict(old)
    if new is not None:
        data["new"] = dict(new)
    if not extra_is_json or old is not None or new is not None:
        data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))  # as it is read back
    else:  # final: written out now, while an import's records are still being inserted
        data = hashed_data(data)
    return AuditEvent(
        acting_user=acting_user,
        event_type=event_type,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:200],
        region=region,
        extra_data=data,
    )


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append events in order, in one COPY or executemany (lib/models.insert_models);
    their ids are not read back (nobody needs them: an event is found by its sequence),
    unless all of them were given one from ``audit_ids``. Must run inside the caller's
    transaction."""
    _require_transaction()
    if not events:
        return
    link_many(events)
    insert_models(AuditEvent, events, with_pk=events[0].pk is not None)


def audit_ids(count: int) -> list[int]:
    """Ids for events this transaction appends later (``audit_record_many``, each given
    its id), for rows written before them that name them: an import's records, inserted
    while the events listing them are still being worked out. The chain's head is locked
    first, so no other transaction appends an event until this one ends: the ids go in the
    order of the chain."""
    _require_transaction()
    lock_head()
    return list(reserve_ids(AuditEvent, count))


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change")


def changed_values(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (old, new) pair restricted to the keys whose values differ."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}
