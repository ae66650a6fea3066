from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "houbei.duty"
    verbose_name = _("Rosters, duty records and service indicators")
