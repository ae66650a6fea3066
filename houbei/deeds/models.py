from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.lib.models import TimeStampedModel


class CommendationLevel(models.TextChoices):
    NONE = "none", pgettext_lazy("commendation", "No commendation")
    VILLAGE = "village", pgettext_lazy("commendation", "Village")
    TOWN = "town", pgettext_lazy("commendation", "Town")
    DISTRICT = "district", pgettext_lazy("commendation", "District")
    CITY = "city", pgettext_lazy("commendation", "City and above")


class Deed(TimeStampedModel):
    """事迹: something a person did, in words, with its evidence and any commendation."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="deeds")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=80)
    narrative = models.TextField(_("what happened"))
    level = models.CharField(
        _("commendation"),
        max_length=10,
        choices=CommendationLevel.choices,
        default=CommendationLevel.NONE,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("deed")
        verbose_name_plural = _("deeds")

    def __str__(self) -> str:
        return self.title


def evidence_upload_path(instance: DeedEvidence, filename: str) -> str:
    suffix = ".pdf" if instance.content_type == "application/pdf" else ".jpg"
    return f"deeds/evidence/{uuid.uuid4().hex}{suffix}"


class DeedEvidence(models.Model):
    """A photo or PDF backing a deed. Served only through a scoped view."""

    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_path)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
