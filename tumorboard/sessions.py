"""Database sessions (Django's own table and format) that remember the expiry they were stored with,
and read the signed-in user in the same statement.

`SESSION_ENGINE = "tumorboard.sessions"`. Identical to `django.contrib.sessions.backends.db`,
except that

- a loaded session knows its stored expiry (`stored_expiry`), so that
  `tumorboard.middleware.SessionRenewalMiddleware` renews the idle clock without writing the session
  row on every request;
- the row is read with one SQL statement written once (prepared on PostgreSQL) instead of a
  composed ORM query, and the session built from it directly (every signed-in request reads it;
  composing the query cost more than the database needs to answer it);
- the key of a signed-in session starts with the user's id ("42-k3…"), so that the one statement
  reading the session also reads that user, their permissions and roles, and hands them to the
  authentication backend (tumorboard/auth.py): one round trip to the database instead of two on
  every signed-in request. The id in the key only says which user row to read beside the session;
  who is signed in is still what the session's signed data say (Django's `get_user` checks it and
  the user's session hash), and a key is only ever one the server made and stored. A session signed
  in under a key without the id (signing in, or from before this) gets a new key when it is saved.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from tumorboard.auth import model_from_row, read_with_session, user_columns_sql, user_from_row

_COLUMNS = len(Session._meta.concrete_fields)  # the session's columns come first in each row


@functools.cache
def _load_sql() -> str:
    q = connection.ops.quote_name
    # Columns by name, not `*`, as in tumorboard/auth.py: the statement is prepared on PostgreSQL.
    columns = ", ".join(q(field.column) for field in Session._meta.concrete_fields)
    table = q(Session._meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"


@functools.cache
def _load_with_user_sql() -> str:
    """The session row and, beside it, the user named by its key (no user columns when none)."""
    q = connection.ops.quote_name
    columns = ", ".join(f"s.{q(field.column)}" for field in Session._meta.concrete_fields)
    return (
        f"SELECT {columns}, {user_columns_sql()} FROM {q(Session._meta.db_table)} s "
        f"LEFT JOIN {q(User._meta.db_table)} u ON u.{q(User._meta.pk.column)} = %s "
        f"WHERE s.{q('session_key')} = %s AND s.{q('expire_date')} > %s"
    )


KEY_LENGTH = 40  # the session table's key column
RANDOM_CHARACTERS = 32  # as Django's keys: 32 of 36 characters, 165 bits


def _is_user_id(text: str) -> bool:
    """Digits that fit a key beside its random characters (at most 9: 40 - 9 - 1 ≥ 30 random)."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def _user_in(key: str) -> int | None:
    """The user id a session key starts with ("42-…"), if any."""
    head, dash, _ = key.partition("-")
    return int(head) if dash and _is_user_id(head) else None


class SessionStore(DatabaseSessionStore):
    stored_expiry: datetime.datetime | None = None

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        read_with_session.set(None)  # a new request's session: nothing from another is handed over

    def _get_session_from_db(self) -> Any:
        # As Django's: the unexpired row with this key, or no session (and no key) at all.
        session = None
        if self.session_key is not None:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            user_id = _user_in(self.session_key)
            with connection.cursor() as cursor:
                if user_id is None:
                    cursor.execute(_load_sql(), [self.session_key, now])
                else:
                    cursor.execute(_load_with_user_sql(), [user_id, self.session_key, now])
                row = cursor.fetchone()
            if row is not None:  # built from the row directly: raw() costs more than the query
                session = model_from_row(self.model, row[:_COLUMNS])
                if user_id is not None:
                    read_with_session.set(user_from_row(row[_COLUMNS:]))
        if session is None:
            self._session_key = None
            self.stored_expiry = None
            return None
        self.stored_expiry = session.expire_date
        return session

    def _key_prefix(self) -> str:
        """ "42-" for a session signed in as user 42 (from the data in memory; nothing is loaded)."""
        data = getattr(self, "_session_cache", None) or {}
        user_id = data.get(SESSION_KEY)
        if isinstance(user_id, str) and _is_user_id(user_id):
            return f"{user_id}-"
        return ""

    def _get_new_session_key(self) -> str:
        prefix = self._key_prefix()
        while True:
            key = prefix + get_random_string(
                min(RANDOM_CHARACTERS, KEY_LENGTH - len(prefix)), VALID_KEY_CHARS
            )
            if not self.exists(key):
                return key

    def save(self, must_create: bool = False) -> None:
        prefix = self._key_prefix()
        if prefix and not must_create and self.session_key and not self.session_key.startswith(prefix):
            # Signed in under a key that does not name the user: stored again under one that does.
            old = self.session_key
            self._session_key = None
            super().save()  # creates the session under a new key (`_get_new_session_key`)
            self.delete(old)
            return
        super().save(must_create)
