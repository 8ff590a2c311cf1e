"""The one settings module. Everything configurable comes from the environment (see README)."""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from attune.core.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_choice("ATTUNE_ENV", "development", {"development", "production", "test"})
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = env_path("ATTUNE_DATA_DIR", Path.cwd() / "var")

# --- secrets -------------------------------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY") or env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("ATTUNE_ENV=production needs SECRET_KEY to be set.")
    _secret_file = DATA_DIR / "secret_key"
    if _secret_file.exists():
        SECRET_KEY = _secret_file.read_text().strip()
    else:
        # The embedded default keeps a stable random key in the data dir, never in code.
        SECRET_KEY = secrets.token_urlsafe(50)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            _secret_file.write_text(SECRET_KEY)
            _secret_file.chmod(0o600)
        except OSError:
            pass

DEBUG = env_bool("ATTUNE_DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("ATTUNE_ENV=production needs ALLOWED_HOSTS to be set.")
if PRODUCTION:
    # Settings that would quietly undo a promise to families stop start-up instead, by name.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ConfigError(
            "SECRET_KEY is too weak for production: use at least 50 random characters."
        )
    if "*" in ALLOWED_HOSTS:
        raise ConfigError("ALLOWED_HOSTS=* lets any host name reach Attune: name the hosts.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The master key wraps every case key (see docs/vault.md). In production it must come from the
# environment; elsewhere a 0600 key file is created in the data dir on first run.
ATTUNE_MASTER_KEY = env_str("ATTUNE_MASTER_KEY")
ATTUNE_MASTER_KEY_FILE = DATA_DIR / "master.key"
# A signed checkpoint of every audit chain head, outside the database (empty: in the data dir).
ATTUNE_AUDIT_CHECKPOINT_FILE = env_str("ATTUNE_AUDIT_CHECKPOINT_FILE")
if ATTUNE_MASTER_KEY:
    from attune.vault.master import MasterKeyError, parse_master_key

    try:
        parse_master_key(ATTUNE_MASTER_KEY)
    except MasterKeyError as _exc:
        raise ConfigError(f"ATTUNE_MASTER_KEY: {_exc}") from _exc
if PRODUCTION and not ATTUNE_MASTER_KEY and not env_bool("ATTUNE_MASTER_KEY_FILE_OK", False):
    raise ConfigError(
        "ATTUNE_ENV=production needs ATTUNE_MASTER_KEY (or ATTUNE_MASTER_KEY_FILE_OK=1 to use "
        "the key file in the data dir)."
    )

# --- applications --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "attune.core.admin_app.AttuneAdminConfig",  # django.contrib.admin, read-only (core/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' own templates, for the project's form renderer
    "django_htmx",
    "ninja",  # /api/docs renders with the Swagger UI files in its package, not from a CDN
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "attune.core",
    "attune.accounts",
    "attune.audit",
    "attune.cases",
    "attune.vault",
    "attune.films",
    "attune.consent",
    "attune.safeguarding",
    "attune.analysis",
    "attune.moments",
    "attune.retention",
    "attune.demo",
    "attune.reviews",
    "attune.letters",
    "attune.supervision",
    "attune.administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "attune.core.middleware.RequestContextMiddleware",
    "attune.core.middleware.ServiceErrorMiddleware",
    "attune.accounts.middleware.RequireMFAMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "attune.urls"
WSGI_APPLICATION = "attune.wsgi.application"
ASGI_APPLICATION = "attune.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "attune.core.context_processors.attune",
                "attune.supervision.context_processors.supervision",
            ],
            "builtins": ["attune.core.templatetags.attune_dates"],
        },
    }
]

# Every form rendered whole ({{ form }}, {{ field.as_field_group }}) uses Attune's field markup.
FORM_RENDERER = "attune.core.forms.AttuneFormRenderer"

