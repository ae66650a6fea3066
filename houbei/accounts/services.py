"""Writes to accounts and grants. Authorisation lives here, not only in views, because
the rules are the product's: an administrator acts only inside their own regions and never
grants a role above their own (roles.GRANTABLE_ROLES). ``acting_user=None`` is the command
line, used to create a district's first administrator."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houbei.accounts.models import Grant, User
from houbei.accounts.roles import ROLE_REGION_LEVELS, Capability, Role
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record, changed_values
from houbei.regions.codes import Level
from houbei.regions.models import Region

# Letters and digits that cannot be misread on a phone screen or over the telephone.
_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def generate_temporary_password(length: int = 12) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "managed_in": user.managed_in.code if user.managed_in else None,
    }


def _check_can_grant(acting_user: User | None, region: Region, role: Role) -> None:
    if Level(region.level) not in ROLE_REGION_LEVELS[role]:
        raise ValidationError(
            {
                "region": _("The role %(role)s cannot be held on a %(level)s.")
                % {"role": role.label, "level": Level(region.level).label.lower()}
            },
            code="level",
        )
    if acting_user is None:
        return
    if role not in Scope.for_user(acting_user).grantable_roles(region):
        raise PermissionDenied(_("You may not grant this role on this region."))


def user_is_manageable(*, scope: Scope, user: User) -> bool:
    """True when every grant of ``user`` and the region it is managed in lie in the scope
    of an administrator who could grant each of those roles."""
    regions = [grant.region for grant in user.grants.all()]
    if user.managed_in is not None:
        regions.append(user.managed_in)
    if not regions or user.pk == scope.user_id:
        return False
    if not all(scope.covers(region, Capability.ACCOUNTS_MANAGE) for region in regions):
        return False
    return all(grant.role in scope.grantable_roles(grant.region) for grant in user.grants.all())


def _require_manageable(acting_user: User | None, user: User) -> None:
    if acting_user is not None and not user_is_manageable(
        scope=Scope.for_user(acting_user), user=user
    ):
        raise PermissionDenied


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    display_name: str,
    region: Region,
    role: Role,
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with its first grant. Returns the user and the temporary password,
    which the administrator passes on; it must be changed at the first sign-in."""
    _check_can_grant(acting_user, region, role)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")}, code="taken")
    temporary = password or generate_temporary_password()
    user = User(
        username=username,
        display_name=display_name.strip(),
        managed_in=region,
        created_by=acting_user,
        must_change_password=acting_user is not None or password is None,
    )
    user.full_clean(exclude=["password"])
    validate_password(temporary, user)
    user.set_password(temporary)
    user.save()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.USER_CREATED,
        target=user,
        region=region,
        new=user_snapshot(user),
    )
    grant_add(acting_user=acting_user, user=user, region=region, role=role)
    return user, temporary


@transaction.atomic
def grant_add(*, acting_user: User | None, user: User, region: Region, role: Role) -> Grant:
    if acting_user is not None and acting_user.pk == user.pk:
        raise PermissionDenied(_("You cannot change your own roles."))
    _check_can_grant(acting_user, region, role)
    if Grant.objects.filter(user=user, region=region, role=role).exists():
        raise ValidationError(_("This account already holds this role on this region."))
    grant = Grant.objects.create(user=user, region=region, role=role, granted_by=acting_user)
    audit_record(
        acting_user=acting_user,
        event_type=EventType.GRANT_ADDED,
        target=user,
        region=region,
        new={"role": role.value, "region": region.code},
    )
    return grant


@transaction.atomic
def grant_revoke(*, acting_user: User | None, grant: Grant) -> None:
    if acting_user is not None and acting_user.pk == grant.user_id:
        raise PermissionDenied(_("You cannot change your own roles."))
    _check_can_grant(acting_user, grant.region, Role(grant.role))
    user, region = grant.user, grant.region
    old = {"role": grant.role, "region": region.code}
    grant.delete()
    audit_record(
        acting_user=acting_user,
        event_type=EventType.GRANT_REVOKED,
        target=user,
        region=region,
        old=old,
    )


@transaction.atomic
def user_update(*, acting_user: User | None, user: User, display_name: str) -> User:
    _require_manageable(acting_user, user)
    before = user_snapshot(user)
    user.display_name = display_name.strip()
    user.full_clean(exclude=["password"])
    old, new = changed_values(before, user_snapshot(user))
    if new:
        user.save(update_fields=["display_name"])
        audit_record(
            acting_user=acting_user,
            event_type=EventType.USER_UPDATED,
            target=user,
            region=audit_region(user),
            old=old,
            new=new,
        )
    return user


@transaction.atomic
def user_set_active(*, acting_user: User | None, user: User, active: bool) -> User:
    _require_manageable(acting_user, user)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        acting_user=acting_user,
        event_type=EventType.USER_ACTIVATED if active else EventType.USER_DEACTIVATED,
        target=user,
        region=audit_region(user),
        old={"is_active": not active},
        new={"is_active": active},
    )
    return user


@transaction.atomic
def user_reset_password(*, acting_user: User | None, user: User) -> str:
    """Set a new temporary password, which must be changed at the next sign-in."""
    _require_manageable(acting_user, user)
    temporary = generate_temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        acting_user=acting_user,
        event_type=EventType.USER_PASSWORD_RESET,
        target=user,
        region=audit_region(user),
    )
    return temporary


@transaction.atomic
def user_change_own_password(*, user: User, new_password: str) -> User:
    """The password form has checked the old password and the rules."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        acting_user=user,
        event_type=EventType.USER_PASSWORD_CHANGED,
        target=user,
        region=audit_region(user),
    )
    return user


def audit_region(user: User) -> Region:
    """Where events about an account are filed: its home region, else its first grant's."""
    if user.managed_in is not None:
        return user.managed_in
    grant = user.grants.select_related("region").first()
    if grant is None:
        raise ValidationError("an account without region cannot be audited")
    return grant.region
