"""Recording Party-development steps. Every entry is checked against party/rules.py and
refused with the rule it breaks; admission and full membership update the person's
political status in the registry in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.party.models import PartyTrack
from houbei.party.rules import PHASE, STEP_FIELDS, Step, check_step, is_recorded, may_enter
from houbei.people.choices import PoliticalStatus
from houbei.people.models import Person
from houbei.people.services import person_set_political_status

if TYPE_CHECKING:
    from houbei.accounts.models import User

ALREADY_MEMBERS = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)
# The registry follows these steps.
STATUS_AFTER: dict[Step, str] = {
    Step.ADMIT: PoliticalStatus.CPC_PROBATIONARY,
    Step.FULL_MEMBER: PoliticalStatus.CPC_MEMBER,
}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _step_values(track: PartyTrack, step: Step) -> dict[str, Any]:
    return {name: _plain(getattr(track, name)) for name in STEP_FIELDS[step]}


def why_not(track: PartyTrack | None, step: Step) -> str:
    later = [other for other in Step if PHASE[other] > PHASE[step] and is_recorded(track, other)]
    if later:
        return _("%(later)s is recorded already: this step can no longer be changed.") % {
            "later": later[-1].label
        }
    needed = next(
        other for other in Step if PHASE[other] < PHASE[step] and not is_recorded(track, other)
    )
    return _("Record “%(step)s” first.") % {"step": needed.label}


@transaction.atomic
def party_step_record(
    *,
    acting_user: User | None,
    person: Person,
    step: Step,
    values: Mapping[str, Any],
    expected_version: int | None = None,
) -> PartyTrack:
    """Enter (or correct, while nothing later is recorded) one step of ``person``'s track."""
    if acting_user is not None and not Scope.for_user(acting_user).covers(
        person.village, Capability.PARTY_TRACK
    ):
        raise PermissionDenied
    locked_person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    track = PartyTrack.objects.select_for_update().filter(person=person).first()
    if track is None:
        if step != Step.APPLY:
            raise ValidationError(_("Record the application first."))
        if locked_person.political_status in ALREADY_MEMBERS:
            raise ValidationError(
                _("%(name)s is already a Party member (%(status)s).")
                % {"name": person.name, "status": locked_person.get_political_status_display()}
            )
        track = PartyTrack(person=person, version=0)
    elif expected_version is not None and track.version != expected_version:
        raise ValidationError(
            _(
                "Someone else recorded a step of this track meanwhile. "
                "Look at it again and re-enter."
            )
        )
    if not may_enter(track if track.pk else None, step):
        raise ValidationError(why_not(track, step))
    correcting = is_recorded(track if track.pk else None, step)
    before = _step_values(track, step) if track.pk else {}
    for name in STEP_FIELDS[step]:
        if name in values:
            value = values[name]
            setattr(track, name, value.strip() if isinstance(value, str) else value)
    problems = check_step(
        track, step, birth_date=locked_person.birth_date, today=timezone.localdate()
    )
    if problems:
        raise ValidationError(problems.by_field)
    old, new = changed_values(before, _step_values(track, step))
    if not new:
        return track
    track.version += 1
    track.updated_by = acting_user
    track.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.PARTY_STEP_CORRECTED if correcting else EventType.PARTY_STEP_RECORDED,
        target=track,
        region=person.village,
        old=old if correcting else None,
        new={"step": step.value, **new},
    )
    if step in STATUS_AFTER:
        person_set_political_status(
            acting_user=acting_user, person=person, status=STATUS_AFTER[step]
        )
    return track
