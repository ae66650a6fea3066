"""The audit trail: one row per change to people, decisions, grants and regions.

Contract (every service that changes such data follows it):
- the service calls ``audit_record`` itself, inside the same ``transaction.atomic`` block as
  the change, so a change and its audit row commit or roll back together;
- ``extra_data`` holds ``{"old": {...}, "new": {...}}`` with only the fields that changed,
  and personal identifiers only in their masked form;
- ``region`` is the region the change belongs to, which is how the audit log is scoped.
Signals are never used: they would hide who acted and break the one-transaction rule.

Tamper evidence: events are numbered without gaps (``sequence``) and each carries a keyed
hash (HMAC-SHA256 with a key derived from ``HOUBEI_LOOKUP_KEY``) over its content and the
previous event's hash. ``houbei audit verify`` recomputes the chain; an event edited,
deleted or inserted directly in the database breaks it. The application itself can only
append: saving an existing event, updating or deleting events raises (and on PostgreSQL a
trigger refuses UPDATE and DELETE on the table).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.IntegerChoices):
    # 1xx people
    PERSON_CREATED = 101, _("Person registered")
    PERSON_UPDATED = 102, _("Person updated")
    PERSON_MOVED = 103, _("Person moved to another village")
    PERSON_ID_NUMBER_REVEALED = 104, _("ID number shown in full")
    PERSON_PHONE_REVEALED = 105, _("Phone number shown in full")
    PERSON_PHOTO_CHANGED = 106, _("Photo changed")
    PEOPLE_IMPORTED = 107, _("People imported from a file")
    # 2xx frontline: duty records, rosters, campaigns and posts, teams, deeds
    DUTY_CHECKED_IN = 201, _("Checked in")
    DUTY_CHECKED_OUT = 202, _("Checked out")
    DUTY_RECORDED = 203, _("Duty recorded")
    DUTY_UPDATED = 204, _("Duty record changed")
    DUTY_VERIFIED = 205, _("Duty record verified")
    DUTY_DECLINED = 206, _("Duty record declined")
    DUTY_AUTO_CLOSED = 207, _("Open check-in closed automatically")
    DUTY_IMPORTED = 208, _("Duty records imported")
    DUTY_VERIFIED_TOGETHER = 209, _("Duty records verified together")
    ROSTER_ASSIGNED = 211, _("Assigned to a shift")
    ROSTER_UNASSIGNED = 212, _("Removed from a shift")
    CAMPAIGN_CREATED = 221, _("Campaign created")
    CAMPAIGN_UPDATED = 222, _("Campaign changed")
    POST_CREATED = 223, _("Post created")
    POST_UPDATED = 224, _("Post changed")
    TEAM_CREATED = 231, _("Team created")
    TEAM_UPDATED = 232, _("Team changed")
    TEAM_MEMBER_ADDED = 233, _("Team member added")
    TEAM_MEMBER_REMOVED = 234, _("Team member removed")
    SIGNUP_LINK_OPENED = 235, _("Sign-up link opened")
    SIGNUP_LINK_CLOSED = 236, _("Sign-up link closed")
    APPLICATION_ACCEPTED = 237, _("Volunteer application accepted")
    APPLICATION_DECLINED = 238, _("Volunteer application declined")
    DEED_RECORDED = 241, _("Deed recorded")
    DEED_UPDATED = 242, _("Deed changed")
    DEED_EVIDENCE_ADDED = 243, _("Evidence added to a deed")
    DEED_EVIDENCE_REMOVED = 244, _("Evidence removed from a deed")
    # 3xx reserve pipeline: nominations, decisions, assessments, cultivation, Party track
    NOMINATED = 301, _("Nominated as a candidate")
    STAGE_DECIDED = 302, _("Stage decision")
    OPINION_GIVEN = 303, _("Opinion recorded")
    POOL_TARGET_SET = 304, _("Pool target set")
    SCORE_WEIGHTS_SET = 305, _("Score weights changed")
    ASSESSMENT_ROUND_CREATED = 311, _("Assessment round created")
    RATING_ENTERED = 312, _("Rating entered")
    ASSESSMENT_ROUND_CLOSED = 313, _("Assessment round closed")
    MENTOR_ASSIGNED = 321, _("Mentor assigned")
    MENTORSHIP_ENDED = 322, _("Mentorship ended")
    MENTOR_TALK_RECORDED = 323, _("Mentor talk recorded")
    ASSIGNMENT_RECORDED = 324, _("Assignment recorded")
    ASSIGNMENT_UPDATED = 325, _("Assignment changed")
    TRAINING_RECORDED = 326, _("Training recorded")
    PARTY_STEP_RECORDED = 331, _("Party-development step recorded")
    PARTY_STEP_CORRECTED = 332, _("Party-development step corrected")
    # 4xx joint qualification review
    REVIEW_CONFIGURED = 401, _("Joint-review setting changed")
    REVIEW_BATCH_OPENED = 402, _("Joint-review batch opened")
    REVIEW_VERDICT_RECORDED = 403, _("Department verdict recorded")
    REVIEW_PUBLISHED = 404, _("Joint-review results published")
    OBJECTION_RECORDED = 405, _("Objection recorded")
    OBJECTION_RESOLVED = 406, _("Objection resolved")
    # 5xx seats, vacancies and appointments
    SEATS_SET_UP = 501, _("Seats set up")
    INCUMBENT_RECORDED = 502, _("Incumbent recorded")
    VACANCY_OPENED = 503, _("Vacancy opened")
    APPOINTED = 504, _("Appointed to a seat")
    RELATIONSHIP_ADDED = 511, _("Relationship recorded")
    RELATIONSHIP_REMOVED = 512, _("Relationship removed")
    # 8xx regions
    REGION_CREATED = 801, _("Region created")
    REGION_UPDATED = 802, _("Region updated")
    REGION_MERGED = 803, _("Region merged")
    REGIONS_IMPORTED = 804, _("Regions imported")
    # 9xx accounts
    USER_CREATED = 901, _("Account created")
    USER_UPDATED = 902, _("Account updated")
    USER_ACTIVATED = 903, _("Account activated")
    USER_DEACTIVATED = 904, _("Account deactivated")
    USER_PASSWORD_RESET = 905, _("Password reset by an administrator")
    USER_PASSWORD_CHANGED = 906, _("Password changed")
    GRANT_ADDED = 911, _("Role granted")
    GRANT_REVOKED = 912, _("Role revoked")
    API_TOKEN_CREATED = 921, _("API token created")
    API_TOKEN_REVOKED = 922, _("API token revoked")
    FIELD_KEYS_ROTATED = 931, _("Personal data re-encrypted with the newest key")


class HashedData(dict[str, Any]):
    """An event's data with the canonical JSON text its hash covers (``chain.canonical``),
    given to it when it is linked into the chain: the text is then stored as it is, not
    dumped a second time for the database — an import's event lists thousands of records
    (~600 KB of JSON a batch)."""

    __slots__ = ("text",)

    def __init__(self, data: Mapping[str, Any], text: str) -> None:
        super().__init__(data)
        self.text = text


class DataEncoder(json.JSONEncoder):
    """The encoder of an event's data: the canonical text where it has been worked out."""

    def encode(self, o: Any) -> str:
        if type(o) is HashedData:
            return o.text
        return super().encode(o)


class AppendOnly(Exception):
    """The audit trail is appended to, never changed."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnly("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """One row: the last event's number and hash. Appending locks it, which orders the
    chain even when several transactions write events at once."""

    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.sequence}: {self.last_hash[:12]}"


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, null=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)
    event_time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,  # None: the command line or the system itself
        blank=True,
        related_name="+",
    )
    # No ``choices=`` on purpose: every new event type would otherwise need a migration.
    event_type = models.PositiveSmallIntegerField(_("event"))
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    # What the target was called when the event happened: readable even after renames.
    target_label = models.CharField(_("record"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    extra_data = models.JSONField(default=dict, blank=True, encoder=DataEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-event_time", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The audit log page: events of a region subtree, newest first, by type.
            models.Index(
                fields=["region", "event_type", "event_time"], name="audit_region_type_time_idx"
            ),
            # A record's own history (person page, account page).
            models.Index(
                fields=["target_type", "target_id", "event_time"], name="audit_target_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()}: {self.target_label}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("audit events cannot be deleted")

    def get_event_type_display(self) -> str:
        if self.event_type in EventType.values:
            return str(EventType(self.event_type).label)
        return str(self.event_type)
