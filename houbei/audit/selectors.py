from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    event_type: int | None = None
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    record: str = ""


def audit_list(*, scope: Scope, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = scope.filter(
        AuditEvent.objects.select_related("acting_user", "region", "target_type"),
        Capability.AUDIT_VIEW,
        code_field="region__code",
    )
    if filters.event_type:
        events = events.filter(event_type=filters.event_type)
    if filters.actor:
        events = events.filter(acting_user__username__icontains=filters.actor)
    if filters.date_from:
        events = events.filter(event_time__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(event_time__date__lte=filters.date_to)
    if filters.record:
        events = events.filter(target_label__icontains=filters.record)
    return events.order_by("-event_time", "-id")


def audit_get(*, scope: Scope, pk: int) -> AuditEvent:
    return scope.get_visible(
        AuditEvent.objects.select_related("acting_user", "region", "target_type"),
        Capability.AUDIT_VIEW,
        code_field="region__code",
        pk=pk,
    )


def audit_for_record(
    *, record: models.Model, listed_in: Iterable[int | None] = ()
) -> QuerySet[AuditEvent]:
    """A record's own history, wherever it happened (a person's history moves with them),
    and the events ``listed_in`` that list it among others (an imported duty record's
    import, the verification of many that verified it). The caller has already checked
    that the user may see ``record``."""
    content_type = ContentType.objects.get_for_model(record)
    own = Q(target_type=content_type, target_id=str(record.pk))
    listing = [pk for pk in listed_in if pk is not None]
    return (
        AuditEvent.objects.filter(own | Q(pk__in=listing) if listing else own)
        .select_related("acting_user", "region")
        .order_by("-event_time", "-id")
    )


def data_version() -> int:
    """The number of the newest audit event. Every change a service makes writes one in its
    own transaction, so anything computed from the data stays right while this is unchanged
    (reports/views caches the dashboard on it)."""
    return AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
