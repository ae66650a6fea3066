"""Production: every secret from the environment, HTTPS assumed, refuses to start otherwise."""

from pathlib import Path

import dj_database_url
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

# Past one machine (docs/deployment.md): app servers keep nothing of their own. Sessions are
# in the database; uploads, photos and export files under MEDIA_ROOT (HOUBEI_DATA_DIR/media,
# or HOUBEI_MEDIA_ROOT on storage every server mounts); the cache — the rate limits of the
# public sign-up — in Redis, shared by every worker of every server. Behind a load balancer,
# HOUBEI_PROXY_COUNT says how many proxies to trust for the client's address (lib/http.py).
MEDIA_ROOT = Path(env_str("HOUBEI_MEDIA_ROOT", str(MEDIA_ROOT)))  # noqa: F405
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("HOUBEI_CACHE_URL", CELERY_BROKER_URL),
        "KEY_PREFIX": "houbei",
    }
}
# Reports read from a PostgreSQL read replica when one is given (lib/replica.py).
if replica_url := env_str("HOUBEI_REPLICA_DATABASE_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(  # noqa: F405
        replica_url, conn_max_age=env_int("HOUBEI_DB_CONN_MAX_AGE", 0)
    )
DATABASE_ROUTERS = ["houbei.lib.replica.ReplicaRouter"]
HOUBEI_PROXY_COUNT = env_int("HOUBEI_PROXY_COUNT", 0)
