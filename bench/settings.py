"""The development settings as production runs them (DEBUG off), plus one bare view: the
server the throughput benchmark starts with gunicorn. Not for serving anyone."""

import warnings

from houbei.config.settings.dev import *  # noqa: F403

# The bench serves no static files: WhiteNoise need not say the collected folder is missing.
warnings.filterwarnings("ignore", message="No directory at")

DEBUG = False
ROOT_URLCONF = "bench.urls"
