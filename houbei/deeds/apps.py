from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeedsConfig(AppConfig):
    name = "houbei.deeds"
    verbose_name = _("Deeds and commendations")