# --- database ------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "attune.sqlite3"),
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids
            # "database is locked" upgrades when two processes write.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
    if env_bool("ATTUNE_TEST_SQLITE_FILE", False):
        # Browser tests: the live server's threads each need their own connection, which an
        # in-memory test database cannot give them.
        DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cases:caseload"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "attune.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "attune.accounts.forms.SignInForm",
    "change_password": "attune.accounts.forms.PasswordChangeForm",
    "set_password": "attune.accounts.forms.PasswordSetForm",
    "reset_password": "attune.accounts.forms.PasswordResetForm",
    "reset_password_from_key": "attune.accounts.forms.PasswordResetFromKeyForm",
}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Seconds; also how long a sign-in counts as fresh proof for setting up a first authenticator.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# django-axes locks accounts after repeated wrong passwords or codes (ATTUNE_LOCKOUT_ATTEMPTS);
# allauth's own limits stay on behind it: its failed-login limit (which also counts wrong second
# factor codes per account) is looser than axes's, so axes answers first; password reset mails
# are limited per address and per account.
ACCOUNT_RATE_LIMITS = {
    "login": "100/m/ip",  # a whole school or council network can sit behind one address
    "login_failed": "30/m/ip,30/5m/key",
    "reset_password": "10/m/ip,3/h/key",
}
MFA_FORMS = {"authenticate": "attune.accounts.second_factor.LimitedAuthenticateForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Attune"
ATTUNE_REQUIRE_MFA = env_bool("ATTUNE_REQUIRE_MFA", default=PRODUCTION)
if PRODUCTION and not ATTUNE_REQUIRE_MFA:
    raise ConfigError(
        "ATTUNE_REQUIRE_MFA=0 is refused in production: staff open children's films, so every "
        "one of them signs in with a second factor."
    )
# Django's admin (read only, behind Attune's sign-in): off in production unless asked for.
ATTUNE_ADMIN = env_bool("ATTUNE_ADMIN", default=not PRODUCTION)

# Proxies (addresses or networks) whose X-Forwarded-For is believed; nobody else's is.
ATTUNE_TRUSTED_PROXIES = env_list("ATTUNE_TRUSTED_PROXIES", [])
for _proxy in ATTUNE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ConfigError(
            f"ATTUNE_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from _exc
AXES_CLIENT_IP_CALLABLE = "attune.core.middleware.client_ip"

AXES_FAILURE_LIMIT = env_int("ATTUNE_LOCKOUT_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = 0.5  # hours
# Per account and address; per account alone once it has had this many failures from anywhere.
AXES_LOCKOUT_PARAMETERS = "attune.accounts.selectors.lockout_parameters"
ATTUNE_ACCOUNT_LOCKOUT_ATTEMPTS = env_int("ATTUNE_ACCOUNT_LOCKOUT_ATTEMPTS", 20, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "email"  # the key allauth passes to authenticate()
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False

# Idle sessions end after 30 minutes (every request renews the window).
SESSION_COOKIE_AGE = env_int("ATTUNE_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Messages name children and adults ("Token “…” revoked", "Case for Sam opened"): keep them in the
# server-side session, never in a cookie the browser stores and sends.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"

# --- email ---------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Attune <attune@localhost>")

# --- tasks ---------------------------------------------------------------------------------------
TASKS_BACKEND = env_choice("ATTUNE_TASKS", "database", {"database", "immediate", "rq"})
TASKS: dict[str, dict[str, Any]]
if TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0")}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- i18n, static --------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if not PRODUCTION:
    # WhiteNoise serves from the finders here; an empty root keeps it from warning.
    with contextlib.suppress(OSError):
        STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- security ------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ATTUNE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("ATTUNE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("ATTUNE_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

# --- Attune --------------------------------------------------------------------------------------
ATTUNE_SITE_NAME = "Attune"
ATTUNE_DEFAULT_CYCLES = 3
# The most cases one person may open in 24 hours (a refusal is audited).
ATTUNE_CASES_PER_DAY = env_int("ATTUNE_CASES_PER_DAY", 30, minimum=1)
ATTUNE_API_TOKEN_PREFIX = "att_"  # noqa: S105 (a public prefix, not a secret)
# How long a new API token lasts unless its maker chooses otherwise (at most 365).
ATTUNE_API_TOKEN_DAYS = min(env_int("ATTUNE_API_TOKEN_DAYS", 90, minimum=1), 365)

# --- media ---------------------------------------------------------------------------------------
ATTUNE_STORAGE = env_str("ATTUNE_STORAGE", "local")
SCRATCH_DIR = env_path("ATTUNE_SCRATCH_DIR", DATA_DIR / "scratch")
ATTUNE_UPLOAD_MAX_BYTES = env_int("ATTUNE_UPLOAD_MAX_BYTES", 8 * 1024**3, minimum=1)
ATTUNE_UPLOAD_CHUNK_BYTES = env_int("ATTUNE_UPLOAD_CHUNK_BYTES", 4 * 1024**2, minimum=64 * 1024)
ATTUNE_UPLOAD_EXPIRY_HOURS = env_int("ATTUNE_UPLOAD_EXPIRY_HOURS", 24, minimum=1)
ATTUNE_FILM_MAX_MINUTES = env_int("ATTUNE_FILM_MAX_MINUTES", 60, minimum=1)
ATTUNE_FILM_MAX_HEIGHT = env_int("ATTUNE_FILM_MAX_HEIGHT", 720, minimum=144)
ATTUNE_KEEP_ORIGINAL = env_bool("ATTUNE_KEEP_ORIGINAL", True)
# A processing job whose heartbeat is older than this was lost with its worker: run it again.
ATTUNE_STALE_JOB_SECONDS = env_int("ATTUNE_STALE_JOB_SECONDS", 120, minimum=1)
# Upload chunks arrive as request bodies: allow one chunk plus headroom.
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTUNE_UPLOAD_CHUNK_BYTES + 1024 * 1024
