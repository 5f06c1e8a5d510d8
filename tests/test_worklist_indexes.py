"""Every sort and the label search of the worklist can be read from an index on PostgreSQL.

The planner picks sequential scans for small tables whatever indexes exist, so each query is
explained with sequential scans and sorts priced out (enable_seqscan, enable_sort off): if the plan
still scans the table or sorts, no index matches the query Django writes, and at 100,000 cases the
page would read every row (docs/performance.md has the plans at that size).
"""

from __future__ import annotations

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


def test_a_label_search_reads_the_trigram_index() -> None:
    explained = plan(Case.objects.filter(label__icontains="0042-1").order_by())
    assert "case_label_trigram" in explained, explained


def test_the_outdated_summaries_are_found_without_reading_every_case() -> None:
    explained = plan(worklist.outdated().values("pk")[:200])
    assert "assessed_rule_set" in explained and "Seq Scan" not in explained, explained


def test_the_list_still_answers_with_the_search(coordinator_client: Client) -> None:
    Case.objects.create(label="BENCH-0042-123")
    assert "BENCH-0042-123" in coordinator_client.get("/cases/?q=0042-1").content.decode()
