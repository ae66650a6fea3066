"""Rotating the key of the encrypted personal fields (ID and phone numbers, PIPL).

Every model that lists ``ENCRYPTED_FIELDS`` takes part. The first key of
``HOUBEI_FIELD_KEYS`` encrypts, all of them decrypt (lib/crypto.py), so rotation is: put a
new key first, run ``reencrypt_all`` (``houbei keys rotate``), check with ``key_census``
(``houbei keys status``) that nothing is left under the old key, then drop it.

``reencrypt_all`` works in batches, each in its own transaction with its rows locked: an edit
made meanwhile is never overwritten with the old value, and a run stopped half-way loses
nothing (run it again: values already under the newest key are skipped). The plain values do
not change, so records keep their versions and timestamps; one audit event records the run.
The lookup key (``HOUBEI_LOOKUP_KEY``) is not rotated: the digests and the audit chain's key
derive from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction

from houbei.accounts.models import User
from houbei.audit.models import EventType
from houbei.audit.services import audit_record
from houbei.lib import crypto
from houbei.regions.models import Region


@dataclass
class FieldCensus:
    """How the values of one encrypted column are encrypted."""

    model: str
    column: str
    by_key: Counter[int] = field(default_factory=Counter)  # key position → values
    unreadable: int = 0  # no configured key decrypts these: a key is missing

    @property
    def outdated(self) -> int:
        return sum(count for index, count in self.by_key.items() if index > 0)


@dataclass
class Rotation:
    rewritten: Counter[str] = field(default_factory=Counter)  # model label → rows rewritten
    unreadable: int = 0


def encrypted_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if getattr(model, "ENCRYPTED_FIELDS", ())]


def key_census() -> list[FieldCensus]:
    census = []
    for model in encrypted_models():
        for name in model.ENCRYPTED_FIELDS:  # type: ignore[attr-defined]
            counted = FieldCensus(model._meta.label, name)
            values = model._base_manager.exclude(**{name: ""}).values_list(name, flat=True)
            for value in values.iterator(chunk_size=2000):
                index = crypto.key_index(value)
                if index is None:
                    counted.unreadable += 1
                else:
                    counted.by_key[index] += 1
            census.append(counted)
    return census


def reencrypt_all(
    *,
    acting_user: User | None,
    batch_size: int = 500,
    progress: Callable[[str, int, int], Any] | None = None,
) -> Rotation:
    """Re-encrypt every value that is not under the newest key (see the module's docstring)."""
    rotation = Rotation()
    for model in encrypted_models():
        fields: tuple[str, ...] = model.ENCRYPTED_FIELDS  # type: ignore[attr-defined]
        keys = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(keys), batch_size):
            chunk = keys[start : start + batch_size]
            with transaction.atomic():
                rows = list(
                    model._base_manager.select_for_update().filter(pk__in=chunk).only("pk", *fields)
                )
                changed = [row for row in rows if _reencrypt_row(row, fields, rotation)]
                model._base_manager.bulk_update(changed, fields)
            rotation.rewritten[model._meta.label] += len(changed)
            if progress:
                progress(model._meta.label, start + len(chunk), len(keys))
    if sum(rotation.rewritten.values()):
        _audit(acting_user, rotation)
    return rotation


def _reencrypt_row(row: models.Model, fields: tuple[str, ...], rotation: Rotation) -> bool:
    changed = False
    for name in fields:
        value = getattr(row, name)
        if not value or crypto.key_index(value) == 0:
            continue
        try:
            setattr(row, name, crypto.reencrypt(value))
        except crypto.DecryptionError:
            rotation.unreadable += 1  # left as it is: the key that reads it is not configured
            continue
        changed = True
    return changed


def _audit(acting_user: User | None, rotation: Rotation) -> None:
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:  # people without regions cannot exist; nothing to attach the event to
        return
    with transaction.atomic():
        audit_record(
            acting_user=acting_user,
            event_type=EventType.FIELD_KEYS_ROTATED,
            target=root,
            region=root,
            extra={"rewritten": dict(rotation.rewritten), "unreadable": rotation.unreadable},
        )
