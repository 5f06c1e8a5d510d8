"""Django's PostgreSQL backend with prepared statements that outlive a migration run elsewhere.

`settings.DATABASES` selects it (`ENGINE = "tumorboard.postgresql"`) with server-side parameters
and `prepare_threshold`: psycopg then prepares a statement on a connection from its 5th execution,
and PostgreSQL stops planning it again on each request (the session, the user and a case's state
spent longer being planned than being run: docs/performance.md).

A prepared statement has a fixed result type. When a migration run by another process changes the
type of a column it reads (a longer `max_length`), PostgreSQL refuses to run it ("cached plan must
not change result type") on every connection that prepared it, and keeps refusing until that
connection closes. Here the refused statement is run again once, after the connection forgets its
prepared statements (`DEALLOCATE ALL`: psycopg forgets its own list too), so app servers keep
answering while a deploy migrates. Inside a transaction the refusal has already aborted it, so
the error stands; the transaction's rollback makes psycopg deallocate every prepared statement,
so the next one is prepared afresh.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from django.db.utils import NotSupportedError

PLAN_CHANGED = "cached plan must not change result type"


def replan_after_schema_change(
    execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        connection = context["connection"]
        if PLAN_CHANGED not in str(error) or connection.in_atomic_block:
            raise
        context["cursor"].execute("DEALLOCATE ALL")
        return execute(sql, params, many, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # First in the list, so innermost: it retries the statement itself, not other wrappers.
        self.execute_wrappers.insert(0, replan_after_schema_change)
