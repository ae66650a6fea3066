from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "houbei.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from houbei.accounts.models import Grant
        from houbei.regions.models import Region

        post_save.connect(_grants_changed, sender=Grant, dispatch_uid="houbei-grant-saved")
        post_delete.connect(_grants_changed, sender=Grant, dispatch_uid="houbei-grant-deleted")
        post_save.connect(_regions_changed, sender=Region, dispatch_uid="houbei-region-saved")
        post_delete.connect(_regions_changed, sender=Region, dispatch_uid="houbei-region-gone")


def _grants_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    """A user's scope is remembered on their instance (accounts/scoping.py): the grant's
    user, when the grant holds it, forgets it."""
    from houbei.accounts.models import Grant
    from houbei.accounts.scoping import forget_scope

    if Grant.user.is_cached(instance):
        forget_scope(instance.user)


def _regions_changed(sender: type, **kwargs: Any) -> None:
    from houbei.accounts.scoping import forget_merged_regions

    forget_merged_regions()
