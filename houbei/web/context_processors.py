from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from houbei.accounts.roles import Capability


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    icon: str
    section: str


# What each role sees in the navigation follows from its capabilities, nothing else.
_NAVIGATION: list[tuple[str, str | Promise, str, tuple[Capability, ...], str]] = [
    ("web:home", _("Home"), "home", (), "home"),
    ("people:list", _("People"), "people", (Capability.PEOPLE_VIEW,), "people"),
    (
        "campaigns:list",
        _("Frontline"),
        "flag",
        (Capability.DUTY_VIEW, Capability.POST_LEAD),
        "frontline",
    ),
    ("pipeline:pool", _("Reserves"), "sprout", (Capability.PEOPLE_VIEW,), "pipeline"),
    ("people:create", _("Register"), "plus", (Capability.PEOPLE_EDIT,), "register"),
    ("review:queue", _("My review queue"), "check", (Capability.REVIEW_VERDICT,), "review"),
    ("review:batches", _("Joint review"), "check", (Capability.REVIEW_MANAGE,), "review"),
    ("seats:index", _("Seats"), "seat", (Capability.SEATS_MANAGE,), "seats"),
    ("reports:dashboard", _("Reports"), "chart", (Capability.PEOPLE_VIEW,), "reports"),
    ("teams:list", _("Teams"), "team", (Capability.TEAM_MANAGE,), "teams"),
    ("regions:index", _("Regions"), "map", (Capability.REGIONS_VIEW,), "regions"),
    ("accounts:user_list", _("Accounts"), "key", (Capability.ACCOUNTS_MANAGE,), "accounts"),
    ("audit:list", _("Audit log"), "log", (Capability.AUDIT_VIEW,), "audit"),
]
# A phone's bottom bar holds this many items; the rest go under "More".
PHONE_BAR_ITEMS = 5


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = request.scope  # type: ignore[attr-defined]
    items = [
        NavItem(reverse(name), label, icon, section)
        for name, label, icon, capabilities, section in _NAVIGATION
        if not capabilities or any(scope.can(capability) for capability in capabilities)
    ]
    split = PHONE_BAR_ITEMS if len(items) > PHONE_BAR_ITEMS + 1 else len(items)
    return {"nav_items": items, "nav_phone": items[:split], "nav_more": items[split:]}
