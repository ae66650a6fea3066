from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "houbei.review"
    verbose_name = _("Joint qualification review")
