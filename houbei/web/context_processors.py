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
_NAVIGATION: list[tuple[str, str | Promise, str, Capability | None, str]] = [
    ("web:home", _("Home"), "home", None, "home"),
    ("people:list", _("People"), "people", Capability.PEOPLE_VIEW, "people"),
    ("people:create", _("Register"), "plus", Capability.PEOPLE_EDIT, "register"),
    ("regions:index", _("Regions"), "map", Capability.REGIONS_VIEW, "regions"),
    ("accounts:user_list", _("Accounts"), "key", Capability.ACCOUNTS_MANAGE, "accounts"),
    ("audit:list", _("Audit log"), "log", Capability.AUDIT_VIEW, "audit"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = request.scope  # type: ignore[attr-defined]
    items = [
        NavItem(reverse(name), label, icon, section)
        for name, label, icon, capability, section in _NAVIGATION
        if capability is None or scope.can(capability)
    ]
    return {"nav_items": items}
