"""Database sessions (Django's own table and format) that remember the expiry they were stored with.

`SESSION_ENGINE = "tumorboard.sessions"`. Identical to `django.contrib.sessions.backends.db`,
except that

- a loaded session knows its stored expiry (`stored_expiry`), so that
  `tumorboard.middleware.SessionRenewalMiddleware` renews the idle clock without writing the session
  row on every request;
- the row is read with one prepared SQL statement instead of a composed ORM query (every signed-in
  request reads it; composing the query cost more than the database needs to answer it).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone


@functools.cache
def _load_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT * FROM {q(Session._meta.db_table)} WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"
    )


class SessionStore(DatabaseSessionStore):
    stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self) -> Any:
        # As Django's: the unexpired row with this key, or no session (and no key) at all.
        session = None
        if self.session_key is not None:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            session = next(iter(self.model.objects.raw(_load_sql(), [self.session_key, now])), None)
        if session is None:
            self._session_key = None
            self.stored_expiry = None
            return None
        self.stored_expiry = session.expire_date
        return session
