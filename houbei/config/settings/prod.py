"""Production: every secret from the environment, HTTPS assumed, refuses to start otherwise."""

from django.core.exceptions import ImproperlyConfigured

from houbei.config.env import env_bool, env_int, env_list, env_secret, env_str
from houbei.config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_secret("HOUBEI_SECRET_KEY", min_length=50)
HOUBEI_FIELD_KEYS = env_list("HOUBEI_FIELD_KEYS")
if not HOUBEI_FIELD_KEYS:
    raise ImproperlyConfigured(
        "Set HOUBEI_FIELD_KEYS to one or more Fernet keys, comma-separated, newest first "
        '(make one with: python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())").'
    )
HOUBEI_LOOKUP_KEY = env_secret("HOUBEI_LOOKUP_KEY", min_length=32)

ALLOWED_HOSTS = env_list("HOUBEI_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set HOUBEI_ALLOWED_HOSTS to the host names Houbei is served as.")
CSRF_TRUSTED_ORIGINS = env_list("HOUBEI_CSRF_TRUSTED_ORIGINS")
env_str("DATABASE_URL")  # production never falls back to the embedded SQLite file

SECURE_SSL_REDIRECT = env_bool("HOUBEI_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("HOUBEI_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Preloading is a promise to browsers that cannot be taken back quickly; a government host
# decides that itself. Everything else of ``check --deploy`` is clean (tested).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background jobs on Celery workers (``houbei worker``), Redis as the broker.
HOUBEI_JOBS_BACKEND = "celery"
CELERY_BROKER_URL = env_str("HOUBEI_REDIS_URL")
