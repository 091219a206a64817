"""Settings for Portal Peserta, read from the environment (see `.env.example`).

One settings module for every environment. `DJANGO_DEBUG=true` is development; anything else is
production-like and refuses to start without a secret key and allowed hosts.
"""

import logging
from pathlib import Path
from typing import Any

from celery.schedules import crontab
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from portal.config import ConfigError, Env, check_nik_keys, db_pool_options, mailer_from_url, require

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# --- Core ----------------------------------------------------------------------------------------

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = require(env, "DJANGO_SECRET_KEY", min_length=50)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ConfigError("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is false")

SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django-unfold themes the admin (back office); it must come before django.contrib.admin.
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # range and array fields, exclusion constraints (the rate table)
    "django_htmx",
    "django_structlog",
    "unfold.contrib.simple_history",  # unfold's history templates; before simple_history
    "simple_history",
    "portal",
    "participants",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "contributions",
    "claims",
    "backoffice",
    "branches",
    "layanan",
    "lifeevents",
    "verification",
    "notifications",
    "partners",
]

MIDDLEWARE = [
    "portal.middleware.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: a request larger than UPLOAD_MAX_REQUEST_BYTES gets a 413.
    "portal.uploads.middleware.RequestBodyLimitMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After a POST (login, payment, claim...), the visitor's pages read from the primary for a while.
    "portal.db_router.ReadYourWritesMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who is uploading, for the per-user upload rate (portal.uploads.limits).
    "portal.uploads.middleware.UploadActorMiddleware",
    # Who made a change: history rows written during a request record the signed-in user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Staff admin: TOTP required, and the admin's own CSP (see backoffice/middleware.py).
    "backoffice.middleware.StaffAdminMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "participants.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "participants:dashboard"
LOGOUT_REDIRECT_URL = "home"
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: PostgreSQL only, with a bounded connection pool -----------------------------------
# Each process holds at most DB_POOL_MAX_SIZE connections; gunicorn.conf.py refuses to start when
# workers x pool size would exceed DB_CONNECTION_BUDGET. A request that cannot get a connection within
# DB_POOL_TIMEOUT seconds gets a 503 with Retry-After (portal.middleware), never a 500.

DATABASES = {"default": env.db("DATABASE_URL")}
DB_CONNECTION_BUDGET = env.int("DB_CONNECTION_BUDGET", default=20)
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=4)
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    "pool": db_pool_options(max_size=DB_POOL_MAX_SIZE, timeout=env.float("DB_POOL_TIMEOUT", default=5.0)),
}
# Parallel test runs against one server need distinct test databases (pytest-xdist adds its own suffix).
DATABASES["default"]["TEST"] = {"NAME": env.str("DJANGO_TEST_DATABASE_NAME", default="") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replicas: read-only participant pages on PostgreSQL streaming replicas (portal.db_router) --
# DATABASE_REPLICA_URLS lists hot standbys (aliases replica_1, replica_2, ...), each with its own pool
# of DB_POOL_MAX_SIZE per process. Views marked `@replica_reads` read from a healthy one; a visitor who
# posted anything reads from the primary for REPLICA_READ_YOUR_WRITES_SECONDS; a replica behind by more
# than REPLICA_MAX_LAG_SECONDS, or unreachable within REPLICA_CONNECT_TIMEOUT, is skipped until the
# next check (at most every REPLICA_CHECK_SECONDS per process). Tests mirror the primary's test database.
DATABASE_REPLICAS: list[str] = []
for _number, _replica in enumerate(env.db_urls("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica_{_number}"
    DATABASES[_alias] = {
        **_replica,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**_replica.get("OPTIONS", {}), "pool": DATABASES["default"]["OPTIONS"]["pool"]},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2.0)
REPLICA_CONNECT_TIMEOUT = env.int("REPLICA_CONNECT_TIMEOUT", default=2)  # libpq: whole seconds, 2 at least
REPLICA_READ_YOUR_WRITES_SECONDS = env.int("REPLICA_READ_YOUR_WRITES_SECONDS", default=30)

# --- Redis: Celery broker on one DB number, cache on another -------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError("REDIS_URL is required, e.g. redis://127.0.0.1:6379/0")
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/1")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "portal",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# Sessions live in PostgreSQL so a Redis outage does not log everyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Personal data at rest ------------------------------------------------------------------------
# NIK is encrypted with AES-256-GCM (participants/nik.py). Keys are base64 of 32 random bytes, newest
# first; older keys keep decrypting during rotation. The blind-index key makes exact NIK lookups possible.

if DEBUG:
    NIK_ENCRYPTION_KEYS = env.list(
        "NIK_ENCRYPTION_KEYS", default=["ZGV2LW9ubHktbmlrLWtleS1kby1ub3QtdXNlLTAwMDE="]
    )
    NIK_BLIND_INDEX_KEY = env.str("NIK_BLIND_INDEX_KEY", default="dev-only-nik-index-key")
else:
    require(env, "NIK_ENCRYPTION_KEYS")
    NIK_ENCRYPTION_KEYS = env.list("NIK_ENCRYPTION_KEYS")
    NIK_BLIND_INDEX_KEY = require(env, "NIK_BLIND_INDEX_KEY", min_length=32)
check_nik_keys(NIK_ENCRYPTION_KEYS)

# --- Passwords ------------------------------------------------------------------------------------

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

# --- Language, time and formats -------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names with far-future caching, pre-compressed to brotli and gzip for slow connections.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads (KTP, KK scans) are private: never under STATIC_URL, never served by whitenoise, only through
# views that check access. Development keeps them on disk; production in an S3-compatible bucket
# (MinIO in docker-compose) with no public ACL.
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / ".local" / "media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    }

# --- Uploads --------------------------------------------------------------------------------------
# portal/uploads: JPEG/PNG/PDF by content, rewritten, random names in STORAGES["private"].
UPLOAD_MAX_FILE_BYTES = 6 * 1024 * 1024
# A claim form with its five documents fits; a 50 MB body is answered 413 before Django reads it.
UPLOAD_MAX_REQUEST_BYTES = 32 * 1024 * 1024
# Form fields other than files; larger file parts spill from memory to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Uploads bounded by memory (portal.uploads.limits, portal.uploads.validation) ---------------
# Pixels a decode may hold after mode conversion (Pillow keeps RGB as 4 bytes a pixel): a 24 MP RGB
# PNG fits; a 1-bit 6300 x 6300 PNG (5 KB on disk, 159 MB as RGB) does not.
UPLOAD_MAX_DECODED_BYTES = env.int("UPLOAD_MAX_DECODED_BYTES", default=128 * 1024 * 1024)
# What a PDF's compressed streams (flate, LZW, run-length) inflate to, all streams together.
UPLOAD_PDF_MAX_DECODED_BYTES = env.int("UPLOAD_PDF_MAX_DECODED_BYTES", default=128 * 1024 * 1024)
# Uploads decoded at once per process, and how long one waits for a turn before "server sibuk": a
# waiting upload holds a gunicorn thread, so the wait is short (a 12 MP photo decodes in ~0.15 s).
UPLOAD_DECODE_CONCURRENCY = env.int("UPLOAD_DECODE_CONCURRENCY", default=2)
UPLOAD_DECODE_WAIT_SECONDS = env.float("UPLOAD_DECODE_WAIT_SECONDS", default=3.0)
# Upload attempts per user (signed out: per client address) in a fixed window.
UPLOAD_RATE_LIMIT = env.int("UPLOAD_RATE_LIMIT", default=30)
UPLOAD_RATE_WINDOW_SECONDS = env.int("UPLOAD_RATE_WINDOW_SECONDS", default=10 * 60)

# --- Security -------------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Accounts (allauth, sessions, login throttling) — owned by the accounts app -------------------
# Accounts are never created by open signup: a participant imported from employer reports activates
# one (accounts.views.activate). Login accepts email, NIK or KPJ (accounts.forms.PortalLoginForm
# resolves them to the account's email before allauth authenticates). Failed logins are throttled per
# (account, client) with growing delays, a known browser keeping its own budget (accounts.lockout,
# accounts.devices; the LOGIN_* and DEVICE_* settings below).

AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.PortalLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# The activation code already proved the address; allauth's own verification would be a second loop.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's "unknown account" mail is never sent: accounts.adapter turns it, like a reset code, into
# one job for the worker, so a reset request costs the same for any address (accounts.password_reset).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portal Peserta] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins are accounts.lockout's (per account and client): allauth's per-account limit
    # would let anyone lock the owner out from anywhere.
    "login_failed": None,
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portal Peserta"
# Accept the code of the adjacent 30-second step too (RFC 6238 section 5.2: at most one step of
# network delay or clock drift): a code typed as its window closes is otherwise "Kode salah" on a
# slow phone — and was, in the browser journey on a loaded machine. allauth still refuses reuse.
MFA_TOTP_TOLERANCE = 1
USERSESSIONS_TRACK_ACTIVITY = False

# Login throttling (accounts.lockout). Per (account, client): LOGIN_FREE_FAILURES wrong passwords,
# then each further one makes the next attempt wait LOGIN_DELAY_BASE seconds, doubled per failure,
# at most LOGIN_DELAY_MAX. A client is a browser with the account's device cookie, else its address
# (IPv6: its /64). All clients without the cookie share one more budget per account
# (LOGIN_ACCOUNT_FREE_FAILURES, same delays), and an address may fail LOGIN_FAILURES_PER_IP_MINUTE
# times a minute across accounts. Counters are forgotten LOGIN_THROTTLE_FORGET seconds after their
# last failure.
LOGIN_FREE_FAILURES = env.int("LOGIN_FREE_FAILURES", default=5)
LOGIN_ACCOUNT_FREE_FAILURES = env.int("LOGIN_ACCOUNT_FREE_FAILURES", default=20)
LOGIN_DELAY_BASE = env.int("LOGIN_DELAY_BASE", default=30)
LOGIN_DELAY_MAX = env.int("LOGIN_DELAY_MAX", default=15 * 60)
LOGIN_FAILURES_PER_IP_MINUTE = env.int("LOGIN_FAILURES_PER_IP_MINUTE", default=30)
LOGIN_THROTTLE_FORGET = 24 * 60 * 60
# Device cookies (accounts.devices): set at a completed login or an unlock code, HttpOnly, signed.
DEVICE_COOKIE_NAME = "portal_device" if DEBUG else "__Host-portal_device"
DEVICE_COOKIE_AGE = env.int("DEVICE_COOKIE_DAYS", default=180) * 24 * 60 * 60
# Unlock codes asked per hour: per client address, per (account, client), per account (accounts.quotas).
UNLOCK_RATE_PER_IP = env.int("UNLOCK_RATE_PER_IP", default=10)
UNLOCK_RATE_PER_ACCOUNT = env.int("UNLOCK_RATE_PER_ACCOUNT", default=3)
UNLOCK_RATE_PER_ACCOUNT_CEILING = env.int("UNLOCK_RATE_PER_ACCOUNT_CEILING", default=30)
# Client address for lockouts and rate limits (accounts.ratelimit.client_ip). 0: only REMOTE_ADDR
# counts, the safe choice when nothing is in front (a client could otherwise pick its address with
# its own X-Forwarded-For). Behind N proxies that each append to X-Forwarded-For (the HAProxy of
# haproxy/haproxy.cfg is one; a TLS load balancer in front of it another), set N: the N-th address
# from the right is the client. `check --deploy` warns when production leaves it unset
# (accounts.checks).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_COUNT_SET = env.str("TRUSTED_PROXY_COUNT", default="") != ""
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Idle timeout: a signed-in session ends after this many seconds without a request
# (accounts.middleware.IdleTimeoutMiddleware). The login cookie itself ends with the browser
# (ACCOUNT_SESSION_REMEMBER = False: shared and borrowed phones are common).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)

# Activation: 6-digit code by email, valid ACTIVATION_CODE_TTL seconds, void after 5 wrong codes.
ACTIVATION_CODE_TTL = 10 * 60
ACTIVATION_CODE_MAX_ATTEMPTS = 5
# A new code (same or other channel) may be asked after the cool-down, at most ACTIVATION_MAX_SENDS
# codes per activation; SMS codes per phone number per hour are capped too.
ACTIVATION_RESEND_COOLDOWN = env.int("ACTIVATION_RESEND_COOLDOWN", default=60)
ACTIVATION_MAX_SENDS = env.int("ACTIVATION_MAX_SENDS", default=5)
ACTIVATION_RATE_PER_PHONE = env.int("ACTIVATION_RATE_PER_PHONE", default=5)
# Activation starts and resends (right or wrong) allowed per hour (accounts.quotas): per client
# address, per (KPJ, client) — a stranger's attempts never use up the owner's — and per KPJ from all
# clients together, a high ceiling against attempts spread over many addresses.
ACTIVATION_RATE_PER_IP = env.int("ACTIVATION_RATE_PER_IP", default=20)
ACTIVATION_RATE_PER_KPJ = env.int("ACTIVATION_RATE_PER_KPJ", default=5)
ACTIVATION_RATE_PER_KPJ_CEILING = env.int("ACTIVATION_RATE_PER_KPJ_CEILING", default=100)

# --- Identity and contacts on record (issue 16: "Bukan saya", SMS binding) -------------------------
# How long a "Bukan saya" link in a security notice works (seconds), and how long a claim filed after
# an assisted activation or a contact change goes to a video interview automatically (days).
SECURITY_NOT_ME_MAX_AGE = env.int("SECURITY_NOT_ME_MAX_AGE", default=30 * 24 * 60 * 60)
SECURITY_INTERVIEW_WINDOW_DAYS = env.int("SECURITY_INTERVIEW_WINDOW_DAYS", default=14)
# How long the owner's confirmation link works when another phone asks to bind a KPJ (seconds).
SMS_BINDING_CONFIRM_MAX_AGE = env.int("SMS_BINDING_CONFIRM_MAX_AGE", default=24 * 60 * 60)
# --- Assisted identity verification (verification app) -------------------------------------------
# Requests (KTP photo + selfie + two questions + video call) per day, per client IP and per typed KPJ.
VERIFICATION_RATE_PER_IP = env.int("VERIFICATION_RATE_PER_IP", default=10)
# The KPJ quota counts per (KPJ, client), so a stranger cannot use up the owner's; the ceiling counts
# every client together and only stops a distributed flood.
VERIFICATION_RATE_PER_KPJ = env.int("VERIFICATION_RATE_PER_KPJ", default=3)
VERIFICATION_RATE_PER_KPJ_CEILING = env.int("VERIFICATION_RATE_PER_KPJ_CEILING", default=50)
VERIFICATION_PHOTO_MAX_BYTES = env.int("VERIFICATION_PHOTO_MAX_BYTES", default=6 * 1024 * 1024)
# UU PDP retention: images deleted this many days after a decision, or after this many days for a
# request nobody decided; a withdrawal of consent deletes them at once.
VERIFICATION_IMAGE_RETENTION_DAYS = env.int("VERIFICATION_IMAGE_RETENTION_DAYS", default=30)
VERIFICATION_OPEN_RETENTION_DAYS = env.int("VERIFICATION_OPEN_RETENTION_DAYS", default=90)
VERIFICATION_STATUS_LINK_DAYS = env.int("VERIFICATION_STATUS_LINK_DAYS", default=120)
VERIFICATION_ACTIVATION_DAYS = env.int("VERIFICATION_ACTIVATION_DAYS", default=7)
# The face match (verification.verifier.IdentityVerifier); the fake scores from the files, or a fixed
# VERIFICATION_FAKE_SCORE (e.g. "0.92").
VERIFICATION_IDENTITY_VERIFIER = env.str(
    "VERIFICATION_IDENTITY_VERIFIER", default="verification.verifier.FakeIdentityVerifier"
)
VERIFICATION_FAKE_SCORE = env.str("VERIFICATION_FAKE_SCORE", default="")

# --- Payments (gateways, Midtrans) — owned by the contributions app -------------------------------
# PAYMENT_GATEWAY=fake (development and tests: charges kept locally, sandbox page at /_dev/gateway/)
# or midtrans (Core API over httpx). The development server key is public and only signs fake charges.
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="fake" if DEBUG else "midtrans")
if PAYMENT_GATEWAY not in {"fake", "midtrans"}:
    raise ConfigError("PAYMENT_GATEWAY must be fake or midtrans")
if PAYMENT_GATEWAY == "fake" and not DEBUG and not env.bool("PAYMENT_ALLOW_FAKE", default=False):
    raise ConfigError("PAYMENT_GATEWAY=fake is for development only")
# Production has no default: the Midtrans client refuses to start without a key (checked on first use,
# so management commands and `check --deploy` run without payment secrets).
MIDTRANS_SERVER_KEY = env.str(
    "MIDTRANS_SERVER_KEY", default="SB-Mid-server-dev-only-not-a-real-key" if DEBUG else ""
)
MIDTRANS_IS_PRODUCTION = env.bool("MIDTRANS_IS_PRODUCTION", default=False)
MIDTRANS_BASE_URL = env.str(
    "MIDTRANS_BASE_URL",
    default="https://api.midtrans.com" if MIDTRANS_IS_PRODUCTION else "https://api.sandbox.midtrans.com",
)
PAYMENT_GATEWAY_TIMEOUT = env.float("PAYMENT_GATEWAY_TIMEOUT", default=10.0)
PAYMENT_EXPIRY_HOURS = env.int("PAYMENT_EXPIRY_HOURS", default=24)
# Where the portal can reach itself: the fake gateway posts notifications here; receipt QR codes link here.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Payment partners on SNAP (Bank Indonesia's open API standard) — owned by the partners app ------
# Tokens from /snap/v1.0/access-token/b2b live this long; X-TIMESTAMP may differ from our clock by at
# most the window (either way); a partner's transaction requests are capped per minute (docs/partners.md).
SNAP_TOKEN_TTL_SECONDS = env.int("SNAP_TOKEN_TTL_SECONDS", default=900)
SNAP_TIMESTAMP_WINDOW_SECONDS = env.int("SNAP_TIMESTAMP_WINDOW_SECONDS", default=300)
SNAP_RATE_LIMIT_PER_MINUTE = env.int("SNAP_RATE_LIMIT_PER_MINUTE", default=60_000)
SNAP_TOKEN_RATE_LIMIT_PER_MINUTE = env.int("SNAP_TOKEN_RATE_LIMIT_PER_MINUTE", default=120)
SNAP_MAX_BODY_BYTES = env.int("SNAP_MAX_BODY_BYTES", default=16 * 1024)

# --- Email ----------------------------------------------------------------------------------------

MAILERS = {
    "default": mailer_from_url(
        env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
    )
}
# Production through an email service provider with django-anymail: EMAIL_ESP=brevo|mailgun|postmark|
# sendgrid|amazon_ses|... and EMAIL_ESP_API_KEY (becomes ANYMAIL["<ESP>_API_KEY"]); EMAIL_URL otherwise.
EMAIL_ESP = env.str("EMAIL_ESP", default="")
if EMAIL_ESP:
    if not EMAIL_ESP.replace("_", "").isalnum():
        raise ConfigError("EMAIL_ESP must be an anymail backend name such as brevo or mailgun")
    MAILERS = {"default": {"BACKEND": f"anymail.backends.{EMAIL_ESP}.EmailBackend", "OPTIONS": {}}}
    ANYMAIL = {f"{EMAIL_ESP.upper()}_API_KEY": env.str("EMAIL_ESP_API_KEY", default="")}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portal Peserta <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications and the SMS balance service — owned by the notifications app ----------------------
# SMS_SENDER=fake (development and tests: printed and kept in memory) or zenziva (console API over
# httpx). Inbound SMS and delivery reports are authenticated by shared secrets in `X-SMS-Secret`; the
# development defaults are public, production has none (the endpoints answer 503 until set).
SMS_SENDER = env.str("SMS_SENDER", default="fake" if DEBUG else "zenziva")
if SMS_SENDER not in {"fake", "zenziva"}:
    raise ConfigError("SMS_SENDER must be fake or zenziva")
ZENZIVA_BASE_URL = env.str("ZENZIVA_BASE_URL", default="https://console.zenziva.net/reguler/api")
ZENZIVA_USERKEY = env.str("ZENZIVA_USERKEY", default="")
ZENZIVA_PASSKEY = env.str("ZENZIVA_PASSKEY", default="")
ZENZIVA_CHANNEL = env.str("ZENZIVA_CHANNEL", default="sms")  # sms or wa (WhatsApp)
SMS_SENDER_TIMEOUT = env.float("SMS_SENDER_TIMEOUT", default=10.0)
SMS_INBOUND_SECRET = env.str("SMS_INBOUND_SECRET", default="dev-sms-inbound-secret" if DEBUG else "")
SMS_STATUS_SECRET = env.str("SMS_STATUS_SECRET", default="dev-sms-status-secret" if DEBUG else "")
SMS_INBOUND_RATE_PER_SENDER = env.int("SMS_INBOUND_RATE_PER_SENDER", default=10)
SMS_INBOUND_RATE_WINDOW = env.int("SMS_INBOUND_RATE_WINDOW", default=600)
SMS_REGISTER_RATE_PER_KPJ = env.int("SMS_REGISTER_RATE_PER_KPJ", default=5)
NOTIFICATION_MAX_RETRIES = env.int("NOTIFICATION_MAX_RETRIES", default=5)

# --- Celery ---------------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "payments", "claims", "pdf", "notifications")]
# By task name, first match wins: PDF rendering and outbound messages have their own workers whatever
# app owns them, so a task lands on its queue without each call site having to know it.
CELERY_TASK_ROUTES = {
    "*.tasks.render_*": {"queue": "pdf"},
    "*.tasks.send_*": {"queue": "notifications"},
    "contributions.tasks.*": {"queue": "payments"},
    "claims.tasks.*": {"queue": "claims"},
}
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
# The longest a task waits before a retry (Celery autoretry backoff, the notification backoff). An ETA
# message sits unacknowledged in a worker until it runs, so it must run well within the visibility
# timeout below or Redis hands it out a second time.
TASKS_LONGEST_COUNTDOWN = env.int("TASKS_LONGEST_COUNTDOWN", default=120)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Bounded redelivery. A late-acknowledged task whose worker died (even a SIGKILLed main process) stays
# in Redis' `unacked` set until `visibility_timeout` has passed since delivery; then the next scan of
# that set by any worker hands it out again. A message must never outlive it while still legitimately
# held: the longest wait before running (TASKS_LONGEST_COUNTDOWN, 120 s) plus the longest run (the hard
# time limit of every late-acknowledged task, CELERY_TASK_TIME_LIMIT, 90 s) plus a margin (30 s) =
# 240 s. Each worker scans every 10 s once `unacked_restore_throttle` is 1 (kombu's default scans only
# every 10th tick: a re-run came 98 s after the kill with a 13 s timeout, bench/faults.py). So a killed
# worker's task runs again within 240 + 10 s, under 5 minutes. Tasks with longer limits
# (participants/ledger/tasks.py) are acknowledged on receipt; tests/portal/test_redelivery.py checks
# the relation for every registered task.
TASKS_REDELIVERY_MARGIN = env.int("TASKS_REDELIVERY_MARGIN", default=30)
# `max_retries: 0`: a send while Redis is down fails at once instead of kombu retrying the connection
# for ~6 s per send (measured), which held a request (or a sweep) that long per effect; a failed send
# is recorded and swept (portal/effects). The worker's own reconnection loop is configured apart
# (broker_connection_retry, broker_connection_max_retries) and keeps retrying.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASKS_LONGEST_COUNTDOWN + CELERY_TASK_TIME_LIMIT + TASKS_REDELIVERY_MARGIN,
    "max_retries": 0,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "portal.tasks.heartbeat", "schedule": 60.0},
    "jht-development-yearly": {
        "task": "participants.ledger.tasks.credit_previous_year_development",
        # 1-7 January: idempotent per (KPJ, year), so the later days only catch a run lost with its
        # worker (it is acknowledged on receipt, participants/ledger/tasks.py).
        "schedule": crontab(minute=30, hour=1, day_of_month="1-7", month_of_year=1),
    },
    "jht-reconcile-nightly": {
        "task": "participants.ledger.tasks.reconcile_ledger",
        "schedule": crontab(minute=0, hour=2),
    },
    "payments-expire-overdue": {"task": "contributions.tasks.expire_overdue_payments", "schedule": 300.0},
    "payments-reconcile": {
        "task": "contributions.tasks.reconcile_payments",
        "schedule": crontab(minute="*/30"),
    },
    "payments-reconcile-daily": {
        "task": "contributions.tasks.reconcile_day",
        "schedule": crontab(minute=45, hour=0),  # yesterday's payments, 00:45 WIB
    },
    "bpu-deactivate-unpaid": {
        "task": "contributions.tasks.deactivate_unpaid_members",
        "schedule": crontab(minute=15, hour=1),
    },
    "bpu-due-reminders": {
        "task": "contributions.tasks.send_due_reminders",  # queues notices (contributions.notices)
        "schedule": crontab(minute=0, hour=8, day_of_month=12),  # 3 days before the 15th, 08:00 WIB
    },
    "bpu-purge-pending-registrations": {
        "task": "contributions.tasks.purge_pending_registrations",
        "schedule": crontab(minute=40, hour=3),
    },
    "booking-reminders-daily": {
        "task": "branches.tasks.send_booking_reminders",
        "schedule": crontab(minute=0, hour=16),  # the day before, 16:00 WIB
    },
    "notifications-resend-stale": {"task": "notifications.tasks.send_stale_outbox", "schedule": 600.0},
    # Life events (lifeevents): JKP deadline (30 and 7 days), JHT opening, JP 3 months before pension.
    "lifeevents-reminders-daily": {
        "task": "lifeevents.tasks.send_life_event_reminders",
        "schedule": crontab(minute=0, hour=9),  # 09:00 WIB
    },
    # Verification images past their retention date, and face matches that never ran.
    "verification-sweep": {"task": "verification.tasks.sweep_verification", "schedule": crontab(minute=20)},
    "accounts-password-reset-sweep": {
        "task": "accounts.tasks.sweep_password_reset_mail",
        "schedule": 300.0,
    },
    "effects-sweep": {"task": "portal.effects.tasks.sweep_effects", "schedule": 30.0},
}

