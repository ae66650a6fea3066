from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "houbei.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Registers the background-job handlers, wherever jobs run (web or worker).
        import houbei.reports.exports  # noqa: F401
