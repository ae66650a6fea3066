"""Roles as data: what each role may do, where it may be granted, and whom it may appoint.

Every permission check in Houbei reads these tables (through scoping.py); no view or
service compares role names itself. Changing what a role may do is a change here only.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from houbei.regions.codes import Level


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District admin")
    TOWN_ADMIN = "town_admin", _("Town admin")
    VILLAGE_SECRETARY = "village_secretary", _("Village secretary")
    POST_LEADER = "post_leader", _("Post leader")
    REVIEW_CLERK = "review_clerk", _("Joint-review clerk")
    AUDITOR = "auditor", _("Auditor")
    SYSTEM_ADMIN = "system_admin", _("System admin")


class Capability(StrEnum):
    PEOPLE_VIEW = "people_view"
    PEOPLE_EDIT = "people_edit"
    ID_NUMBER_REVEAL = "id_number_reveal"
    PHONE_REVEAL = "phone_reveal"
    REGIONS_VIEW = "regions_view"
    REGIONS_MANAGE = "regions_manage"
    ACCOUNTS_MANAGE = "accounts_manage"
    AUDIT_VIEW = "audit_view"
    # Frontline (campaigns, posts, rosters, duty records, teams, deeds)
    CAMPAIGN_MANAGE = "campaign_manage"
    POST_MANAGE = "post_manage"
    ROSTER_EDIT = "roster_edit"
    DUTY_VIEW = "duty_view"
    DUTY_RECORD = "duty_record"
    DUTY_VERIFY = "duty_verify"
    TEAM_MANAGE = "team_manage"
    DEED_EDIT = "deed_edit"
    # Not regional: the posts a post leader leads (Post.leaders), inside their grant's region.
    POST_LEAD = "post_lead"
    # Reserve pipeline: nominating, cultivating, the Party track, and deciding at each level.
    NOMINATE = "nominate"
    CULTIVATE = "cultivate"
    PARTY_TRACK = "party_track"
    ASSESS = "assess"
    DECIDE_VILLAGE = "decide_village"  # the village Party organization's decisions
    DECIDE_TOWN = "decide_town"  # the town Party committee's
    DECIDE_DISTRICT = "decide_district"  # the district organization department's
    POOL_TARGETS = "pool_targets"
    # Joint qualification review, seats and appointments.
    REVIEW_MANAGE = "review_manage"  # departments, negative list, batches, publication
    REVIEW_VERDICT = "review_verdict"  # a department's verdicts (its clerks only)
    SEATS_MANAGE = "seats_manage"  # seats, incumbents, vacancies
    APPOINT = "appoint"  # record who fills a vacancy


# Capabilities every registry-keeping role has in the reserve pipeline of its own regions.
_PIPELINE_KEEPER = frozenset(
    {Capability.NOMINATE, Capability.CULTIVATE, Capability.PARTY_TRACK, Capability.ASSESS}
)

# Capabilities every registry-keeping role has on the frontline of its own regions.
_FRONTLINE_KEEPER = frozenset(
    {
        Capability.POST_MANAGE,
        Capability.ROSTER_EDIT,
        Capability.DUTY_VIEW,
        Capability.DUTY_RECORD,
        Capability.DUTY_VERIFY,
        Capability.TEAM_MANAGE,
        Capability.DEED_EDIT,
    }
)


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.DISTRICT_ADMIN: frozenset(
        {
            Capability.PEOPLE_VIEW,
            Capability.PEOPLE_EDIT,
            Capability.ID_NUMBER_REVEAL,
            Capability.PHONE_REVEAL,
            Capability.REGIONS_VIEW,
            Capability.REGIONS_MANAGE,
            Capability.ACCOUNTS_MANAGE,
            Capability.AUDIT_VIEW,
            Capability.CAMPAIGN_MANAGE,
            Capability.DECIDE_DISTRICT,
            Capability.POOL_TARGETS,
            Capability.REVIEW_MANAGE,
            Capability.SEATS_MANAGE,
            Capability.APPOINT,
        }
    )
    | _FRONTLINE_KEEPER
    | _PIPELINE_KEEPER,
    Role.TOWN_ADMIN: frozenset(
        {
            Capability.PEOPLE_VIEW,
            Capability.PEOPLE_EDIT,
            Capability.ID_NUMBER_REVEAL,
            Capability.PHONE_REVEAL,
            Capability.REGIONS_VIEW,
            Capability.ACCOUNTS_MANAGE,
            Capability.CAMPAIGN_MANAGE,
            Capability.DECIDE_TOWN,
            Capability.POOL_TARGETS,
            Capability.SEATS_MANAGE,
        }
    )
    | _FRONTLINE_KEEPER
    | _PIPELINE_KEEPER,
    Role.VILLAGE_SECRETARY: frozenset(
        {
            Capability.PEOPLE_VIEW,
            Capability.PEOPLE_EDIT,
            Capability.ID_NUMBER_REVEAL,
            Capability.PHONE_REVEAL,
            Capability.REGIONS_VIEW,
            Capability.DECIDE_VILLAGE,
        }
    )
    | _FRONTLINE_KEEPER
    | _PIPELINE_KEEPER,
    # Post leaders reach people only through the posts they lead: the rosters and duty
    # records of those posts, check-in and check-out there; nothing else.
    Role.POST_LEADER: frozenset({Capability.POST_LEAD}),
    # Clerks see only the review items of their department (review.Department.clerks), in
    # the district of their grant; nothing of the registry beyond those items.
    Role.REVIEW_CLERK: frozenset({Capability.REVIEW_VERDICT}),
    # Read-only, including the audit log; identifiers stay masked.
    Role.AUDITOR: frozenset(
        {
            Capability.PEOPLE_VIEW,
            Capability.REGIONS_VIEW,
            Capability.AUDIT_VIEW,
            Capability.DUTY_VIEW,
        }
    ),
    # IT staff: accounts and region codes, never personnel data.
    Role.SYSTEM_ADMIN: frozenset(
        {
            Capability.REGIONS_VIEW,
            Capability.REGIONS_MANAGE,
            Capability.ACCOUNTS_MANAGE,
            Capability.AUDIT_VIEW,
        }
    ),
}

# What leading a post (Post.leaders) allows on that post: see and record duty, and vouch for
# the shifts the leader witnessed. Not the roster: filling it means searching the registry.
POST_LEADER_CAPABILITIES = frozenset(
    {Capability.DUTY_VIEW, Capability.DUTY_RECORD, Capability.DUTY_VERIFY}
)

# Whom a holder of the role may appoint (within the region it holds the role on). Nobody
# grants a role above their own; the system admin appoints every role because creating the
# first accounts of a district is its job.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.SYSTEM_ADMIN: frozenset(Role),
    Role.DISTRICT_ADMIN: frozenset(
        {
            Role.DISTRICT_ADMIN,
            Role.TOWN_ADMIN,
            Role.VILLAGE_SECRETARY,
            Role.POST_LEADER,
            Role.REVIEW_CLERK,
            Role.AUDITOR,
        }
    ),
    Role.TOWN_ADMIN: frozenset({Role.TOWN_ADMIN, Role.VILLAGE_SECRETARY, Role.POST_LEADER}),
    Role.VILLAGE_SECRETARY: frozenset(),
    Role.POST_LEADER: frozenset(),
    Role.REVIEW_CLERK: frozenset(),
    Role.AUDITOR: frozenset(),
}

_DISTRICT_AND_ABOVE = frozenset({Level.PROVINCE, Level.CITY, Level.DISTRICT})

# The levels of region a role can be granted on.
ROLE_REGION_LEVELS: dict[Role, frozenset[Level]] = {
    Role.DISTRICT_ADMIN: _DISTRICT_AND_ABOVE,
    Role.TOWN_ADMIN: frozenset({Level.TOWN}),
    Role.VILLAGE_SECRETARY: frozenset({Level.VILLAGE}),
    Role.POST_LEADER: frozenset({Level.TOWN, Level.VILLAGE}),
    Role.REVIEW_CLERK: _DISTRICT_AND_ABOVE,
    Role.AUDITOR: frozenset({Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.TOWN}),
    Role.SYSTEM_ADMIN: _DISTRICT_AND_ABOVE,
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES[Role(role)]
