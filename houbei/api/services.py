from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.models import User
from houbei.accounts.services import audit_region
from houbei.api.models import ApiToken
from houbei.audit.models import EventType
from houbei.audit.services import audit_record

KEY_PREFIX = "hb_"
MAX_ACTIVE_TOKENS = 10


def key_digest(key: str) -> str:
    # The keys are 256 random bits: a plain SHA-256 cannot be reversed or guessed.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, acting_user: User, name: str) -> tuple[ApiToken, str]:
    """A new token of ``acting_user``'s; returns it and its key (shown once, never stored)."""
    name = name.strip()
    if not acting_user.grants.exists():
        raise ValidationError(_("This account has no role yet, so it cannot use the API."))
    if not name:
        raise ValidationError({"name": [_("Say what the token is for.")]})
    active = ApiToken.objects.filter(user=acting_user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(n)d tokens in use; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user, name=name[:80], prefix=key[:10], digest=key_digest(key)
    )
    audit_record(
        acting_user=acting_user,
        event_type=EventType.API_TOKEN_CREATED,
        target=token,
        region=audit_region(acting_user),
        new={"name": token.name, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    if token.user_id != acting_user.pk:
        raise ValidationError(_("You can revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            acting_user=acting_user,
            event_type=EventType.API_TOKEN_REVOKED,
            target=token,
            region=audit_region(acting_user),
            old={"name": token.name, "prefix": token.prefix},
        )
    return token


def token_authenticate(key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=key_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute
    return token
