from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from houbei.lib.models import TimeStampedModel
from houbei.pipeline.stages import DecidingLevel, ExitReason, Stage, TargetPost


class Route(models.TextChoices):
    SELF = "self", _("Self-nomination")
    VILLAGERS = "villagers", _("Recommended by villagers")
    PARTY_ORG = "party_org", _("Recommended by the Party organization")
    MASS_ORG = "mass_org", _("Recommended by a mass organization")
    FRONTLINE_TEAM = "frontline_team", _("Found in a frontline team")


class Criterion(models.TextChoices):
    """The article's profile of whom to grow (政治素质高、道德品行好 …)."""

    POLITICAL_QUALITY = "political_quality", _("High political quality")
    MORAL_CHARACTER = "moral_character", _("Good moral character")
    SUPPORTS_LEADERSHIP = "supports_leadership", _("Supports the Party's leadership")
    TAKES_RESPONSIBILITY = "takes_responsibility", _("Takes responsibility on the front line")
    CARES_FOR_MASSES = "cares_for_masses", _("Cares for the masses")


class Nomination(TimeStampedModel):
    """How and why a person was put forward; it makes them a candidate."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="nominations"
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    criteria = models.JSONField(_("criteria met"), default=list)
    reasons = models.TextField(_("reasons"))
    target_post = models.CharField(
        _("grown for"), max_length=20, choices=TargetPost.choices, blank=True
    )
    deeds = models.ManyToManyField(
        "deeds.Deed", verbose_name=_("deeds cited"), blank=True, related_name="+"
    )
    # The frontline record as the nominator saw it (indicator values at that moment).
    evidence = models.JSONField(default=dict)
    nominated_on = models.DateField(_("date"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-nominated_on", "-id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_route_display()})"


class Standing(TimeStampedModel):
    """Where a person stands in the pipeline now; its history is the decisions."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="standing"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    target_post = models.CharField(
        _("grown for"), max_length=20, choices=TargetPost.choices, blank=True
    )
    since = models.DateField(_("since"))
    # Two decisions on one person at once: the second sees a changed version and stops.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        indexes = [
            # Pool lists and counts per stage.
            models.Index(fields=["stage"], name="pipeline_standing_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_stage_display()}"


class StageDecision(models.Model):
    """One decision: who decided, on what evidence, when. Never changed afterwards."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="stage_decisions"
    )
    from_stage = models.CharField(
        _("previous stage"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(_("new stage"), max_length=20, choices=Stage.choices)
    deciding_level = models.CharField(
        _("deciding level"), max_length=10, choices=DecidingLevel.choices
    )
    deciding_body = models.CharField(_("deciding body"), max_length=80)
    decided_on = models.DateField(_("date of decision"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    reason = models.TextField(_("reason"))
    exit_reason = models.CharField(
        _("exit reason"), max_length=24, choices=ExitReason.choices, blank=True
    )
    # Indicators, deeds, assessments and the composite score as they were when deciding.
    evidence = models.JSONField(default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("stage decision")
        verbose_name_plural = _("stage decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_stage="exited") | ~Q(exit_reason=""),
                name="pipeline_decision_exit_has_reason",
            ),
        ]
        indexes = [
            # A person's history, newest first.
            models.Index(fields=["person", "decided_on"], name="pipeline_decision_person_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.person}: {self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"
        )


class PoolTarget(models.Model):
    """How many reserves a village should keep (default: settings.HOUBEI_POOL_TARGET)."""

    village = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="pool_target"
    )
    min_reserves = models.PositiveSmallIntegerField(_("reserves at least"))
    min_secretary_reserves = models.PositiveSmallIntegerField(_("secretary reserves at least"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pool target")
        verbose_name_plural = _("pool targets")

    def __str__(self) -> str:
        return f"{self.village}: {self.min_reserves}/{self.min_secretary_reserves}"


def _weight(label: StrOrPromise, default: str) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=6, decimal_places=2, default=Decimal(default))


class ScoreWeights(models.Model):
    """Weights of the composite frontline score (pipeline/scoring.py). The newest row
    applies; older rows stay as the history of how scores were weighted."""

    per_shift = _weight(_("per verified shift"), "1")
    per_hour = _weight(_("per hour served"), "0")
    per_day = _weight(_("per day served"), "0")
    per_run_day = _weight(_("per day of the longest run"), "0.5")
    per_task_unit = _weight(_("per task unit (household screened, …)"), "0.02")
    deed_none = _weight(_("per deed without commendation"), "2")
    deed_village = _weight(_("per village commendation"), "5")
    deed_town = _weight(_("per town commendation"), "6")
    deed_district = _weight(_("per district commendation"), "8")
    deed_city = _weight(_("per city or higher commendation"), "10")
    per_assignment = _weight(_("per tough or trial post completed"), "3")
    per_training = _weight(_("per training attended"), "2")
    per_talk = _weight(_("per mentor talk"), "1")
    assessment_weight = _weight(_("times the latest assessment score (0–100)"), "0.3")
    per_declined_record = _weight(_("deducted per declined duty record"), "2")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("score weights")
        verbose_name_plural = _("score weights")

    def __str__(self) -> str:
        return f"score weights {self.created_at:%Y-%m-%d}"


class Opinion(models.Model):
    """村党组织意见 / 镇党委意见 / 区委组织部意见 on the registration form; the newest of each
    level is printed, older ones stay."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="opinions")
    level = models.CharField(_("level"), max_length=10, choices=DecidingLevel.choices)
    body = models.CharField(_("given by"), max_length=80)
    text = models.TextField(_("opinion"))
    given_on = models.DateField(_("date"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_level_display()}"
