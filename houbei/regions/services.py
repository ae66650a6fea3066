"""Writes to the region tree. Each function validates, writes, and records the audit event
in one transaction. Codes and levels never change after creation: the code's prefix is the
path every scope check uses (see codes.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houbei.audit.conflicts import refuse_stale_edit
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.regions.codes import CodeError, Level, validate_code
from houbei.regions.models import Region, RegionKind

if TYPE_CHECKING:
    from houbei.accounts.models import User


def region_snapshot(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "parent": region.parent.code if region.parent else None,
        "urban_rural_class": region.urban_rural_class,
        "valid_from": region.valid_from.isoformat() if region.valid_from else None,
        "valid_to": region.valid_to.isoformat() if region.valid_to else None,
        "merged_into": region.merged_into.code if region.merged_into else None,
        "is_demo": region.is_demo,
    }


def _check_code(code: str, level: Level, parent: Region | None) -> None:
    try:
        validate_code(code, level, (parent.code, Level(parent.level)) if parent else None)
    except CodeError as error:
        raise ValidationError({"code": error.message}, code=error.code) from error


def _check_validity(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_from > valid_to:
        raise ValidationError(
            {"valid_to": _("The end date cannot be before the start date.")}, code="dates"
        )


@transaction.atomic
def region_create(
    *,
    acting_user: User | None,
    code: str,
    name: str,
    level: Level,
    parent: Region | None,
    kind: str = "",
    urban_rural_class: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    is_demo: bool = False,
) -> Region:
    _check_code(code, level, parent)
    _check_validity(valid_from, valid_to)
    if Region.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A region with this code already exists.")}, code="taken")
    region = Region(
        code=code,
        name=name.strip(),
        level=level,
        parent=parent,
        kind=kind,
        urban_rural_class=urban_rural_class,
        valid_from=valid_from,
        valid_to=valid_to,
        is_demo=is_demo,
    )
    region.full_clean()
    region.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.REGION_CREATED,
        target=region,
        region=region,
        new=region_snapshot(region),
    )
    return region


REGION_EDITABLE_FIELDS = ("name", "kind", "urban_rural_class", "valid_from", "valid_to", "is_demo")


@transaction.atomic
def region_update(
    *, acting_user: User | None, region: Region, seen_event: int | None = None, **changes: Any
) -> Region:
    """Change a region's name, kind, class or validity. Code, level and parent are fixed."""
    unknown = set(changes) - set(REGION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"region_update cannot change {sorted(unknown)}")
    region = Region.objects.select_for_update().get(pk=region.pk)
    refuse_stale_edit(region, seen_event, EventType.REGION_UPDATED)
    before = region_snapshot(region)
    for field, value in changes.items():
        setattr(region, field, value.strip() if isinstance(value, str) else value)
    _check_validity(region.valid_from, region.valid_to)
    if region.merged_into_id and region.valid_to is None:
        raise ValidationError(
            {"valid_to": _("A merged region keeps the date its validity ended.")}, code="merged"
        )
    region.full_clean()
    old, new = changed_values(before, region_snapshot(region))
    if not new:
        return region
    region.save(update_fields=[*changes.keys(), "updated_at"])
    audit_record(
        acting_user=acting_user,
        event_type=EventType.REGION_UPDATED,
        target=region,
        region=region,
        old=old,
        new=new,
    )
    return region


@transaction.atomic
def region_merge(*, acting_user: User | None, region: Region, into: Region, on: dt.date) -> Region:
    """Merge ``region`` into ``into`` (村级建制调整): ``region`` stays in the tree, valid until
    ``on``; its records stay where they are and are reachable by whoever covers ``into``."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if region.pk == into.pk:
        raise ValidationError(_("A region cannot be merged into itself."), code="self")
    if region.level != into.level:
        raise ValidationError(_("Only regions of the same level can be merged."), code="level")
    if region.merged_into_id:
        raise ValidationError(
            _("%(name)s has already been merged into %(target)s.")
            % {"name": region.name, "target": region.merged_into},
            code="merged",
        )
    if into.merged_into_id or not into.is_current(on):
        raise ValidationError(
            _("%(name)s is no longer valid on that date.") % {"name": into.name}, code="target"
        )
    if region.valid_from and on < region.valid_from:
        raise ValidationError(
            _("The merge date is before the region came into being."), code="dates"
        )
    before = region_snapshot(region)
    region.valid_to = on
    region.merged_into = into
    region.save(update_fields=["valid_to", "merged_into", "updated_at"])
    old, new = changed_values(before, region_snapshot(region))
    audit_record(
        acting_user=acting_user,
        event_type=EventType.REGION_MERGED,
        target=region,
        region=region,
        old=old,
        new=new,
    )
    return region


def default_kind(code: str, level: Level) -> str:
    """The kind the code's digits suggest (NBS: town 0xx 街道, 1xx 镇, 2xx-3xx 乡; village
    0xx-1xx 居委会/社区, 2xx-3xx 村委会)."""
    if level == Level.TOWN:
        digit = code[6]
        return {"0": RegionKind.SUBDISTRICT, "1": RegionKind.TOWN}.get(digit, RegionKind.TOWNSHIP)
    if level == Level.VILLAGE:
        return RegionKind.COMMUNITY if code[9] in "01" else RegionKind.VILLAGE
    if level == Level.GROUP:
        return RegionKind.GROUP
    if level == Level.PROVINCE:
        return RegionKind.PROVINCE
    if level == Level.CITY:
        return RegionKind.CITY
    return RegionKind.DISTRICT
