"""Settings for the GenMig website.

Every difference between deployments is read from the environment (see .env.example).
DEBUG is off unless DJANGO_DEBUG turns it on; with DEBUG off the site refuses to start
without a secret key and a list of allowed hosts.
"""

import zoneinfo
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from genmig.labels import label_in_language

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def required_in_production(name, development_default):
    """Return the variable, or the development default when DEBUG is on."""
    value = env(name, default="")
    if value:
        return value
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(
        f"Set the {name} environment variable: it is required when DJANGO_DEBUG is off "
        "(see .env.example)."
    )


SECRET_KEY = required_in_production("DJANGO_SECRET_KEY", "django-insecure-local-development-only")
ALLOWED_HOSTS = [
    host.strip()
    for host in required_in_production("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # Before the admin, so that its admin classes see the translated fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "axes",
    "reversion",
    "drafts",
    "pages",
    "partners",
    "library",
    "genmig.apps.GenmigConfig",
    "genmig.staff",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]

MIDDLEWARE = [
    # The load balancer's health check, before the HTTPS redirect and the Host check.
    "genmig.middleware.HealthCheckMiddleware",
    # The header middleware comes before WhiteNoise, which answers static files itself, so
    # that static files carry the same headers as pages.
    "django.middleware.security.SecurityMiddleware",
    "genmig.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages are served from here, before sessions and the database.
    "genmig.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address: /fr/..., /es/..., English unprefixed.
    "django.middleware.locale.LocaleMiddleware",
    # The admin follows the language its switch stored, else the browser's.
    "genmig.admin_language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    # Staff who signed in with a password reach the admin only past a second factor.
    "genmig.staff.middleware.SecondFactorMiddleware",
    "genmig.middleware.AdminTimeZoneMiddleware",
]

ROOT_URLCONF = "genmig.urls"
WSGI_APPLICATION = "genmig.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
            ],
        },
    },
]

# SQLite under var/ is the zero-configuration default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL names a server, which instances on several machines must share.
# Without it, files under CACHE_DIR, which every worker and instance of one machine shares,
# so that an edit saved through one worker shows through all of them at once.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "genmig.stores.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="genmig"),
            # A Redis that stops answering must not hold requests for long.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "genmig.stores.FileBasedCache",
            "LOCATION": env("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
            # One file per entry; past this many, a third of them are dropped at random (never
            # the page cache's generation).
            "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=5000)},
        }
    }

# Public pages for anonymous visitors are kept in the cache at most this long (genmig/cache.py);
# saving anything of these apps makes every cached page fresh at once. Enquiries are not shown
# on any page.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# A shared cache in front of the instances (the front's nginx, a CDN) may serve a public page
# this long without asking the site (s-maxage): an edit shows through it within this time.
PAGE_SHARED_CACHE_SECONDS = env.int("PAGE_SHARED_CACHE_SECONDS", default=5)
# While no instance answers, a shared cache may go on serving the copy it has this much longer
# (stale-if-error), never past the next scheduled change of what pages show.
PAGE_STALE_IF_ERROR_SECONDS = env.int("PAGE_STALE_IF_ERROR_SECONDS", default=3600)
# Pages rendered for every request, never kept in the page cache: each search is a page of its
# own, and a flood of them would push every other page out.
PAGE_CACHE_NOT_STORED_VIEWS = ["pages:search"]
# Bytes of page bodies each worker process also keeps in its own memory, by content hash.
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=16 * 1024 * 1024)
PAGE_CACHE_APPS = ["pages", "partners", "library"]
# The next moment the clock changes a page (scheduled items, event starts): no cached page
# is kept past it.
PAGE_CACHE_CLOCK = "pages.schedule.next_change"
PAGE_CACHE_IGNORED_MODELS = [
    "partners.Enquiry",
    "partners.RecentSubmission",
    "pages.LinkCheck",
    "pages.LinkCheckRun",
    # The search index: a rebuild marks pages stale itself (pages/search/indexing.py).
    "pages.SearchDocument",
    "pages.SearchWord",
]