# --- Durable effects (portal/effects) -------------------------------------------------------------
# An effect not done EFFECTS_DEADLINE seconds after it was recorded (or last sent) is sent again by
# the sweeper (every 30 s above); a failed send is due at once. A started run is presumed dead after
# the task's hard time limit plus EFFECTS_STALE_MARGIN. After EFFECTS_MAX_ATTEMPTS failed runs an
# effect is `failed` and waits for staff (admin: Efek tertunda).
EFFECTS_DEADLINE = env.int("EFFECTS_DEADLINE", default=300)
EFFECTS_STALE_MARGIN = env.int("EFFECTS_STALE_MARGIN", default=30)
EFFECTS_MAX_ATTEMPTS = env.int("EFFECTS_MAX_ATTEMPTS", default=5)

# --- Logging --------------------------------------------------------------------------------------

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="console" if DEBUG else "json")
if LOG_FORMAT not in {"console", "json"}:
    raise ConfigError("DJANGO_LOG_FORMAT must be console or json")
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# One line per request (request_finished: path, status, request id) and one per task outcome: the
# "started"/"enqueued" lines repeat what the finishing line says, and logging was a tenth of the CPU
# of an SMS webhook request (profiled, bench/README.md). DJANGO_LOG_LEVEL=DEBUG brings them back.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_CELERY_TASK_START_LOG_LEVEL = logging.DEBUG

