from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.lib.models import TimeStampedModel
from houbei.regions.codes import Level, code_prefix, short_code


class RegionKind(models.TextChoices):
    """The finer type within a level, where the code's digits and the name say it."""

    PROVINCE = "province", pgettext_lazy("region kind", "Province")
    MUNICIPALITY = "municipality", pgettext_lazy("region kind", "Municipality")
    CITY = "city", pgettext_lazy("region kind", "City")
    DISTRICT = "district", pgettext_lazy("region kind", "District")
    COUNTY = "county", pgettext_lazy("region kind", "County")
    COUNTY_CITY = "county_city", pgettext_lazy("region kind", "County-level city")
    SUBDISTRICT = "subdistrict", pgettext_lazy("region kind", "Subdistrict")
    TOWN = "town", pgettext_lazy("region kind", "Town")
    TOWNSHIP = "township", pgettext_lazy("region kind", "Township")
    COMMUNITY = "community", pgettext_lazy("region kind", "Community")
    VILLAGE = "village", pgettext_lazy("region kind", "Village")
    GROUP = "group", pgettext_lazy("region kind", "Villager group")


class Region(TimeStampedModel):
    """A node of the division tree; its code's prefix is its path (see codes.py)."""

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # 城乡分类代码 (111 主城区 … 220 村庄), as published with the statistical codes.
    urban_rural_class = models.CharField(_("urban-rural class"), max_length=3, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_regions",
    )
    # Demo villages carry made-up codes; the flag keeps them apart from official data.
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="regions_region_valid_from_before_valid_to",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(valid_to__isnull=False),
                name="regions_region_merged_has_end_date",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="regions_region_not_merged_into_itself",
            ),
        ]
        indexes = [
            # Children of a node in code order (tree pages, the region pickers).
            models.Index(fields=["parent", "code"], name="regions_parent_code_idx"),
            # The few merged villages, read by every user's scope (accounts.scoping): without
            # it, a scan of all regions each request (1.2 ms for a city's 14 000 on SQLite).
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="regions_merged_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return code_prefix(self.code, Level(self.level))

    @property
    def short_code(self) -> str:
        return short_code(self.code, Level(self.level))

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    def ancestor_codes(self) -> list[str]:
        """Codes of the regions above this one, top first: an ancestor's code is a prefix of
        this code, padded with zeros."""
        own_level = Level(self.level)
        return [
            code_prefix(self.code, level).ljust(12, "0") for level in Level if level < own_level
        ]

    def ancestor_at(self, level: Level) -> Region | None:
        """The region above this one at ``level`` (this region itself at its own level)."""
        if Level(self.level) == level:
            return self
        code = code_prefix(self.code, level).ljust(12, "0")
        return Region.objects.filter(code=code, level=level).first()

    def contains(self, other: Region) -> bool:
        """True when ``other`` is this region or lies in its subtree."""
        return other.code.startswith(self.prefix)
