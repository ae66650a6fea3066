from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.dates import add_months
from houbei.lib.models import TimeStampedModel


class PartyStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    DEVELOPMENT_TARGET = "development_target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL_MEMBER = "full_member", _("Full member")


class PartyTrack(TimeStampedModel):
    """One person's way into the Party (《中国共产党发展党员工作细则》): each step's date and
    facts. Steps are entered through party/services.py, which applies party/rules.py."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="party_track"
    )
    applied_on = models.DateField(_("application submitted"))
    talked_on = models.DateField(_("Party talk"), null=True, blank=True)
    activist_on = models.DateField(_("confirmed as activist"), null=True, blank=True)
    contacts = models.CharField(_("cultivation contacts"), max_length=80, blank=True)
    development_target_on = models.DateField(
        _("confirmed as development target"), null=True, blank=True
    )
    sponsor_1 = models.CharField(_("first sponsor"), max_length=40, blank=True)
    sponsor_2 = models.CharField(_("second sponsor"), max_length=40, blank=True)
    review_on = models.DateField(_("political review concluded"), null=True, blank=True)
    review_passed = models.BooleanField(_("political review passed"), null=True, blank=True)
    review_conclusion = models.TextField(_("review conclusion"), blank=True)
    training_started_on = models.DateField(_("training from"), null=True, blank=True)
    training_ended_on = models.DateField(_("training until"), null=True, blank=True)
    training_hours = models.DecimalField(
        _("training class hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    admitted_on = models.DateField(_("admitted as probationary member"), null=True, blank=True)
    approved_on = models.DateField(_("admission approved"), null=True, blank=True)
    approval_note = models.TextField(_("reason for a late approval"), blank=True)
    extension_months = models.PositiveSmallIntegerField(
        _("probation extended by (months)"), null=True, blank=True
    )
    extended_on = models.DateField(_("extension decided"), null=True, blank=True)
    full_member_approved_on = models.DateField(_("full membership approved"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Party track")
        verbose_name_plural = _("Party tracks")
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__isnull=True)
                | Q(extension_months__gte=6, extension_months__lte=12),
                name="party_track_extension_6_to_12",
            ),
            models.CheckConstraint(
                condition=Q(training_ended_on__isnull=True)
                | Q(training_ended_on__gte=F("training_started_on")),
                name="party_track_training_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_stage_display()}"

    @property
    def stage(self) -> PartyStage:
        if self.full_member_approved_on:
            return PartyStage.FULL_MEMBER
        if self.admitted_on:
            return PartyStage.PROBATIONARY
        if self.development_target_on:
            return PartyStage.DEVELOPMENT_TARGET
        if self.activist_on:
            return PartyStage.ACTIVIST
        return PartyStage.APPLICANT

    def get_stage_display(self) -> str:
        return str(self.stage.label)

    @property
    def training_days(self) -> int:
        if not (self.training_started_on and self.training_ended_on):
            return 0
        return (self.training_ended_on - self.training_started_on).days + 1

    @property
    def probation_ends_on(self) -> dt.date | None:
        """One year from the branch assembly's admission, plus any extension; Party age
        (党龄) counts from this day once full membership is approved."""
        if self.admitted_on is None:
            return None
        return add_months(self.admitted_on, 12 + (self.extension_months or 0))
