"""Request middleware of the project: structured request logging, the session's idle clock and
absolute lifetime, forwarded headers from trusted proxies only, read access by role, and no caching
of patient data.

## Request log

One JSON line per request, without patient values.

Logger `tumorboard.request`, level INFO. Each line holds the method, the URL path, for a GET the
*names* of the query-string parameters (never their values; a POST's query string is not logged at
all), the status, the duration in ms, the signed-in user's id (never the name) and a request id.

Patient values travel only in POST bodies (forms and the live panel), never in URLs, and the body
is never read here. The request id is a fresh uuid4, or the proxy's `X-Request-ID` when it is a
plain token (letters, digits, dashes; at most 64), and is returned as the `X-Request-ID` header so
a user's report, the proxy's log and this log can be matched.

## Session renewal

Users are signed out after SESSION_COOKIE_AGE (12 h) without a request. Django's
SESSION_SAVE_EVERY_REQUEST would rewrite the session row (an UPDATE and a commit) on every
request, display polls included; instead the session is saved again only when its stored expiry is
more than SESSION_RENEW_SECONDS (60 s) old, so an active user's session is written at most once a
minute and an idle one expires between 12 h − 60 s and 12 h after its last request.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone as django_timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty

log = logging.getLogger("tumorboard.request")

REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if the request already looked the user up (never a query of its own)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:  # lazy user not evaluated: the view never needed it (e.g. /healthz)
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if log.isEnabledFor(logging.INFO):
            line: dict[str, object] = {
                "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": _user_id(request),
            }
            if request.method in ("GET", "HEAD") and request.GET:
                line["query_keys"] = sorted(request.GET.keys())
            log.info(json.dumps(line, separators=(",", ":")))
        return response


class SessionRenewalMiddleware:
    """Renew a signed-in session's expiry when it was last stored more than SESSION_RENEW_SECONDS ago.

    Sits inside SessionMiddleware (after it in MIDDLEWARE), whose response phase then saves the
    session and refreshes the cookie. Needs SESSION_ENGINE = "tumorboard.sessions".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.modified:
            return response  # never loaded (e.g. /healthz), or saved anyway
        if getattr(request, "keeps_session_idle", False):
            return response  # machine traffic (the display's poll) is not user activity
        stored = getattr(session, "stored_expiry", None)
        if stored is None or session.is_empty():
            return response
        fresh = django_timezone.now() + timedelta(seconds=session.get_expiry_age())
        if fresh - stored > timedelta(seconds=settings.SESSION_RENEW_SECONDS):
            session.modified = True
        return response


# Set by a reverse proxy; believed only when the request comes from one (DJANGO_TRUSTED_PROXIES).
FORWARDED_HEADERS = (
    "HTTP_X_REAL_IP",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


class TrustedProxyMiddleware:
    """Drop forwarding headers (and the configured client-address header) unless the request comes
    from an address in DJANGO_TRUSTED_PROXIES: whoever reaches the app port directly cannot pick
    the address the sign-in lockout counts, nor claim HTTPS. Right after the request log (which
    reads only X-Request-ID), so that no other middleware has read them yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = (*FORWARDED_HEADERS, *settings.AXES_IPWARE_META_PRECEDENCE_ORDER[:-1])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _trusted(request.META.get("REMOTE_ADDR", "")):
            for name in self.headers:
                request.META.pop(name, None)
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Sign the user out SESSION_MAX_SECONDS (24 h) after the session began, however active it was.

    The start is stamped at sign-in (a session from before this check gets it on its next request);
    a session older than the limit is ended before the user is read, so the request goes on as
    anonymous (to the sign-in page).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and "_auth_user_id" in session
        ):
            began = session.get(SIGNED_IN_AT)
            if not isinstance(began, int):
                session[SIGNED_IN_AT] = int(time.time())  # a session from before this check existed
            elif int(time.time()) - began > settings.SESSION_MAX_SECONDS:
                logout(request)
        return self.get_response(request)


SIGNED_IN_AT = "signed_in_at"


@receiver(user_logged_in, dispatch_uid="tumorboard.session_start")
def _stamp_session_start(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # Stamped inside login(), so the session row is written once, with the stamp, as it is anyway.
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


# Pages anyone signed in may open without a role: signing in and out (and the admin, which checks
# its own permissions).
ROLELESS_VIEWS = {"login", "logout"}


class RoleRequiredMiddleware:
    """A signed-in user without a role (no `view_case`) gets 403 on every page but signing in and out.

    The views check their own permissions too; this is the net under them, so that removing a
    user's role removes every access, including pages added later.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if match is None or match.url_name in ROLELESS_VIEWS or match.app_name == "admin":
            return None
        if not getattr(view, "login_required", True):
            return None  # public (the health check)
        user = request.user
        if user.is_authenticated and not user.has_perm("cases.view_case"):
            raise PermissionDenied
        return None


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every answer the app renders: pages, PDFs and JSON carry
    patient data, and no browser or proxy may keep them (static files are answered before this)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


# The largest id any database here stores (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class BoundedIdsMiddleware:
    """Answer 404 for an id in the URL that no table can hold (/cases/99999999999999999999/), instead of
    the database driver's overflow error (a 500 on SQLite)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> None:
        if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in (*args, *kwargs.values())):
            raise Http404("No such page")
        return None


class BaselineHeadersMiddleware:
    """SecurityMiddleware's headers on answers it never finished: with the HTTPS redirect on, an
    unknown host is refused (400) inside SecurityMiddleware's own request phase, so its response
    phase never adds them. Sits outside it; never overrides what it set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin")
        return response
