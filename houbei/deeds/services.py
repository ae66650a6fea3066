"""Deeds (事迹) and their evidence. Recorded by those who keep the frontline of the person's
village; a deed counts in the person's indicators by its commendation level."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.conflicts import refuse_stale_edit
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.campaigns.models import Campaign
from houbei.deeds.models import CommendationLevel, Deed, DeedEvidence
from houbei.duty import indicators
from houbei.lib.evidence import EvidenceError, check_evidence
from houbei.people.models import Person

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from houbei.accounts.models import User

MAX_EVIDENCE_FILES = 10


def _require(acting_user: User | None, person: Person) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        person.village, Capability.DEED_EDIT
    ):
        raise PermissionDenied


def deed_snapshot(deed: Deed) -> dict[str, Any]:
    return {
        "date": deed.date.isoformat(),
        "title": deed.title,
        "narrative": deed.narrative,
        "level": deed.level,
        "campaign": deed.campaign.name if deed.campaign else None,
    }


def _check(deed: Deed) -> None:
    errors: dict[str, list[str]] = {}
    if not deed.title.strip():
        errors.setdefault("title", []).append(_("Give the deed a short title."))
    if not deed.narrative.strip():
        errors.setdefault("narrative", []).append(_("Say what the person did."))
    if deed.date > timezone.localdate():
        errors.setdefault("date", []).append(_("A deed cannot be dated in the future."))
    if deed.level not in CommendationLevel.values:
        errors.setdefault("level", []).append(_("Choose a commendation level from the list."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def deed_create(
    *,
    acting_user: User | None,
    person: Person,
    date: dt.date,
    title: str,
    narrative: str,
    level: str = CommendationLevel.NONE,
    campaign: Campaign | None = None,
    files: list[UploadedFile] | None = None,
) -> Deed:
    _require(acting_user, person)
    Person.objects.select_for_update().get(pk=person.pk)
    deed = Deed(
        person=person,
        date=date,
        title=title.strip(),
        narrative=narrative.strip(),
        level=level,
        campaign=campaign,
        recorded_by=acting_user,
    )
    _check(deed)
    deed.save()
    for upload in files or []:
        _add_evidence(deed, upload)
    indicators.apply_change(
        None, indicators.deed_contribution(person.pk, deed.campaign_id, deed.level)
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.DEED_RECORDED,
        target=deed,
        region=person.village,
        new={**deed_snapshot(deed), "person": person.name, "evidence": deed.evidence.count()},
    )
    return deed


@transaction.atomic
def deed_update(
    *,
    acting_user: User | None,
    deed: Deed,
    date: dt.date,
    title: str,
    narrative: str,
    level: str,
    campaign: Campaign | None,
    seen_event: int | None = None,
) -> Deed:
    _require(acting_user, deed.person)
    Person.objects.select_for_update().get(pk=deed.person_id)
    deed = (
        Deed.objects.select_for_update(of=("self",))
        .select_related("campaign", "person")
        .get(pk=deed.pk)
    )
    refuse_stale_edit(deed, seen_event, EventType.DEED_UPDATED)
    before = deed_snapshot(deed)
    contribution_before = indicators.deed_contribution(deed.person_id, deed.campaign_id, deed.level)
    deed.date, deed.title, deed.narrative, deed.level, deed.campaign = (
        date,
        title.strip(),
        narrative.strip(),
        level,
        campaign,
    )
    _check(deed)
    old, new = changed_values(before, deed_snapshot(deed))
    if not new:
        return deed
    deed.save()
    indicators.apply_change(
        contribution_before,
        indicators.deed_contribution(deed.person_id, deed.campaign_id, deed.level),
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.DEED_UPDATED,
        target=deed,
        region=deed.person.village,
        old=old,
        new=new,
    )
    return deed


def _add_evidence(deed: Deed, upload: UploadedFile) -> DeedEvidence:
    if deed.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"files": _("A deed keeps at most %(n)d files.") % {"n": MAX_EVIDENCE_FILES}}
        )
    try:
        checked = check_evidence(upload)
    except EvidenceError as error:
        raise ValidationError({"files": error.message}) from error
    evidence = DeedEvidence(
        deed=deed,
        original_name=(upload.name or "file")[:120],
        content_type=checked.content_type,
        size=len(checked.data),
    )
    evidence.file.save(checked.suggested_name, ContentFile(checked.data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def deed_add_evidence(
    *, acting_user: User | None, deed: Deed, files: list[UploadedFile]
) -> list[DeedEvidence]:
    _require(acting_user, deed.person)
    added = [_add_evidence(deed, upload) for upload in files]
    audit_record(
        acting_user=acting_user,
        event_type=EventType.DEED_EVIDENCE_ADDED,
        target=deed,
        region=deed.person.village,
        new={"files": [item.original_name for item in added]},
    )
    return added


@transaction.atomic
def deed_remove_evidence(*, acting_user: User | None, evidence: DeedEvidence) -> None:
    deed = evidence.deed
    _require(acting_user, deed.person)
    name, storage, stored = evidence.original_name, evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit_record(
        acting_user=acting_user,
        event_type=EventType.DEED_EVIDENCE_REMOVED,
        target=deed,
        region=deed.person.village,
        old={"files": [name]},
    )
