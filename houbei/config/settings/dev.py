"""Development and demo: embedded SQLite, DEBUG on, keys kept in a local file."""

from houbei.config.env import env_list, env_str
from houbei.config.settings.base import *  # noqa: F403
from houbei.config.settings.base import DATA_DIR
from houbei.config.settings.local_secrets import load_or_create

DEBUG = True
ALLOWED_HOSTS = env_list("HOUBEI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

_secrets = load_or_create(DATA_DIR / "dev-secrets.json")
SECRET_KEY = env_str("HOUBEI_SECRET_KEY", _secrets["secret_key"])
HOUBEI_FIELD_KEYS = env_list("HOUBEI_FIELD_KEYS", [_secrets["field_key"]])
HOUBEI_LOOKUP_KEY = env_str("HOUBEI_LOOKUP_KEY", _secrets["lookup_key"])

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
