"""Settings for the tumor board, read from the environment (no per-environment files).

Every variable is listed in the README. Debug is off unless DJANGO_DEBUG says otherwise, and with
debug off the secure defaults (HTTPS redirect, secure cookies, HSTS) are on; each has a switch for
a TLS-terminating proxy or a local benchmark over plain HTTP.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.contrib.messages import constants as messages
from django.core.exceptions import ImproperlyConfigured

from tumorboard.release import release_digest

# Lets the typed generics run: `forms.ModelForm[Meeting]` is a subscript at import time, which
# Django's own classes do not support (django-stubs-ext adds a no-op `__class_getitem__`).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off; anything else is a configuration error."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name: str, default: str = "") -> list[str]:
    """A comma-separated list variable, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# A secret is needed only where something is signed: sessions, CSRF tokens, i.e. when serving.
# Without one, the command line (assess, export_case, …) runs with a throwaway key, and serving
# refuses to start (tumorboard/wsgi.py, which runserver and gunicorn both load).
SECRET_KEY_REQUIRED_TO_SERVE = not SECRET_KEY and not DEBUG
if not SECRET_KEY:
    SECRET_KEY = (
        "insecure-development-key-only-used-with-debug-on" if DEBUG else "unset-" + secrets.token_urlsafe(40)
    )

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "cases",
    # Adds to the case page and the demo data through cases/apps.py (cases never imports it).
    "meetings",
    # FHIR export/import and the CDS Hooks service (docs/FHIR.md); may import cases and meetings.
    "interop",
]

MIDDLEWARE = [
    # First, so its line covers every other middleware's time and final status (tumorboard/middleware.py).
    "tumorboard.middleware.RequestLogMiddleware",
    # Before anything reads X-Real-IP / X-Forwarded-*: only a trusted proxy may set them.
    "tumorboard.middleware.TrustedProxyMiddleware",
    # Outside SecurityMiddleware and CommonMiddleware, so that the 400 of an unknown host (raised
    # in them) carries the CSP and frame headers too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tumorboard.middleware.BaselineHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside whitenoise: static files keep their long cache headers; everything else is no-store.
    "tumorboard.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews the 12 h idle clock at most once a minute instead of on every request (tumorboard/middleware.py).
    "tumorboard.middleware.SessionRenewalMiddleware",
    # Ends a session 24 h after it began, active or not (before the user is read from it).
    "tumorboard.middleware.SessionLifetimeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A signed-in user without a role reads nothing (403), whatever the view.
    "tumorboard.middleware.RoleRequiredMiddleware",
    # An id in the URL too large for any table is a 404, not a database overflow.
    "tumorboard.middleware.BoundedIdsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tumorboard.urls"
WSGI_APPLICATION = "tumorboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.context_processors.roles",
                "meetings.context_processors.roles",
            ],
            "builtins": ["template_partials.templatetags.partials"],
            # Cached loaders in every environment: the live panel re-renders on each keystroke.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_PREPARED", True):
    # PostgreSQL plans each statement again unless it is prepared: for the statements every request
    # sends (the session, the user, a case's state) planning took longer than running them
    # (0.4-0.6 ms each, docs/performance.md). Server-side parameters let psycopg prepare a statement
    # on a connection from its 5th execution; the backend (tumorboard/postgresql/base.py) keeps them
    # working through a migration. DATABASE_PREPARED=false behind a pooler that does not keep
    # prepared statements (PgBouncer in transaction mode before 1.21).
    DATABASES["default"]["ENGINE"] = "tumorboard.postgresql"
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username+IP before any password is checked. Then
# Django's ModelBackend, reading a user's permissions in one query instead of two (tumorboard/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tumorboard.auth.PermissionBackend",
]
# Message levels as Bootstrap alert colours (base.html): an error is "danger".
MESSAGE_TAGS = {messages.ERROR: "danger"}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TZ_NAME", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: only this app's own scripts and styles, nothing inline, nothing remote.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Secure defaults with debug off; each can be switched off for a proxy that terminates TLS
# (DJANGO_SECURE_SSL_REDIRECT=false) or a local benchmark over plain HTTP (all three false).
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is a commitment for a whole domain; hospital intranet hosts are not submitted to the
# browsers' preload list, so it is opt-in and Django's reminder about it is silenced unless opted in.
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
# Addresses (or networks, e.g. 10.0.0.0/24) of the reverse proxies whose X-Real-IP / X-Forwarded-*
# headers are believed; from anyone else they are dropped (tumorboard.middleware.TrustedProxyMiddleware).
TRUSTED_PROXIES = envlist("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1" if BEHIND_PROXY else "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer's health check may speak plain HTTP to the app server directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A working day and a half of idleness signs the user out; each request renews the clock.
SESSION_COOKIE_AGE = envint("DJANGO_SESSION_SECONDS", 12 * 3600)
# Each request renews the clock, but the session row is rewritten at most once per
# DJANGO_SESSION_RENEW_SECONDS (tumorboard.middleware.SessionRenewalMiddleware), not on every request:
# signed out between 12 h − 60 s and 12 h after the last request. Sessions stay in the database.
SESSION_ENGINE = "tumorboard.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = envint("DJANGO_SESSION_RENEW_SECONDS", 60)
# Shared workstations: the session cookie lasts until the browser closes (the idle limit above
# still holds on the server); DJANGO_SESSION_BROWSER_CLOSE=false keeps it for the idle limit instead.
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("DJANGO_SESSION_BROWSER_CLOSE", True)
# However active, a session ends this long after it began (tumorboard.middleware.SessionLifetimeMiddleware).
SESSION_MAX_SECONDS = envint("DJANGO_SESSION_MAX_SECONDS", 24 * 3600)

# Sign-in throttling (django-axes): 10 failed passwords for one username from one IP address lock
# that pair for 15 minutes; other users on the same IP and the same user elsewhere can still sign
# in. Covers the app's and the admin's sign-in (both authenticate through the backends above).
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# The client's IP: REMOTE_ADDR, unless a reverse proxy sits in front (DJANGO_BEHIND_PROXY); then the
# header that proxy sets and overwrites (X-Real-IP, see docs/operations.md), never a header the
# client could forge. The explicit order matters: django-ipware would otherwise trust X-Forwarded-For.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    (
        *tuple(
            f"HTTP_{name.upper().replace('-', '_')}"
            for name in envlist("DJANGO_CLIENT_IP_HEADER", "X-Real-IP")
        ),
        "REMOTE_ADDR",
    )
    if BEHIND_PROXY
    else ("REMOTE_ADDR",)
)

