from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class UploadStatus(models.TextChoices):
    PREVIEWED = "previewed"
    APPLYING = "applying"
    APPLIED = "applied"


class Upload(models.Model):
    """A workbook uploaded for import, between its preview and its import. Only its uploader
    sees it; the file stays in private storage and is read again when applied (the registry
    may have changed since the preview)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, default="people")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
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

    def __str__(self) -> str:
        return f"{self.filename} → {self.region_id}"
