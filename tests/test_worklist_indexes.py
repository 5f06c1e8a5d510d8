"""Every sort and the label search of the worklist can be read from an index on PostgreSQL.

The planner picks sequential scans for small tables whatever indexes exist, so each query is
explained with sequential scans and sorts priced out (enable_seqscan, enable_sort off): if the plan
still scans the table or sorts, no index matches the query Django writes, and at 100,000 cases the
page would read every row (docs/performance.md has the plans at that size).
"""

from __future__ import annotations

import psycopg.sql
import pytest
from django.db import connection
from django.test import Client

from cases import worklist
from cases.models import Case, Status

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's plans"),
]


def plan(queryset) -> str:  # type: ignore[no-untyped-def]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("sort", [*worklist.SORTS, *(f"-{key}" for key in worklist.SORTS)])
def test_each_sort_reads_an_index_in_its_order(sort: str) -> None:
    cases = Case.objects.filter(status=Status.OPEN).order_by(*worklist.ordering(sort))[:50]
    explained = plan(cases)
    assert "Index Scan" in explained and "Sort" not in explained, explained


def generic_plan(sql: str, params: list[object]) -> str:
    """EXPLAIN of `sql` prepared and planned once for any parameters, as PostgreSQL may run a
    statement psycopg has prepared (settings.DATABASES): where `LIKE 'TEXT%'` could use no index."""
    numbered = sql.split("%s")  # Django's placeholders as PostgreSQL's $1, $2, …
    prepared = "".join(f"{part}${n}" for n, part in enumerate(numbered[:-1], 1)) + numbered[-1]
    types = ", ".join("text" if isinstance(param, str) else "bigint" for param in params)
    values = ", ".join(psycopg.sql.Literal(param).as_string(None) for param in params)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"PREPARE planned ({types}) AS {prepared}")
        cursor.execute(f"EXPLAIN EXECUTE planned({values})")
        explained = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE planned")
    return explained


def test_the_suffixes_starting_with_a_text_are_one_range_of_their_index() -> None:
    explained = generic_plan(f"{worklist._suffix_range_sql()} LIMIT %s", ["0042-1", "0042-1\x7f", 1001])
    assert (
        "Index Scan using label_suffix_bytes" in explained
        or "Bitmap Index Scan on label_suffix_bytes" in explained
    ), explained


def test_the_cases_found_are_read_through_an_index() -> None:
    Case.objects.create(label="BENCH-0042-123")
    explained = plan(Case.objects.filter(worklist.label_contains("0042-1")).order_by("label")[:51])
    assert "Index Scan" in explained and "Seq Scan on cases_case" not in explained, explained


def test_a_label_already_taken_is_found_from_the_unique_index() -> None:
    """Every save and every live-panel post checks the label (cases/forms/case.py): at 100,000
    cases, comparing UPPER(label) read every case (41 ms)."""
    explained = plan(Case.labelled("bench-0042-123").exclude(pk=1).order_by().values("pk")[:1])  # as exists()
    assert "case_label_unique_ignoring_case" in explained, explained


def test_the_outdated_summaries_are_found_without_reading_every_case() -> None:
    explained = plan(worklist.outdated().values("pk")[:200])
    assert "assessed_rule_set" in explained and "Seq Scan" not in explained, explained


def test_the_list_still_answers_with_the_search(coordinator_client: Client) -> None:
    Case.objects.create(label="BENCH-0042-123")
    assert "BENCH-0042-123" in coordinator_client.get("/cases/?q=0042-1").content.decode()
