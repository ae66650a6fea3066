from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "houbei.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # Registers the background-job handlers, wherever jobs run (web or worker).
        import houbei.imports.services  # noqa: F401
