"""The only door to region data.

Every view, API endpoint, export and search reaches region-bound records through this
module: it turns a user's grants into the set of code prefixes they may see for each
capability (see roles.py) and applies it to querysets.

Rules:
- A grant on a region covers the region's subtree: every region whose code starts with the
  granted region's prefix (see regions/codes.py).
- A region merged into a covered region stays covered (its records stay reachable by the
  successor's people), recursively.
- A record outside the scope answers 404, exactly as a missing record does (``get_visible``).
  A record in scope for reading but not for the write asked for answers 403
  (``get_writable``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from houbei.accounts.roles import (
    GRANTABLE_ROLES,
    POST_LEADER_CAPABILITIES,
    ROLE_REGION_LEVELS,
    Capability,
    Role,
    capabilities_of,
)
from houbei.regions.codes import Level, code_prefix
from houbei.regions.models import Region

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from houbei.accounts.models import User

ModelT = TypeVar("ModelT", bound=models.Model)

# A user's grants and the merged regions, read once for each user instance: a request's
# user serves the middleware's scope and then every service the request calls with it as
# the acting user, which would otherwise read them again each. A grant saved or deleted
# forgets them on the user instance it holds, a region saved or deleted (a merge) the
# merged regions of every instance in the process (accounts/apps.py); another process's
# instance keeps what it read until it is dropped, at the latest when its request ends —
# as Django's own permission cache does.
_MEMO = "_houbei_scope_memo"
_region_changes = [0]  # how many times regions changed in this process


def forget_scope(user: User) -> None:
    """Drop the grants remembered on this user instance (they have just changed)."""
    user.__dict__.pop(_MEMO, None)


def forget_merged_regions() -> None:
    """Regions have changed: every scope reads the merged ones again."""
    _region_changes[0] += 1


@dataclass(frozen=True)
class ScopedGrant:
    role: Role
    region_id: int
    region_code: str
    region_level: Level

    @property
    def prefix(self) -> str:
        return code_prefix(self.region_code, self.region_level)

    def covers_code(self, code: str) -> bool:
        return code.startswith(self.prefix)


def _minimal(prefixes: Iterable[str]) -> tuple[str, ...]:
    """Drop prefixes already covered by a shorter one; sorted for stable SQL."""
    result: list[str] = []
    for prefix in sorted(set(prefixes), key=lambda p: (len(p), p)):
        if not any(prefix.startswith(kept) for kept in result):
            result.append(prefix)
    return tuple(sorted(result))


def merged_regions() -> QuerySet[Region, tuple[str, int, str]]:
    """(code, level, code merged into) of every merged region, from their partial index
    (unordered: in code order SQLite would walk the code index over every region)."""
    return (
        Region.objects.filter(merged_into__isnull=False)
        .order_by()
        .values_list("code", "level", "merged_into__code")
    )


class Scope:
    """What one user may reach. Built once per request by ScopeMiddleware."""

    def __init__(
        self,
        user_id: int | None,
        grants: Iterable[ScopedGrant],
        memo: dict[str, Any] | None = None,
    ) -> None:
        self.user_id = user_id
        self.grants = tuple(grants)
        self._prefixes: dict[Capability, tuple[str, ...]] = {}
        self._led: frozenset[int] | None = None  # ids of the posts the user leads
        self._memo: dict[str, Any] = {} if memo is None else memo

    @classmethod
    def for_user(cls, user: User | AnonymousUser) -> Scope:
        if not user.is_authenticated or not user.is_active:
            return cls(None, ())
        memo: dict[str, Any] = user.__dict__.setdefault(_MEMO, {})
        if "grants" not in memo:
            rows = user.grants.values_list("role", "region_id", "region__code", "region__level")
            memo["grants"] = tuple(
                ScopedGrant(Role(role), region_id, code, Level(level))
                for role, region_id, code, level in rows
            )
        return cls(user.pk, memo["grants"], memo)

    @classmethod
    def reading(cls, region: Region) -> Scope:
        """An operator's read-only view of ``region`` (command line, demo loader): what an
        auditor granted on it would see, identifiers masked."""
        return cls(None, (ScopedGrant(Role.AUDITOR, region.pk, region.code, Level(region.level)),))

    # --- capabilities -------------------------------------------------------------------

    def can(self, capability: Capability) -> bool:
        """True when at least one grant carries the capability (somewhere)."""
        return any(capability in capabilities_of(grant.role) for grant in self.grants)

    def require(self, capability: Capability) -> None:
        if not self.can(capability):
            raise PermissionDenied

    def grants_with(self, capability: Capability) -> tuple[ScopedGrant, ...]:
        return tuple(g for g in self.grants if capability in capabilities_of(g.role))

    # --- region prefixes ----------------------------------------------------------------

    @property
    def _merged_regions(self) -> tuple[tuple[str, Level, str], ...]:
        """(code, level, code merged into) of every merged region; few, loaded once."""
        if not self.grants:
            return ()
        remembered = self._memo.get("merged")
        if remembered is None or remembered[0] != _region_changes[0]:
            remembered = self._memo["merged"] = (
                _region_changes[0],
                tuple((code, Level(level), target) for code, level, target in merged_regions()),
            )
        merged: tuple[tuple[str, Level, str], ...] = remembered[1]
        return merged

    def _with_merged(self, prefixes: tuple[str, ...]) -> tuple[str, ...]:
        covered = set(prefixes)
        changed = True
        while changed:  # merges can chain: A into B, B into C
            changed = False
            for code, level, target in self._merged_regions:
                own = code_prefix(code, level)
                if own not in covered and any(target.startswith(p) for p in covered):
                    covered.add(own)
                    changed = True
        return _minimal(covered)

    def prefixes(self, capability: Capability) -> tuple[str, ...]:
        """The code prefixes covered for ``capability``, merged regions included."""
        if capability not in self._prefixes:
            own = _minimal(g.prefix for g in self.grants_with(capability))
            self._prefixes[capability] = self._with_merged(own) if own else ()
        return self._prefixes[capability]

    def covers(self, region: Region, capability: Capability) -> bool:
        return any(region.code.startswith(p) for p in self.prefixes(capability))

    def region_q(self, capability: Capability, code_field: str) -> Q:
        """A filter on ``code_field`` (a region code, e.g. ``village__code``) for the scope."""
        prefixes = self.prefixes(capability)
        if not prefixes:
            return Q(pk__in=[])
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{code_field}__startswith": prefix})
        return condition

    # --- frontline posts: regions, plus the posts a post leader leads -----------------------

    def post_q(self, capability: Capability, post_field: str = "") -> Q:
        """Posts in the regions where the user holds ``capability``, and the posts they lead
        (Post.leaders) inside the region of their post-leader grant."""
        prefix = f"{post_field}__" if post_field else ""
        condition = self.region_q(capability, f"{prefix}region__code")
        if (
            capability in POST_LEADER_CAPABILITIES
            and self.user_id
            and self.prefixes(Capability.POST_LEAD)
        ):
            post_model = apps.get_model("campaigns", "Post")
            led = post_model.objects.filter(
                self.region_q(Capability.POST_LEAD, "region__code"), leaders=self.user_id
            ).values("pk")
            condition |= Q(**{f"{prefix}pk__in": led})
        return condition

    def duty_q(self, capability: Capability, *, post_field: str, person_field: str) -> Q:
        """Rows about a person at a post (roster, duty records): reachable through the post
        (its region, or leading it) or through the person's village."""
        return self.post_q(capability, post_field) | self.region_q(
            capability, f"{person_field}__village__code"
        )

    def leads(self, post: models.Model) -> bool:
        region = post.region  # type: ignore[attr-defined]
        if not self.user_id or not self.covers(region, Capability.POST_LEAD):
            return False
        if self._led is None:  # one query per request, however many posts a page shows
            through = post.leaders.through  # type: ignore[attr-defined]
            self._led = frozenset(
                through.objects.filter(user_id=self.user_id).values_list("post_id", flat=True)
            )
        return post.pk in self._led

    def ancestor_codes(self, capability: Capability) -> list[str]:
        """Codes of the regions above the user's grants (a village secretary's town and
        district): campaigns and town posts there concern the village too."""
        codes: set[str] = set()
        for grant in self.grants_with(capability):
            for level in Level:
                if level < grant.region_level:
                    codes.add(code_prefix(grant.region_code, level).ljust(12, "0"))
        return sorted(codes)

    def sees_post(self, post: models.Model) -> bool:
        """The post's name and page: its region's keepers, its leaders, and the regions
        below it (whose people may serve there)."""
        region = post.region  # type: ignore[attr-defined]
        return self.can_on_post(post, Capability.DUTY_VIEW) or region.code in self.ancestor_codes(
            Capability.DUTY_VIEW
        )

    def can_on_post(self, post: models.Model, capability: Capability) -> bool:
        """May the user act with ``capability`` on this post (by region, or as its leader)?"""
        region = post.region  # type: ignore[attr-defined]
        if self.covers(region, capability):
            return True
        return capability in POST_LEADER_CAPABILITIES and self.leads(post)

    def filter(
        self, queryset: QuerySet[ModelT], capability: Capability, *, code_field: str
    ) -> QuerySet[ModelT]:
        return queryset.filter(self.region_q(capability, code_field))

    # --- single records -----------------------------------------------------------------

    def get_visible(
        self,
        queryset: QuerySet[ModelT],
        capability: Capability,
        *,
        code_field: str,
        **lookup: Any,
    ) -> ModelT:
        """The record, or 404 if it is missing or outside the scope (indistinguishably)."""
        return get_or_404(self.filter(queryset, capability, code_field=code_field), **lookup)

    def get_writable(
        self,
        queryset: QuerySet[ModelT],
        *,
        read: Capability,
        write: Capability,
        code_field: str,
        **lookup: Any,
    ) -> ModelT:
        """404 when not visible; 403 when visible but not writable by this user."""
        record = self.get_visible(queryset, read, code_field=code_field, **lookup)
        code = _resolve_code(record, code_field)
        if not any(code.startswith(p) for p in self.prefixes(write)):
            raise PermissionDenied
        return record

    # --- granting -----------------------------------------------------------------------

    def grantable_roles_anywhere(self) -> frozenset[Role]:
        """Every role this user may grant on some region (to offer in forms)."""
        roles: set[Role] = set()
        for grant in self.grants_with(Capability.ACCOUNTS_MANAGE):
            roles |= GRANTABLE_ROLES[grant.role]
        return frozenset(roles)

    def grantable_roles(self, region: Region) -> frozenset[Role]:
        """Roles this user may grant on ``region``: from grants that cover it, never above
        their own, and only where the role can be held at that level."""
        roles: set[Role] = set()
        for grant in self.grants_with(Capability.ACCOUNTS_MANAGE):
            if grant.covers_code(region.code):
                roles |= GRANTABLE_ROLES[grant.role]
        return frozenset(r for r in roles if Level(region.level) in ROLE_REGION_LEVELS[r])


def get_or_404(queryset: QuerySet[ModelT], **lookup: Any) -> ModelT:
    """The record in an already scoped queryset, or 404 — the same answer for "not yours"
    and "not there"."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def _resolve_code(record: models.Model, code_field: str) -> str:
    value: Any = record
    for part in code_field.split("__"):
        value = getattr(value, part)
    return str(value)
