from __future__ import annotations

from django.db.models import Count, QuerySet

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.regions.models import Region


def region_roots(*, scope: Scope) -> list[Region]:
    """The top regions a user sees: the regions of their grants, without nested ones."""
    prefixes = scope.prefixes(Capability.REGIONS_VIEW)
    granted = {grant.region_id for grant in scope.grants_with(Capability.REGIONS_VIEW)}
    regions = Region.objects.filter(pk__in=granted).order_by("code")
    return [region for region in regions if region.prefix in prefixes]


def region_get(*, scope: Scope, code: str) -> Region:
    return scope.get_visible(
        Region.objects.select_related("parent", "merged_into"),
        Capability.REGIONS_VIEW,
        code_field="code",
        code=code,
    )


def region_get_for_manage(*, scope: Scope, code: str) -> Region:
    return scope.get_writable(
        Region.objects.select_related("parent", "merged_into"),
        read=Capability.REGIONS_VIEW,
        write=Capability.REGIONS_MANAGE,
        code_field="code",
        code=code,
    )


def region_children(*, region: Region) -> QuerySet[Region]:
    """Children in code order, with how many children each has in turn."""
    return (
        region.children.select_related("merged_into")
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def region_ancestors(*, scope: Scope, region: Region) -> list[Region]:
    """Breadcrumb: the ancestors the user may open, top first, in one query (an ancestor's
    code is a prefix of the region's code, padded with zeros)."""
    ancestors = Region.objects.filter(code__in=region.ancestor_codes()).order_by("level")
    return [node for node in ancestors if scope.covers(node, Capability.REGIONS_VIEW)]


def region_merge_targets(*, scope: Scope, region: Region) -> QuerySet[Region]:
    """Current regions of the same level, inside the managed scope, other than ``region``."""
    return (
        scope.filter(Region.objects.all(), Capability.REGIONS_MANAGE, code_field="code")
        .filter(level=region.level, merged_into__isnull=True, valid_to__isnull=True)
        .exclude(pk=region.pk)
        .order_by("code")
    )


def region_by_typed_code(raw: str) -> Region | None:
    """The current region an operator means by a code typed in full (511002102220) or in its
    short official form (511002 for a district); None when there is none."""
    digits = raw.strip()
    if not digits.isdigit() or len(digits) > 12:
        return None
    return (
        Region.objects.filter(code__in={digits, digits.ljust(12, "0")}, merged_into__isnull=True)
        .order_by("-code")
        .first()
    )
