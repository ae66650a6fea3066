from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.choices import Vocabulary
from houbei.lib.models import TimeStampedModel


class TeamKind(Vocabulary):
    """志愿服务队, 党员突击队 …"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("team kind")
        verbose_name_plural = _("team kinds")


class Team(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80)
    kind = models.ForeignKey(
        TeamKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        "people.Person",
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaigns = models.ManyToManyField(
        "campaigns.Campaign", verbose_name=_("campaigns"), blank=True, related_name="teams"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="team_memberships"
    )
    joined_on = models.DateField(_("joined"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person__name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="teams_membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ∈ {self.team}"


def new_token() -> str:
    return secrets.token_urlsafe(12)


class SignupLink(TimeStampedModel):
    """A public sign-up page for a team: its token is the only way to reach it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="signup_links")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("open"), default=True)
    expires_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.team} ({self.token[:4]}…)"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class VolunteerApplication(TimeStampedModel):
    """ "请组织允许我加入一线防疫队伍": a resident's application through a sign-up link.

    Identifiers are stored like the registry's (encrypted, digest, masked). One pending
    application per ID number and team: applying again updates it."""

    ENCRYPTED_FIELDS = ("id_number_encrypted", "phone_encrypted")  # see people/keys.py

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="applications")
    link = models.ForeignKey(SignupLink, on_delete=models.PROTECT, related_name="applications")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    villager_group = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=40)
    id_number_encrypted = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone_encrypted = models.TextField(editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "id_number_digest"],
                condition=Q(status="pending"),
                name="teams_application_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.team}"
