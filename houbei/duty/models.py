"""Rosters, duty records and the service indicators kept from them.

A duty record is the evidence later decisions rest on, so it is never deleted: a wrong one
is declined with a reason. Only verified records count in the indicators, which are kept
up to date incrementally by duty/indicators.py and can be checked against a full
recomputation (``houbei indicators --verify``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.choices import Vocabulary
from houbei.lib.models import TimeStampedModel


class TaskKind(Vocabulary):
    """What is counted on a shift: households screened, people registered …"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("task kind")
        verbose_name_plural = _("task kinds")


class RosterShift(models.Model):
    """One shift of one post on one day (from the post's pattern), with its real times."""

    post = models.ForeignKey(
        "campaigns.Post", on_delete=models.PROTECT, related_name="roster_shifts"
    )
    template = models.ForeignKey(
        "campaigns.ShiftTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    day = models.DateField(_("date"))
    label = models.CharField(_("shift"), max_length=20)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    people_needed = models.PositiveSmallIntegerField(_("people needed"), default=1)

    class Meta:
        ordering = ["post", "starts_at"]
        verbose_name = _("roster shift")
        verbose_name_plural = _("roster shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_rostershift_start_before_end"
            ),
            models.UniqueConstraint(
                fields=["post", "starts_at"], name="duty_rostershift_one_per_post_and_start"
            ),
        ]
        indexes = [
            # The roster grid of a post for a week.
            models.Index(fields=["post", "day"], name="duty_shift_post_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.label}"


class RosterAssignment(models.Model):
    shift = models.ForeignKey(RosterShift, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="roster_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    # Copied from the shift: the overlap check is one indexed query on the person.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["shift__starts_at", "person__name_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "person"], name="duty_assignment_once_per_shift"
            ),
        ]
        indexes = [
            # Overlap check: the person's assignments around a time.
            models.Index(fields=["person", "starts_at"], name="duty_assignment_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.shift}"


class Source(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    ROSTER = "roster", _("From the roster")
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")


def entered_by(recorded_by_id: int | None, source: str, user_id: int | None) -> bool:
    """Whether the user entered the record, and so may not verify it: anything entered
    after the fact waits for someone else. A check-in is witnessed at the post, so the one
    who checked the person in may vouch for it at check-out."""
    return user_id is not None and recorded_by_id == user_id and source != Source.CHECK_IN


def entered_by_q(user_id: int) -> models.Q:
    """``entered_by`` as a filter of records."""
    return models.Q(recorded_by_id=user_id) & ~models.Q(source=Source.CHECK_IN)


class Status(models.TextChoices):
    OPEN = "open", _("Checked in")
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    DECLINED = "declined", _("Declined")


class DutyRecord(TimeStampedModel):
    """Who actually served where and when, what they did, and who vouches for it."""

    # No index of their own: the (person, start) and (post, start) indexes below serve every
    # lookup by person or post, and each index more is written on every insert and update.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="duty_records", db_index=False
    )
    post = models.ForeignKey(
        "campaigns.Post", on_delete=models.PROTECT, related_name="duty_records", db_index=False
    )
    # Denormalised from the post: indicators and reports are per campaign.
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    shift = models.ForeignKey(
        RosterShift, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    starts_at = models.DateTimeField(_("started"))
    ends_at = models.DateTimeField(_("ended"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Closed automatically after the post's longest shift: somebody should look at it.
    needs_review = models.BooleanField(_("needs review"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    # An imported record's first event is its import's (one per batch and region, holding
    # every record as imported: docs/decisions/0007); other records have events of their own.
    # No index: the link is followed from the record only. No constraint in the database
    # either (decision 0010): an audit event is never deleted (PostgreSQL's trigger refuses
    # it), and the constraint's check at commit, one a record, was a fifth to a third of
    # committing an import of 100 000 records.
    import_event = models.ForeignKey(
        "audit.AuditEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    # The verification of many records at once that last verified it (one event per batch
    # and region, listing them: docs/decisions/0008); a record verified alone has an event
    # of its own. No index and no constraint, as above (its check was half of committing a
    # verification of 100 000).
    verify_event = models.ForeignKey(
        "audit.AuditEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="duty_record_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=False) | Q(status="open"),
                name="duty_record_only_open_without_end",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="duty_record_declined_has_reason",
            ),
        ]
        indexes = [
            # Overlap check and the person's timeline.
            models.Index(fields=["person", "starts_at"], name="duty_record_person_start_idx"),
            # A post's day screen and its open check-ins.
            models.Index(fields=["post", "starts_at"], name="duty_record_post_start_idx"),
            # The verification queue.
            models.Index(fields=["status", "starts_at"], name="duty_record_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.post} {self.starts_at:%Y-%m-%d %H:%M}"


class DutyTaskCount(models.Model):
    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="task_counts")
    kind = models.ForeignKey(TaskKind, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], name="duty_taskcount_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.count}"


# --- indicators (maintained by duty/indicators.py; never edited elsewhere) ------------------
# ``campaign_key`` is the campaign's id, or 0 for the person's overall figures: a plain
# integer keeps the unique constraints working on both databases (NULLs are distinct).


class PersonDay(models.Model):
    """Seconds of verified service of a person on a local (Asia/Shanghai) day."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    campaign_key = models.PositiveIntegerField()
    day = models.DateField()
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "campaign_key", "day"], name="duty_personday_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.campaign_key}/{self.day}: {self.seconds}s"


class PersonIndicator(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="indicators")
    campaign_key = models.PositiveIntegerField()
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    seconds = models.PositiveBigIntegerField(default=0)
    shifts = models.PositiveIntegerField(default=0)
    days = models.PositiveIntegerField(default=0)
    longest_run = models.PositiveIntegerField(default=0)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    # Deeds by commendation level: {"none": 2, "town": 1, …}
    deeds = models.JSONField(default=dict)
    tasks = models.JSONField(default=dict)  # {task kind code: total}

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "campaign_key"], name="duty_indicator_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.campaign_key}"

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def deeds_total(self) -> int:
        return sum(int(v) for v in self.deeds.values())
