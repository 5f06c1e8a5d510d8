"""What the meetings add to the case list (the worklist): each case's next meeting."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.utils import timezone

from cases.models import Case
from meetings.models import AgendaItem, Meeting


@functools.cache
def _next_meeting_sql() -> str:
    """The earliest start, from a given time on, of the meetings with the outer case on their agenda.

    Written once as SQL: composing the same sub-select with the ORM (Subquery, OuterRef, Min) on
    every list request took longer than the database took to answer it (docs/performance.md)."""
    q = connection.ops.quote_name
    item, meeting, case = AgendaItem._meta, Meeting._meta, Case._meta
    return (
        f"SELECT MIN(m.{q('starts_at')}) FROM {q(item.db_table)} a "
        f"JOIN {q(meeting.db_table)} m ON m.{q('id')} = a.{q('meeting_id')} "
        f"WHERE a.{q('case_id')} = {q(case.db_table)}.{q('id')} AND m.{q('starts_at')} >= %s"
    )


def next_meeting() -> tuple[str, list[Any]]:
    """The worklist's "Next meeting" column (cases/apps.py WorklistColumn): the start of the earliest
    meeting from now on with the case on its agenda. One correlated sub-select over the indexed
    agenda (case, meeting) pairs, evaluated only for the rows of the page shown."""
    return _next_meeting_sql(), [timezone.now()]
