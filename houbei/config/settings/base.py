"""Settings shared by every environment. Environment files import * from here and
override; secrets and database come from the environment file that knows where to get them."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext

from houbei.config.env import env_int, env_str

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # .../houbei


def default_data_dir() -> Path:
    """Where the SQLite database, uploaded photos and development keys live.

    From a source checkout that is ``<checkout>/var``; from an installed wheel it is the
    user's data folder, so running ``houbei`` from another directory finds the same data.
    """
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.home() / ".local" / "share" / "houbei"


DATA_DIR = Path(env_str("HOUBEI_DATA_DIR", str(default_data_dir())))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "houbei.web",
    "houbei.audit",
    "houbei.regions",
    "houbei.accounts",
    "houbei.people",
    "houbei.campaigns",
    "houbei.teams",
    "houbei.duty",
    "houbei.deeds",
    "houbei.pipeline",
    "houbei.assessments",
    "houbei.cultivation",
    "houbei.party",
    "houbei.review",
    "houbei.seats",
    "houbei.reports",
    "houbei.jobs",
    "houbei.imports",
    "houbei.api",
    "ninja",  # its Swagger UI files, served locally (no CDN)
    "houbei.demo",
    "houbei.synth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "houbei.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "houbei.accounts.middleware.ScopeMiddleware",
    "houbei.accounts.middleware.PasswordChangeRequiredMiddleware",
    "houbei.web.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "houbei.config.urls"
WSGI_APPLICATION = "houbei.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "houbei.web.context_processors.navigation",
            ],
            "builtins": ["houbei.web.templatetags.houbei"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'houbei.sqlite3'}"),
        conn_max_age=env_int("HOUBEI_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many users at once on the embedded database (measured with ``houbei loadtest``): WAL lets
    # readers work beside the one writer, IMMEDIATE transactions queue writers at BEGIN
    # instead of failing with "database is locked" halfway, and a writer waits up to 20 s.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "houbei.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese first; Traditional Chinese and English on request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded files (photos) are personal data: they are never served from a public URL, only
# through views that check the region scope. MEDIA_URL is therefore deliberately unused.
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_AGE = 8 * 60 * 60  # eight hours without any request signs the user out
# Sliding expiry: a post leader working a 12-hour shift stays signed in while they use it.
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Uploads: photos are small; larger bodies are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
HOUBEI_PHOTO_MAX_BYTES = 5 * 1024 * 1024

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Field encryption: HOUBEI_FIELD_KEYS is a list of Fernet keys (the first encrypts, all
# decrypt, which allows rotation); HOUBEI_LOOKUP_KEY keys the HMAC used to find and keep
# ID numbers unique without decrypting. Each environment file sets both.
HOUBEI_FIELD_KEYS: list[str] = []
HOUBEI_LOOKUP_KEY: str = ""

# How many rows a list page shows.
HOUBEI_PAGE_SIZE = 25

# The reserve pipeline. Villages without their own target keep at least this many reserves,
# and this many grown for the secretary's seat (一职一备); a town's or the district's own
# target (pipeline.PoolTarget) overrides it per village.
HOUBEI_POOL_TARGET = {"reserves": 2, "secretary": 1}
# How often each level assesses its reserves, in months (None: as the village decides).
HOUBEI_ASSESSMENT_CADENCE_MONTHS: dict[str, int | None] = {
    "village": None,
    "town": 6,
    "district": 12,
}
# A passed political review supports an admission for this long (a common local rule).
HOUBEI_PARTY_REVIEW_VALID_MONTHS = 12

# Joint qualification review: the public notice lasts this many working days, a pass is
# valid this long (a batch may set its own).
HOUBEI_REVIEW_PUBLICATION_WORKDAYS = 5
HOUBEI_REVIEW_VALIDITY_MONTHS = 12
# Seats: two-committee terms last five years (村民委员会组织法 第十一条, 2018); the next
# general election of the two committees; the age at which incumbents are expected to stand
# down (the forecast's "age limit").
HOUBEI_TERM_YEARS = 5
HOUBEI_NEXT_ELECTION = "2030-12-01"
HOUBEI_INCUMBENT_AGE_LIMIT = 60
# Who may be recommended for a seat: age at the appointment, lowest education (people's
# Education codes), and whether living in the village is required or only preferred.
HOUBEI_RECOMMENDATION_RULES: dict[str, object] = {
    "min_age": 18,
    "max_age": 45,
    "min_education": "high_school",
    "require_residence": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"houbei": {"level": "INFO"}},
}

# Background jobs: "thread" (in the web process), "immediate" (at commit, in the caller's
# thread) or "celery" (workers on Redis: the production profile).
HOUBEI_JOBS_BACKEND = "thread"
# Exports with more rows than this run as background jobs with a progress bar; smaller ones
# download at once. Both stream rows to a temporary file, never holding them in memory.
HOUBEI_EXPORT_INLINE_ROWS = env_int("HOUBEI_EXPORT_INLINE_ROWS", 5000)
# Imports with more accepted rows than this are applied as background jobs with progress.
HOUBEI_IMPORT_INLINE_ROWS = 3000
HOUBEI_IMPORT_MAX_BYTES = 20 * 1024 * 1024
CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # jobs are long: one at a time per worker process
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Sign-in lockout (accounts/lockout.py): this many wrong passwords for one username within
# this many minutes pause its sign-in for the rest of the window.
HOUBEI_SIGNIN_MAX_FAILURES = 5
HOUBEI_SIGNIN_LOCKOUT_MINUTES = 15
# Proxies in front of the app servers whose X-Forwarded-For is trusted (lib/http.py).
HOUBEI_PROXY_COUNT = 0

# Every profile sends it, so the browser tests run under the same policy as production.
HOUBEI_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A connection found broken is replaced at the next request: Houbei recovers by itself when
# the database comes back after an outage.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