from portal.logging import configure_logging  # noqa: E402 - needs the values above

LOGGING = configure_logging(log_format=LOG_FORMAT, level=LOG_LEVEL)

# --- Health ---------------------------------------------------------------------------------------

HEALTHZ_CELERY_TIMEOUT = env.float("HEALTHZ_CELERY_TIMEOUT", default=1.0)

# --- Back office (django-unfold admin) — owned by the backoffice app -----------------------------
# Staff sign in with password + TOTP (backoffice/middleware.py); the dashboard is the admin index
# (backoffice/dashboard.py). Sidebar entries show only to roles whose permission callback allows them.
UNFOLD = {
    "SITE_TITLE": "Portal Peserta — Back office",
    "SITE_HEADER": "Portal Peserta — Back office",
    "SITE_SUBHEADER": _("Kantor cabang BPJS Ketenagakerjaan"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "shield_person",
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda request: static("img/favicon.svg")},
    ],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_BACK_BUTTON": True,
    "DASHBOARD_CALLBACK": "backoffice.dashboard.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": [
            {
                "title": _("Pekerjaan harian"),
                "items": [
                    {"title": _("Dasbor"), "icon": "dashboard", "link": reverse_lazy("admin:index")},
                    {
                        "title": _("Antrean klaim"),
                        "icon": "assignment",
                        "link": reverse_lazy("admin:claims_claim_changelist"),
                        "permission": "backoffice.navigation.can_view_claims",
                    },
                    {
                        "title": _("Peserta"),
                        "icon": "badge",
                        "link": reverse_lazy("admin:participants_participant_changelist"),
                        "permission": "backoffice.navigation.can_view_participants",
                    },
                    {
                        "title": _("Koreksi saldo"),
                        "icon": "balance",
                        "link": reverse_lazy("admin:backoffice_correctionrequest_changelist"),
                        "permission": "backoffice.navigation.can_view_corrections",
                    },
                    {
                        "title": _("Pembayaran iuran"),
                        "icon": "payments",
                        "link": reverse_lazy("admin:contributions_payment_changelist"),
                        "permission": "backoffice.navigation.can_view_payments",
                    },
                ],
            },
            {
                "title": _("Audit"),
                "items": [
                    {
                        "title": _("Log akses data"),
                        "icon": "policy",
                        "link": reverse_lazy("admin:backoffice_accesslog_changelist"),
                        "permission": "backoffice.navigation.can_view_access_log",
                    },
                    {
                        "title": _("Pengguna dan peran"),
                        "icon": "group",
                        "link": reverse_lazy("admin:participants_user_changelist"),
                        "permission": "backoffice.navigation.is_administrator",
                    },
                ],
            },
        ],
    },
}
