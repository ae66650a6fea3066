"""Teams, their members, and volunteer sign-up through a public link.

The public side (``application_submit``) has no acting user: it validates like the
registry, stores identifiers encrypted, and never tells the applicant anything about other
people (a repeated application by the same ID number updates the pending one). A secretary
accepts or declines; accepting adds the person to the registry (or finds them, one person
per ID number) and to the team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.conflicts import refuse_stale_edit
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.lib import crypto
from houbei.lib.idnumber import IdNumberError, parse_id_number
from houbei.lib.names import clean_name
from houbei.lib.phone import PhoneError, mask_phone, normalize_phone
from houbei.people.models import BackgroundCategory, Person
from houbei.people.services import ID_PURPOSE, PersonInput, person_register
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.teams.models import (
    ApplicationStatus,
    SignupLink,
    Team,
    TeamKind,
    TeamMembership,
    VolunteerApplication,
)

if TYPE_CHECKING:
    from houbei.accounts.models import User


def _require(
    acting_user: User | None, region: Region, capability: Capability = Capability.TEAM_MANAGE
) -> None:
    if acting_user is not None and not Scope.for_user(acting_user).covers(region, capability):
        raise PermissionDenied


def team_snapshot(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "kind": team.kind.code,
        "region": team.region.code,
        "leader": team.leader.name if team.leader else None,
        "campaigns": sorted(c.name for c in team.campaigns.all()) if team.pk else [],
    }


def _check_leader(team: Team) -> None:
    if team.leader is not None and not team.leader.village.code.startswith(team.region.prefix):
        raise ValidationError({"leader": _("The team leader must live in the team's region.")})


@transaction.atomic
def team_create(
    *,
    acting_user: User | None,
    name: str,
    kind: TeamKind,
    region: Region,
    leader: Person | None = None,
    campaigns: list[Any] | None = None,
) -> Team:
    _require(acting_user, region)
    if region.level not in (Level.TOWN, Level.VILLAGE):
        raise ValidationError({"region": _("A team belongs to a village or a town.")})
    team = Team(name=name.strip(), kind=kind, region=region, leader=leader, created_by=acting_user)
    team.full_clean()
    _check_leader(team)
    team.save()
    team.campaigns.set(campaigns or [])
    if leader is not None:
        TeamMembership.objects.get_or_create(
            team=team,
            person=leader,
            defaults={"joined_on": timezone.localdate(), "added_by": acting_user},
        )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.TEAM_CREATED,
        target=team,
        region=region,
        new=team_snapshot(team),
    )
    return team


@transaction.atomic
def team_update(
    *,
    acting_user: User | None,
    team: Team,
    name: str,
    kind: TeamKind,
    leader: Person | None,
    campaigns: list[Any],
    seen_event: int | None = None,
) -> Team:
    _require(acting_user, team.region)
    team = Team.objects.select_for_update().get(pk=team.pk)
    refuse_stale_edit(team, seen_event, EventType.TEAM_UPDATED)
    before = team_snapshot(team)
    team.name, team.kind, team.leader = name.strip(), kind, leader
    team.full_clean()
    _check_leader(team)
    team.save()
    team.campaigns.set(campaigns)
    if leader is not None:
        TeamMembership.objects.get_or_create(
            team=team,
            person=leader,
            defaults={"joined_on": timezone.localdate(), "added_by": acting_user},
        )
    old, new = changed_values(before, team_snapshot(team))
    if new:
        audit_record(
            acting_user=acting_user,
            event_type=EventType.TEAM_UPDATED,
            target=team,
            region=team.region,
            old=old,
            new=new,
        )
    return team


@transaction.atomic
def team_add_member(
    *, acting_user: User | None, team: Team, person: Person, joined_on: dt.date | None = None
) -> TeamMembership:
    _require(acting_user, team.region)
    if not person.village.code.startswith(team.region.prefix):
        raise ValidationError(
            _("%(name)s does not live in the team's region.") % {"name": person.name}
        )
    membership, created = TeamMembership.objects.get_or_create(
        team=team,
        person=person,
        defaults={"joined_on": joined_on or timezone.localdate(), "added_by": acting_user},
    )
    if not created:
        raise ValidationError(_("%(name)s is already a member.") % {"name": person.name})
    audit_record(
        acting_user=acting_user,
        event_type=EventType.TEAM_MEMBER_ADDED,
        target=team,
        region=team.region,
        new={"member": person.name},
    )
    return membership


@transaction.atomic
def team_remove_member(*, acting_user: User | None, membership: TeamMembership) -> None:
    team = membership.team
    _require(acting_user, team.region)
    if team.leader_id == membership.person_id:
        raise ValidationError(_("Choose another team leader before removing this one."))
    name = membership.person.name
    membership.delete()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.TEAM_MEMBER_REMOVED,
        target=team,
        region=team.region,
        old={"member": name},
    )


@transaction.atomic
def signup_link_open(
    *, acting_user: User | None, team: Team, expires_on: dt.date | None = None
) -> SignupLink:
    _require(acting_user, team.region)
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The closing date has passed already.")})
    link = SignupLink.objects.create(team=team, expires_on=expires_on, created_by=acting_user)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.SIGNUP_LINK_OPENED,
        target=team,
        region=team.region,
        new={"expires_on": expires_on.isoformat() if expires_on else None},
    )
    return link


@transaction.atomic
def signup_link_close(*, acting_user: User | None, link: SignupLink) -> SignupLink:
    _require(acting_user, link.team.region)
    if link.is_active:
        link.is_active = False
        link.save(update_fields=["is_active", "updated_at"])
        audit_record(
            acting_user=acting_user,
            event_type=EventType.SIGNUP_LINK_CLOSED,
            target=link.team,
            region=link.team.region,
        )
    return link


def signup_link_is_open(link: SignupLink) -> bool:
    return link.is_active and (link.expires_on is None or link.expires_on >= timezone.localdate())


# --- applications -------------------------------------------------------------------------------


@dataclass
class ApplicationInput:
    name: str
    id_number: str
    phone: str
    village: Region
    villager_group: Region | None = None
    skills: str = ""
    availability: str = ""


@transaction.atomic
def application_submit(*, link: SignupLink, data: ApplicationInput) -> VolunteerApplication:
    """The public form. Errors are about the applicant's own input only."""
    if not signup_link_is_open(link):
        raise ValidationError(_("This sign-up is closed."))
    team = link.team
    errors: dict[str, list[str]] = {}
    name = clean_name(data.name)
    if not name:
        errors.setdefault("name", []).append(_("Enter the name."))
    number = ""
    try:
        number = parse_id_number(data.id_number).number
    except IdNumberError as error:
        errors.setdefault("id_number", []).append(error.message)
    phone = ""
    try:
        phone = normalize_phone(data.phone)
    except PhoneError as error:
        errors.setdefault("phone", []).append(error.message)
    if (
        data.village.level != Level.VILLAGE
        or not data.village.code.startswith(team.region.prefix)
        or data.village.merged_into_id
    ):
        errors.setdefault("village", []).append(_("Choose a village of this team."))
    if data.villager_group is not None and data.villager_group.parent_id != data.village.pk:
        errors.setdefault("villager_group", []).append(
            _("This villager group belongs to another village.")
        )
    if errors:
        raise ValidationError(errors)
    digest = crypto.lookup_digest(number, purpose=ID_PURPOSE)
    values = {
        "link": link,
        "village": data.village,
        "villager_group": data.villager_group,
        "name": name,
        "id_number_encrypted": crypto.encrypt(number),
        "id_number_digest": digest,
        "id_number_masked": number[:4] + "*" * 10 + number[-4:],
        "phone_encrypted": crypto.encrypt(phone),
        "phone_masked": mask_phone(phone),
        "skills": data.skills.strip()[:200],
        "availability": data.availability.strip()[:200],
    }
    pending = (
        VolunteerApplication.objects.select_for_update()
        .filter(team=team, id_number_digest=digest, status=ApplicationStatus.PENDING)
        .first()
    )
    if pending is not None:
        for key, value in values.items():
            setattr(pending, key, value)
        pending.save()
        return pending
    try:
        with transaction.atomic():
            return VolunteerApplication.objects.create(team=team, **values)
    except IntegrityError:  # the same person submitted twice at once
        return VolunteerApplication.objects.get(
            team=team, id_number_digest=digest, status=ApplicationStatus.PENDING
        )


