from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.choices import Vocabulary
from houbei.lib.models import TimeStampedModel


class CampaignType(Vocabulary):
    """练兵场 types: epidemic prevention, flood and disaster relief, poverty alleviation …"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("campaign type")
        verbose_name_plural = _("campaign types")


class PostType(Vocabulary):
    """卡点/卡口, 宣传排查, 监测点值守, 居家隔离人员服务保障 …"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("post type")
        verbose_name_plural = _("post types")


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Campaign(TimeStampedModel):
    """A 练兵场: an emergency or programme in a region, for a period."""

    name = models.CharField(_("name"), max_length=80)
    campaign_type = models.ForeignKey(
        CampaignType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="campaigns_campaign_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers_day(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Post(TimeStampedModel):
    """A frontline post of a campaign (唐家湾卡点 …), in a village or a town."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="posts"
    )
    post_type = models.ForeignKey(
        PostType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("post leaders"),
        blank=True,
        related_name="led_posts",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    # An open check-in older than this is closed automatically and flagged for review.
    max_shift_hours = models.PositiveSmallIntegerField(_("longest shift (hours)"), default=12)

    class Meta:
        ordering = ["campaign", "region__code", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Rosters and duty records change only while the post and its campaign run."""
        return self.is_active and self.campaign.status == CampaignStatus.ACTIVE


class ShiftTemplate(models.Model):
    """One shift of a post's daily pattern: 3 × 8 h round the clock is three of these."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shift_templates")
    label = models.CharField(_("shift"), max_length=20)
    start_time = models.TimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    people_needed = models.PositiveSmallIntegerField(_("people needed"), default=1)

    class Meta:
        ordering = ["post", "start_time"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=24 * 60),
                name="campaigns_shifttemplate_duration_within_a_day",
            ),
            models.UniqueConstraint(
                fields=["post", "start_time"], name="campaigns_shifttemplate_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.start_time:%H:%M}"
