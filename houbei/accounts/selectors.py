from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from houbei.accounts.models import Grant, User
from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import AuditEvent
from houbei.audit.selectors import audit_for_record
from houbei.regions.codes import Level
from houbei.regions.models import Region


def _visible_users_q(scope: Scope) -> Q:
    return scope.region_q(Capability.ACCOUNTS_MANAGE, "grants__region__code") | scope.region_q(
        Capability.ACCOUNTS_MANAGE, "managed_in__code"
    )


def user_list(*, scope: Scope, query: str = "") -> QuerySet[User]:
    """Accounts with a grant or home inside the regions the user administers."""
    users = (
        User.objects.filter(_visible_users_q(scope))
        .exclude(pk=scope.user_id or 0)
        .distinct()
        .select_related("managed_in")
        .prefetch_related(Prefetch("grants", queryset=Grant.objects.select_related("region")))
        .order_by("username")
    )
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    return users


def user_get(*, scope: Scope, pk: int) -> User:
    """404 for an account the user does not administer, as for a missing one."""
    user = user_list(scope=scope).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def grants_of(*, user: User) -> QuerySet[Grant]:
    """The user's own grants (the home page greets them with their roles)."""
    return user.grants.select_related("region").order_by("region__code")


def account_history(*, scope: Scope, account: User) -> QuerySet[AuditEvent]:
    """The account's events in the regions the viewer administers: its roles elsewhere
    stay as invisible in the history as on the page."""
    return scope.filter(
        audit_for_record(record=account), Capability.ACCOUNTS_MANAGE, code_field="region__code"
    )


def grant_get(*, scope: Scope, pk: int) -> Grant:
    return scope.get_visible(
        Grant.objects.select_related("user", "region"),
        Capability.ACCOUNTS_MANAGE,
        code_field="region__code",
        pk=pk,
    )


def regions_for_granting(*, scope: Scope) -> QuerySet[Region]:
    """Current regions, above villager-group level, inside the administered regions."""
    return (
        scope.filter(Region.objects.all(), Capability.ACCOUNTS_MANAGE, code_field="code")
        .filter(level__lt=Level.GROUP, merged_into__isnull=True, valid_to__isnull=True)
        .order_by("code")
    )
