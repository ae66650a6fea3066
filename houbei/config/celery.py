"""The Celery application of the production profile: background jobs on workers, Redis as
the broker. Start a worker with ``houbei worker``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houbei.config.settings.prod")

app = Celery("houbei")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["houbei.jobs"])
