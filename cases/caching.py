"""Rendered answers of the case page and the live panel, kept while the case has not changed.

Rendering the case page's templates costs about six times a bare request (docs/performance.md);
the assessment itself is cheap. So the views keep what they rendered in Django's cache framework
(`settings.CACHES`, default: each process's memory; `DJANGO_CACHE=db` shares one table between
app servers) under a key made of:

- the case's *state*: one query reading the case's version and last change (`updated_at`, which
  every record save bumps through `touch_case`) and, per kind of record, how many there are and
  the sum of their versions (a deleted record changes the count; an edited one its version), and
  the rows other apps keep about the case, such as the board's decisions (count, and last change
  where they record one);
- today's date (the assessment and the timeline are "as of today": `assessing.today()`);
- what shapes the answer: the live panel's form values (as a digest); for the full page, the
  signed-in user and their session (the page carries the user's name and a CSRF token). Nothing the
  client picks freely is part of a key: the session key is the server's (an unknown one signs no
  one in), and the browser's CSRF secret is stored *with* the page and compared on a hit, so random
  `csrftoken` cookies make no new entries (each session has one entry per case), and a cached page
  is only ever served to the user, session and browser it was rendered for.

Memory is bounded: at most `DJANGO_CACHE_ENTRIES` entries per process (locmem culls the oldest) and
no answer over MAX_CACHED_BYTES is kept, so a process holds at most entries × 256 kB (≈ 125 MB at the
default 500; with the text limits a case page is ≈ 45 kB and a panel ≈ 5 kB, so ≈ 25 MB in practice).

Details the page shows from other tables (a decision's meeting date, a signer's name, the user's
role) are refreshed at the latest after PAGE_SECONDS. A response with pending messages ("Lab
saved.") is never cached or served from the cache.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from cases import models as m
from cases.assessing import today
from cases.record_kinds import RECORD_KINDS

PAGE_SECONDS = 60
PANEL_SECONDS = 600
ROW_SECONDS = 3600
MAX_CACHED_BYTES = 256 * 1024  # larger answers are rendered every time, never kept


def other_case_rows() -> list[type[Any]]:
    """Models of other apps that point at a case (not its dated records, not history rows), in a
    stable order."""
    kinds = {kind.model for kind in RECORD_KINDS}
    related: set[type[Any]] = {
        rel.related_model
        for rel in m.Case._meta.related_objects
        if rel.one_to_many
        and not rel.hidden
        and isinstance(rel.related_model, type)
        and rel.related_model not in kinds
    }
    return sorted(related, key=lambda model: model._meta.db_table)


@functools.cache
def _state_sql() -> str:
    """One SELECT over the case row with a sub-select per aggregate (built once: the ORM would take
    longer to compose it than the database takes to answer it)."""
    q = connection.ops.quote_name
    columns = [f"c.{q('version')}", f"c.{q('updated_at')}"]

    def sub(model: Any, aggregate: str) -> str:
        return f"(SELECT {aggregate} FROM {q(model._meta.db_table)} r WHERE r.{q('case_id')} = c.{q('id')})"

    for kind in RECORD_KINDS:  # every kind: a kind left out here would serve stale pages
        columns += [sub(kind.model, "COUNT(*)"), sub(kind.model, f"SUM(r.{q('version')})")]
    # Rows other apps keep about a case and show on its page (the meetings app's board decisions):
    # every other relation declared on Case, found by introspection since cases imports no such app.
    for model in other_case_rows():
        columns.append(sub(model, "COUNT(*)"))
        if any(field.name == "updated_at" for field in model._meta.fields):
            columns.append(sub(model, f"MAX(r.{q('updated_at')})"))
    return f"SELECT {', '.join(columns)} FROM {q(m.Case._meta.db_table)} c WHERE c.{q('id')} = %s"


def case_state(pk: int) -> tuple[Any, ...] | None:
    """Everything the case's pages are computed from, in one query; None if there is no such case."""
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [pk])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def _key(kind: str, *parts: Any) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"tumorboard:{kind}:{digest}"


def cached_page(request: HttpRequest, pk: int, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The case page for this user and browser, rendered again only when the case changed."""
    state = case_state(pk)
    if state is None:
        return render()  # the view answers 404
    return _for_this_browser(request, ("case-page", pk, state), render)


def cached_list(
    request: HttpRequest, choices: tuple[Any, ...], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The worklist page for this user and browser and these validated filter choices (never the raw
    query string), rendered again only when something it shows may have changed (WorklistVersion:
    one indexed read) or after PAGE_SECONDS (its next-meeting column moves with the clock)."""
    return _for_this_browser(request, ("case-list", m.WorklistVersion.current(), choices), render)


def _for_this_browser(
    request: HttpRequest, parts: tuple[Any, ...], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """A page cached under `parts`, today, the user and the session; served only to the browser it
    was rendered for (the page carries the user's name and a CSRF token)."""
    if len(messages.get_messages(request)) or not request.user.is_authenticated:
        return render()
    session_key = request.session.session_key
    if not session_key:
        return render()
    key = _key(*parts, today(), request.user.pk, session_key)
    # The browser's CSRF secret is kept beside the page: the page's tokens are valid for it only.
    cached = cache.get(key)
    if isinstance(cached, tuple) and cached[0] == request.META.get("CSRF_COOKIE"):
        return HttpResponse(cached[1])
    response = render()
    secret = request.META.get("CSRF_COOKIE")  # the browser's, or the one the page just created
    if _keepable(response) and secret and not len(messages.get_messages(request)):
        cache.set(key, (secret, response.content), PAGE_SECONDS)
    return response


def cached_rows(rows: Sequence[Hashable], render: Callable[[Any], str]) -> list[str]:
    """The HTML of each row (a frozen dataclass of plain values, such as worklist.WorklistRow),
    rendered once per distinct row and shared by every list, page, search and user that shows it.

    A row's HTML is a function of its value alone, so the value (its repr) is the key: an edited
    case makes a different row, hence a new entry; the old one ages out. One cache read for all the
    rows of a page (`get_many`), then only the rows not found are rendered."""
    keys = [_key("row", repr(row)) for row in rows]
    found = cache.get_many(keys)
    rendered = {key: render(row) for key, row in zip(keys, rows, strict=True) if key not in found}
    if rendered:
        cache.set_many(rendered, ROW_SECONDS)
    # Rendered by our template (autoescaped) when it was stored.
    return [mark_safe(found[key] if key in found else rendered[key]) for key in keys]


def _keepable(response: HttpResponse) -> bool:
    return response.status_code == 200 and len(response.content) <= MAX_CACHED_BYTES


def cached_panel(request: HttpRequest, pk: int, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The live panel for these form values over the stored case, computed again when either changes.

    The panel shows no user-specific content, so every user posting the same values shares it.
    """
    state = case_state(pk)
    if state is None:
        return render()
    values = sorted((k, v) for k, v in request.POST.lists() if k != "csrfmiddlewaretoken")
    key = _key("case-panel", pk, state, today(), values)
    content = cache.get(key)
    if content is not None:
        return HttpResponse(content)
    response = render()
    if _keepable(response):
        cache.set(key, response.content, PANEL_SECONDS)
    return response