@transaction.atomic
def application_accept(
    *, acting_user: User | None, application: VolunteerApplication
) -> TeamMembership:
    """Add the applicant to the team, registering them first if their ID number is new."""
    _require(acting_user, application.team.region)
    application = (
        VolunteerApplication.objects.select_for_update(of=("self",))
        .select_related("team", "village")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    person = Person.objects.filter(id_number_digest=application.id_number_digest).first()
    if person is None:
        _require(acting_user, application.village, Capability.PEOPLE_EDIT)
        volunteer = BackgroundCategory.objects.filter(code="volunteer").first()
        person = person_register(
            acting_user=acting_user,
            data=PersonInput(
                name=application.name,
                village=application.village,
                villager_group=application.villager_group,
                id_number=crypto.decrypt(application.id_number_encrypted),
                phone=crypto.decrypt(application.phone_encrypted),
                skills=application.skills,
                categories=[volunteer] if volunteer else [],
            ),
        )
    membership, _created = TeamMembership.objects.get_or_create(
        team=application.team,
        person=person,
        defaults={"joined_on": timezone.localdate(), "added_by": acting_user},
    )
    application.status, application.person = ApplicationStatus.ACCEPTED, person
    application.decided_by, application.decided_at = acting_user, timezone.now()
    application.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.APPLICATION_ACCEPTED,
        target=application.team,
        region=application.team.region,
        new={"member": person.name},
    )
    return membership


@transaction.atomic
def application_decline(
    *, acting_user: User | None, application: VolunteerApplication, reason: str
) -> VolunteerApplication:
    _require(acting_user, application.team.region)
    application = (
        VolunteerApplication.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is declined.")})
    application.status, application.decline_reason = ApplicationStatus.DECLINED, reason
    application.decided_by, application.decided_at = acting_user, timezone.now()
    application.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.APPLICATION_DECLINED,
        target=application.team,
        region=application.team.region,
        new={"applicant": application.name, "reason": reason},
    )
    return application