# Cache (Django's cache framework): rendered case pages and live panels, keyed on the case's state
# (cases/caching.py), so an unchanged case is not rendered again (docs/performance.md). Default:
# memory of each app-server process. Several app servers share one Redis (DJANGO_CACHE=redis with
# REDIS_URL; tumorboard/cache.py keeps serving, uncached, while Redis is away) or, without Redis, a
# database cache table (DJANGO_CACHE=db; run `manage.py createcachetable` once) — docs/operations.md.
# A shared cache outlives a deploy: its keys carry the release (tumorboard/release.py), so that
# answers rendered by other code are never served.
_CACHE = os.environ.get("DJANGO_CACHE", "locmem").strip().lower()
CACHES: dict[str, dict[str, Any]]
if _CACHE in ("redis", "db"):
    _SHARED_PREFIX = f"{os.environ.get('DJANGO_CACHE_PREFIX', 'tumorboard')}:{release_digest(BASE_DIR)}"
if _CACHE == "redis":
    CACHES = {
        "default": {
            "BACKEND": "tumorboard.cache.ResilientRedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": _SHARED_PREFIX,
        }
    }
elif _CACHE == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tumorboard_cache",
            "KEY_PREFIX": _SHARED_PREFIX,
        }
    }
elif _CACHE in ("locmem", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tumorboard",
            "OPTIONS": {"MAX_ENTRIES": envint("DJANGO_CACHE_ENTRIES", 500)},
        }
    }
elif _CACHE == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(f"DJANGO_CACHE must be locmem, redis, db or none, not {_CACHE!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"message": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Request lines carry URLs only; patient values travel in POST bodies, never in URLs.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One JSON line per request (tumorboard/middleware.py); DJANGO_REQUEST_LOG=false silences it.
        "tumorboard.request": {
            "handlers": ["requests"],
            "level": "INFO" if envbool("DJANGO_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        },
        # django-axes warns of each failed and locked sign-in (username and address masked); no chatter.
        "axes": {"level": "WARNING"},
    },
}

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "tumorboard-demo")

# CDS Hooks (interop/cds_hooks.py, docs/operations.md): off unless CDS_HOOKS_EHRS_FILE names a JSON
# file of the EHRs allowed to call, by issuer: {"<iss>": {"jwks": {"keys": [...]}, "fhir_servers": [...]}}.
CDS_HOOKS_EHRS_FILE = os.environ.get("CDS_HOOKS_EHRS_FILE", "")
# The public origin the EHR calls (the JWT's `aud` is this + /cds-services/<id>); default: the request's.
CDS_HOOKS_BASE_URL = os.environ.get("CDS_HOOKS_BASE_URL", "")
