from __future__ import annotations

from django.db.models import QuerySet

from houbei.accounts.models import User
from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.imports.models import Upload
from houbei.regions.codes import Level
from houbei.regions.models import Region


def import_regions(*, scope: Scope) -> QuerySet[Region]:
    """Villages and towns the user may register people in."""
    return scope.filter(
        Region.objects.filter(
            level__in=[Level.TOWN, Level.VILLAGE], merged_into__isnull=True, valid_to__isnull=True
        ),
        Capability.PEOPLE_EDIT,
        code_field="code",
    ).order_by("code")


def upload_get(*, user: User, key: str) -> Upload:
    """The user's own upload; anyone else's answers 404 like a missing one."""
    return get_or_404(
        Upload.objects.select_related("region", "campaign"), key=key, requested_by=user
    )
