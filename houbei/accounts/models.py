from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.accounts.roles import Role
from houbei.lib.models import TimeStampedModel


class User(AbstractUser):
    """A person who signs in. What they may see and do comes only from their grants."""

    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=40, blank=True)
    # Set when an administrator creates the account or resets its password: the temporary
    # password must be replaced at the next sign-in.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # The region whose administrators look after this account, kept when all grants are
    # revoked so the account never becomes unreachable.
    managed_in = models.ForeignKey(
        "regions.Region",
        verbose_name=_("managed in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})" if self.display_name else self.username


class Grant(TimeStampedModel):
    """A role held on a region node; it covers the node's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["region__code", "role"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "role"], name="accounts_grant_unique_role_on_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.region.name}"


class FailedSignIn(models.Model):
    """A wrong password (or unknown name) at sign-in: counted to lock out guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
