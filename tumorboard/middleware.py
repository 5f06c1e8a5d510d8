"""Request middleware of the project: structured request logging, and the session's idle clock.

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

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone as django_timezone
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
