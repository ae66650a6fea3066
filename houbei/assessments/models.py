from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.models import TimeStampedModel
from houbei.pipeline.stages import DecidingLevel


class RaterGroup(models.TextChoices):
    PARTY_MEMBERS = "party_members", _("Party members")
    VILLAGER_REPS = "villager_reps", _("Villager representatives")
    TWO_COMMITTEES = "two_committees", _("Village two committees")
    TOWN_CADRES = "town_cadres", _("Town cadres")


class Dimension(models.TextChoices):
    """What is rated: the article's criteria and the 德能勤绩廉 dimensions (scores 0–10)."""

    POLITICAL_QUALITY = "political_quality", _("Political quality")
    MORAL_CHARACTER = "moral_character", _("Moral character")
    SUPPORTS_LEADERSHIP = "supports_leadership", _("Supports the Party's leadership")
    TAKES_RESPONSIBILITY = "takes_responsibility", _("Takes responsibility")
    CARES_FOR_MASSES = "cares_for_masses", _("Cares for the masses")
    VIRTUE = "virtue", _("Virtue (德)")
    ABILITY = "ability", _("Ability (能)")
    DILIGENCE = "diligence", _("Diligence (勤)")
    ACHIEVEMENT = "achievement", _("Achievement (绩)")
    INTEGRITY = "integrity", _("Integrity (廉)")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


# From best to worst; a tie between grades resolves to the lower one.
GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT]


class AssessmentRound(TimeStampedModel):
    """A round of assessment (村级考察, 镇级半年评估, 区级年度研判) of some people."""

    name = models.CharField(_("name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=DecidingLevel.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    subjects = models.ManyToManyField(
        "people.Person", verbose_name=_("people assessed"), related_name="assessment_rounds"
    )
    # Anonymous democratic ratings of a group show no result below this many ballots.
    min_anonymous_raters = models.PositiveSmallIntegerField(
        _("fewest anonymous ballots shown"), default=5
    )
    is_closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.name


class Rating(TimeStampedModel):
    """One rater's ballot on one person: scores per dimension, a grade, a comment."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="ratings")
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="ratings")
    rater_group = models.CharField(_("rater group"), max_length=20, choices=RaterGroup.choices)
    # Named raters carry a name; anonymous democratic ballots carry none.
    rater_name = models.CharField(_("rater"), max_length=40, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    scores = models.JSONField(_("scores"), default=dict)  # {dimension: 0–10}
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "subject", "rater_group", "id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=True, rater_name="")
                | Q(is_anonymous=False) & ~Q(rater_name=""),
                name="assessments_rating_named_or_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_rater_group_display()}"
