from __future__ import annotations

from django.db.models import QuerySet

from houbei.accounts.models import User
from houbei.accounts.scoping import get_or_404
from houbei.api.models import ApiToken


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get(*, user: User, pk: int) -> ApiToken:
    """The user's own token; anyone else's answers 404 like a missing one."""
    return get_or_404(tokens_of(user=user), pk=pk)
