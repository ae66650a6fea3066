from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from houbei.accounts.lockout import clear_failures, is_locked_out, record_failure
from houbei.accounts.roles import ROLE_REGION_LEVELS, Role
from houbei.accounts.scoping import Scope
from houbei.accounts.selectors import regions_for_granting
from houbei.regions.codes import Level
from houbei.regions.forms import RegionChoiceField
from houbei.regions.models import Region


class GrantForm(forms.Form):
    region = RegionChoiceField(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        regions = regions_for_granting(scope=scope)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        grantable = scope.grantable_roles_anywhere()
        role_field: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        role_field.choices = [("", _("Choose…"))] + [
            (role.value, role.label) for role in Role if role in grantable
        ]
        self.fields["role"].help_text = _(
            "District roles go on a district, town admins on a town, "
            "village secretaries on a village."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        region, role = cleaned.get("region"), cleaned.get("role")
        if region is not None and role:
            if Level(region.level) not in ROLE_REGION_LEVELS[Role(role)]:
                levels = "、".join(
                    str(level.label) for level in sorted(ROLE_REGION_LEVELS[Role(role)])
                )
                self.add_error(
                    "region",
                    _("A %(role)s is granted on: %(levels)s.")
                    % {"role": Role(role).label, "levels": levels},
                )
            elif Role(role) not in self.scope.grantable_roles(region):
                self.add_error("role", _("You may not grant this role on this region."))
        return cleaned


class UserCreateForm(GrantForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Used to sign in: letters, digits and @ . + - _ only, e.g. lingjia-huahong."),
    )
    display_name = forms.CharField(label=_("Name"), max_length=40)

    field_order = ["display_name", "username", "region", "role"]


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=40)


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages that do not say whether the username exists, and
    a lockout after repeated wrong passwords (accounts/lockout.py)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Ask your administrator."),
        "locked_out": _(
            "Too many wrong passwords. Sign-in is paused for %(minutes)d minutes; "
            "ask your administrator if you have forgotten the password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and is_locked_out(username, self.request):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": settings.HOUBEI_SIGNIN_LOCKOUT_MINUTES},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if username and error.code == "invalid_login":
                record_failure(username, self.request)
            raise
        clear_failures(username)
        return cleaned