# Every saved version of editors' content is kept this many days; `manage.py prune_versions`
# (run from cron) removes older ones.
VERSION_MAX_AGE_DAYS = env.int("VERSION_MAX_AGE_DAYS", default=730)
# `manage.py check_links` (cron): seconds for each address (redirects included), addresses
# checked at once, and seconds for the whole run (what is left is asked first the next day).
LINK_CHECK_TIMEOUT = env.float("LINK_CHECK_TIMEOUT", default=10)
LINK_CHECK_THREADS = env.int("LINK_CHECK_THREADS", default=4)
LINK_CHECK_RUN_TIMEOUT = env.float("LINK_CHECK_RUN_TIMEOUT", default=3600)
# Off: addresses on the server's own machine or private networks (and redirects to them) are
# not asked, so that editors' content cannot make the server scan its network. Tests only.
LINK_CHECK_ALLOW_PRIVATE = env.bool("LINK_CHECK_ALLOW_PRIVATE", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin sign-in: after LOGIN_FAILURE_LIMIT failures an account is locked at the address they
# came from, and after LOGIN_ADDRESS_FAILURE_LIMIT failures for any names an address is
# locked, each for LOGIN_LOCKOUT_MINUTES; an administrator elsewhere can still sign in
# (genmig/login.py). django-axes keeps the count in the database, which every instance shares.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "genmig.login.LoginFailureHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = max(
    env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=4 * AXES_FAILURE_LIMIT), AXES_FAILURE_LIMIT
)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "genmig.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "genmig.views.login_locked_out"

# Staff sign-in with the IOM account (OpenID Connect; Microsoft Entra ID in production),
# genmig/staff/oidc.py. All four variables or none: without them only local accounts (a
# password and a second factor) can sign in.
STAFF_OIDC_VARIABLES = (
    "STAFF_OIDC_ISSUER",
    "STAFF_OIDC_CLIENT_ID",
    "STAFF_OIDC_CLIENT_SECRET",
    "STAFF_OIDC_ROLE_GROUPS",
)
_oidc = {name: env(name, default="").strip() for name in STAFF_OIDC_VARIABLES}
_oidc_missing = [name for name, value in _oidc.items() if not value]
if _oidc_missing and len(_oidc_missing) < len(_oidc):
    raise ImproperlyConfigured(
        "Sign-in with the IOM account needs all four STAFF_OIDC_* variables or none; "
        f"missing: {', '.join(_oidc_missing)} (see .env.example)."
    )
STAFF_OIDC_ENABLED = not _oidc_missing
STAFF_OIDC_ISSUER = _oidc["STAFF_OIDC_ISSUER"].rstrip("/")
# App role (the ID token's `roles` claim) -> Django group name, or "superuser".
STAFF_OIDC_ROLE_GROUPS = {}
for _pair in filter(None, (part.strip() for part in _oidc["STAFF_OIDC_ROLE_GROUPS"].split(","))):
    _role, _sep, _group = (part.strip() for part in _pair.partition("="))
    if not (_sep and _role and _group):
        raise ImproperlyConfigured(
            f"STAFF_OIDC_ROLE_GROUPS holds {_pair!r}; write role=group pairs separated by "
            "commas, for example GenMig.Editors=Content editors,GenMig.Admins=superuser."
        )
    STAFF_OIDC_ROLE_GROUPS[_role] = _group
# Seconds to wait for the provider at each step of a sign-in (discovery, keys, token).
STAFF_OIDC_TIMEOUT = env.float("STAFF_OIDC_TIMEOUT", default=4)
# mozilla-django-oidc's settings; the provider's endpoints come from its discovery document.
OIDC_RP_CLIENT_ID = _oidc["STAFF_OIDC_CLIENT_ID"]
OIDC_RP_CLIENT_SECRET = _oidc["STAFF_OIDC_CLIENT_SECRET"]
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = STAFF_OIDC_TIMEOUT
OIDC_AUTHENTICATION_CALLBACK_URL = "staff_oidc_callback"
OIDC_OP_AUTHORIZATION_ENDPOINT = OIDC_OP_TOKEN_ENDPOINT = OIDC_OP_USER_ENDPOINT = ""
LOGIN_REDIRECT_URL = "/admin/"
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/"
if STAFF_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("genmig.staff.oidc.StaffOIDCBackend")

