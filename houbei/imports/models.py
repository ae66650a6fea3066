from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from houbei.campaigns.models import Campaign


class UploadStatus(models.TextChoices):
    PREVIEWED = "previewed"
    APPLYING = "applying"
    APPLIED = "applied"


class UploadKind(models.TextChoices):
    PEOPLE = "people"  # a roster, into ``region``
    DUTY = "duty"  # a duty log of ``campaign`` (``region`` is the campaign's)


class Upload(models.Model):
    """A workbook uploaded for import, between its preview and its import. Only its uploader
    sees it; the file stays in private storage and is read again when applied (the registry
    may have changed since the preview)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=UploadKind.choices, default=UploadKind.PEOPLE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    update_existing = models.BooleanField(default=False)
    file = models.FileField(upload_to="imports/")
    filename = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=UploadStatus.choices, default=UploadStatus.PREVIEWED
    )
    preview = models.JSONField(default=dict)  # {"accepted": n, "rejected": [...], "sheet": ...}
    result = models.JSONField(default=dict)  # {"created": n, "updated": n, "rejected": [...]}
    errors = models.FileField(upload_to="imports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=UploadKind.DUTY) | models.Q(campaign__isnull=False),
                name="imports_duty_upload_has_campaign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} → {self.region_id}"

    @property
    def duty_campaign(self) -> Campaign:
        """The campaign a duty log is for (a duty upload always has one)."""
        if self.campaign is None:
            raise ValueError(f"duty upload {self.key} has no campaign")
        return self.campaign
