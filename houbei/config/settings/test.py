"""Test settings: fast hashing, in-memory caches, fixed throwaway keys.

DATABASE_URL selects PostgreSQL for the CI leg; without it the tests use SQLite.
"""

import os
import tempfile
from pathlib import Path

from houbei.config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789abcdef"
# Fixed, public, test-only keys: encrypted fixtures stay comparable between runs.
HOUBEI_FIELD_KEYS = ["bXdiOV9aa3VhY2Z0dWJ0X3Rlc3Rfb25seV9rZXlfMDA="]
HOUBEI_LOOKUP_KEY = "test-only-lookup-key-0123456789abcdef"

# For speed: MD5 is fine where no real password is stored.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A worker started by a test (the Celery test) shares the test's media folder.
MEDIA_ROOT = Path(
    os.environ.get("HOUBEI_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="houbei-test-media-")
)
CELERY_BROKER_URL = os.environ.get("HOUBEI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="houbei-test-static-"))
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

HOUBEI_JOBS_BACKEND = "immediate"
