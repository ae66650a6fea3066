from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.models import TimeStampedModel


class MentorRole(models.TextChoices):
    """The "3+1" models: a town leader, a resident cadre, the village secretary, a first
    secretary."""

    TOWN_LEADER = "town_leader", _("Town leader (theory)")
    RESIDENT_CADRE = "resident_cadre", _("Resident cadre (work)")
    VILLAGE_SECRETARY = "village_secretary", _("Village secretary (practice)")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    OTHER = "other", _("Other")


class Mentorship(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="mentorships"
    )
    mentor_name = models.CharField(_("mentor"), max_length=40)
    mentor_position = models.CharField(_("mentor's position"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=MentorRole.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person", "started_on"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cultivation_mentorship_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_name} → {self.person}"


class MentorTalk(TimeStampedModel):
    """谈心谈话: a mentor's talk with the reserve."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.PROTECT, related_name="talks")
    held_on = models.DateField(_("date"))
    summary = models.TextField(_("what was said"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("mentor talk")
        verbose_name_plural = _("mentor talks")

    def __str__(self) -> str:
        return f"{self.mentorship} {self.held_on}"


class AssignmentKind(models.TextChoices):
    TRIAL_POST = "trial_post", _("Trial post (试岗)")
    SHADOWING = "shadowing", _("Shadowing (跟岗)")
    TOUGH_POST = "tough_post", _("Urgent, difficult, dangerous or heavy task (急难险重)")
    POVERTY = "poverty", _("Poverty alleviation (脱贫攻坚)")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    ONGOING = "", _("Ongoing")
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class Assignment(TimeStampedModel):
    """A trial or tough post: where, when, and how it went."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assignments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssignmentKind.choices)
    title = models.CharField(_("post or task"), max_length=80)
    place = models.CharField(_("place"), max_length=120, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("assessment of the assignment"), blank=True)
    decided_by_body = models.CharField(_("assigned by"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cultivation_assignment_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Training(TimeStampedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="trainings")
    name = models.CharField(_("course"), max_length=80)
    organizer = models.CharField(_("organiser"), max_length=80, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"))
    hours = models.DecimalField(_("class hours"), max_digits=5, decimal_places=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__gte=F("started_on")),
                name="cultivation_training_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="cultivation_training_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name
