"""The demo (``houbei demo``): development settings with DEBUG off, so visitors meet the
application's own error pages rather than Django's debug pages. Static files are served
by runserver's --insecure mode, which is acceptable on 127.0.0.1 only."""

from houbei.config.settings.dev import *  # noqa: F403

DEBUG = False