# Admin sessions end when the browser closes and at the latest this many hours after sign-in.
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=8)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sign-in records (successes, failures, second factors set up or removed) and django-axes'
# records of attempts are kept this many days; `manage.py purge_personal_data` deletes older ones.
SIGN_IN_RECORD_RETENTION_DAYS = env.int("SIGN_IN_RECORD_RETENTION_DAYS", default=90)
# The name authenticator apps show for the site's codes.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="GenMig website")
# Passkeys (WebAuthn, django-otp-webauthn) as a second factor, never in place of the password.
# A passkey belongs to the site's host name; browsers use it only on these origins (https://
# and each of DJANGO_ALLOWED_HOSTS unless STAFF_PASSKEY_ORIGINS lists them).
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_RP_ID_CALLABLE = "genmig.staff.factors.passkey_domain"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "STAFF_PASSKEY_ORIGINS",
    default=[f"https://{host}" for host in ALLOWED_HOSTS if host != "*" and host[:1] != "."],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# HTTPS. In production a TLS-terminating proxy stands in front of every instance and says in
# DJANGO_PROXY_SSL_HEADER (X-Forwarded-Proto) that the visitor came over HTTPS; the proxy
# must overwrite that header, never pass on a visitor's. `make run` and `make serve` are HTTP.
PROXY_SSL_HEADER = env("DJANGO_PROXY_SSL_HEADER", default="")
if PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{PROXY_SSL_HEADER.upper().replace('-', '_')}", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# IOM's three official languages. English pages keep their unprefixed addresses; French
# and Spanish ones live under /fr/ and /es/. Editors' texts not yet translated fall back to
# English (django-modeltranslation).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's own way of writing dates: "20 January 2027", "1er décembre 2026".
FORMAT_MODULE_PATH = ["genmig.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = label_in_language
# One format for dates and times per language, everywhere in the admin.
FORMAT_MODULE_PATH = ["genmig.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The admin takes and shows times (publishing schedules) in IOM headquarters' time zone.
ADMIN_TIME_ZONE = env("ADMIN_TIME_ZONE", default="Europe/Zurich")
if ADMIN_TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"ADMIN_TIME_ZONE={ADMIN_TIME_ZONE!r} is not a time zone name such as 'Europe/Zurich'."
    )

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (partner logos). On one machine they live under MEDIA_ROOT and the site
# serves them itself at /media/; with several instances they go to shared object storage
# (S3 or compatible, through django-storages) named by AWS_STORAGE_BUCKET_NAME.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_BUCKET = env("AWS_STORAGE_BUCKET_NAME", default="")
if MEDIA_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,
            "file_overwrite": False,
            # Logo names carry a hash of their content, so browsers may keep them.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_BUCKET:
    # Where browsers fetch uploaded images from, for the Content-Security-Policy below.
    storage_options = MEDIA_STORAGE["OPTIONS"]
    MEDIA_ORIGINS = [
        env("MEDIA_ORIGIN", default="")
        or (
            f"https://{storage_options['custom_domain']}"
            if storage_options["custom_domain"]
            else storage_options["endpoint_url"] or f"https://{MEDIA_BUCKET}.s3.amazonaws.com"
        )
    ]
else:
    MEDIA_ORIGINS = []
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: the console in development; EMAIL_URL (for example smtp+tls://user:pass@host:587)
# in production, where the site refuses to start without it: enquiry notifications would
# otherwise go nowhere while marked sent. A slow mail server must never hold a visitor's
# request for long.
EMAIL_URL = required_in_production("EMAIL_URL", "consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
if not DEBUG and EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821
    # Asked for explicitly (make serve does, to try the site out): the log then says that
    # an email would have gone out, and to whom, but never what the visitor wrote.
    EMAIL_BACKEND = "genmig.mail.ConsoleBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=5)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="GenMig website <noreply@genmig.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Drafts of live items (drafts/): how long a shared preview link opens the draft, whether a
# change to a live item needs a publisher, and whether publishers may approve their own drafts.
PREVIEW_LINK_HOURS = env.int("PREVIEW_LINK_HOURS", default=48)
REVIEW_REQUIRED = env.bool("REVIEW_REQUIRED", default=False)
REVIEW_SELF_APPROVAL = env.bool("REVIEW_SELF_APPROVAL", default=False)

CONTACT_EMAIL = env("CONTACT_EMAIL", default="research@iom.int")

# Enquiries sent through the contact form (partners app).
# Accepted enquiries per client and hour (an IPv6 client: its /64), counted in the database.
ENQUIRY_RATE_LIMIT = env.int("ENQUIRY_RATE_LIMIT", default=5)
# A form sent back sooner than this after it was shown is taken for a robot's.
ENQUIRY_MIN_SECONDS = env.float("ENQUIRY_MIN_SECONDS", default=2)
# Seconds the admin's "retry sending" spends sending before it leaves the rest to
# send_pending_enquiries; well under GUNICORN_TIMEOUT, as each email may take EMAIL_TIMEOUT.
ENQUIRY_RETRY_SECONDS = env.int("ENQUIRY_RETRY_SECONDS", default=10)
# How long enquiries are kept; the privacy notice says so, purge_personal_data deletes older ones.
ENQUIRY_RETENTION_DAYS = env.int("ENQUIRY_RETENTION_DAYS", default=730)
# How long the daily audience figures (manage.py import_audience) are kept.
AUDIENCE_RETENTION_DAYS = env.int("AUDIENCE_RETENTION_DAYS", default=400)
# Personal data: how long each kind is kept. `manage.py purge_personal_data` (daily, from cron)
# deletes what is older, and the privacy notice states the same periods (genmig/personal_data.py).
# Enquiries marked spam, whether caught by the robot trap or by staff.
SPAM_ENQUIRY_RETENTION_DAYS = env.int("SPAM_ENQUIRY_RETENTION_DAYS", default=30)
# Emails to staff about drafts, once sent (their bodies name people and quote comments).
REVIEW_NOTICE_RETENTION_DAYS = env.int("REVIEW_NOTICE_RETENTION_DAYS", default=90)
# Records of sign-ins and failed attempts to the admin: SIGN_IN_RECORD_RETENTION_DAYS above.
# Erasures are logged here as well as in the database (a keyed hash of the address and the time,
# never the address), so that restoring an older backup erases again whom it must. Keep the file
# where backups are kept apart from the database, and never edit it by hand.
ERASURE_LOG_FILE = Path(env("ERASURE_LOG_FILE", default=str(BASE_DIR / "var" / "erasures.jsonl")))

# Backups (`manage.py backup`): where archives are written, and for how many days they are kept
# (the newest is always kept). They hold personal data too, so the privacy notice states it.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=30)
# Folder of PostgreSQL's client programs (pg_dump, pg_restore) of the server's major version;
# unset, /usr/lib/postgresql/<server version>/bin (Debian) or the PATH's.
PG_BIN_DIR = env("PG_BIN_DIR", default="")

# The client address is REMOTE_ADDR unless the site runs behind this many reverse proxies,
# each adding the address it saw to X-Forwarded-For. Never set it higher than the real
# number of proxies: the header would then tell whatever a visitor wants it to.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# X-Forwarded-For is read only on connections from these addresses or networks: the proxies'
# (the same variable and default as gunicorn's, so that both trust the same machines).
FORWARDED_ALLOW_IPS = [
    address.strip()
    for address in env("FORWARDED_ALLOW_IPS", default="127.0.0.1,::1").split(",")
    if address.strip()
]
# Largest request body, file uploads excepted; bigger ones are answered with status 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)

# Content-Security-Policy (django-csp): the site's own scripts, styles and images only, no
# inline script or style anywhere (the admin included), no frames, plugins or <base>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Browser features the site never uses, turned off in the Permissions-Policy header.
PERMISSIONS_POLICY_OFF = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Turned on for the site's own pages in the admin only: passkeys (WebAuthn).
PERMISSIONS_POLICY_ADMIN_SELF = ["publickey-credentials-create", "publickey-credentials-get"]

# Everything to standard output, one line per event (a traceback included), for the
# process manager or container runtime to collect.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "genmig.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
