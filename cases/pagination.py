"""Pages of a long list without counting every row.

Django's Paginator counts the whole filtered list (`SELECT COUNT(*)`) to number the pages: at
100,000 cases that count reads every row of the table on each page view, however small the page.
The worklist needs only to know whether there is a next page and roughly how many there are, so:

- an unfiltered list takes PostgreSQL's own estimate of the table's rows (`pg_class.reltuples`,
  kept by autovacuum and ANALYZE): one catalogue look-up, at any size;
- a filtered list is counted up to COUNT_CAP rows and no further (`COUNT(*)` over a sub-select with
  `LIMIT`), so a broad filter costs at most COUNT_CAP index entries and a narrow one is exact.

The page then says "about 100,000" or "more than 1,000" instead of a number it did not count.
Pages themselves are still read with LIMIT/OFFSET: the first pages (where a board works) cost the
same at any size; a deep page costs its offset, which no one reaches by clicking "Next".
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet

COUNT_CAP = 1_000  # "more than 1,000 cases": as much as a worklist needs to say
ESTIMATE_FROM = 10_000  # below this many rows, counting exactly is cheap: count


class CappedPaginator(Paginator):
    """A Paginator whose count is exact up to COUNT_CAP, and estimated or capped beyond it."""

    object_list: Any  # a QuerySet, or a sequence with count() (cases.worklist.FoundCases)

    def __init__(self, object_list: Any, per_page: int, counted: Any = None) -> None:
        """`counted`: the same rows without the columns that only the page shows (a sub-select per
        row would be computed for every row counted); the list itself by default."""
        super().__init__(object_list, per_page)
        self.counted = object_list if counted is None else counted

    def get_page(self, number: Any) -> Page[Any]:
        """The first page is read with one row more than it shows: when that row is missing, the
        whole list is on it and nothing needs counting (a search, a narrow filter)."""
        if str(number) == "1" and "_counted" not in self.__dict__:
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["_counted"] = (len(rows), False)
            return Page(rows[: self.per_page], 1, self)
        return super().get_page(number)

    @functools.cached_property
    def _counted(self) -> tuple[int, bool]:
        """(rows, estimated?)"""
        if not isinstance(self.counted, QuerySet):  # a list that counts itself (worklist.FoundCases)
            return min(self.counted.count(), COUNT_CAP + 1), False
        estimate = self._table_estimate()
        if estimate is not None and estimate >= ESTIMATE_FROM:
            return estimate, True
        return self.counted.order_by().values("pk")[: COUNT_CAP + 1].count(), False

    @functools.cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def estimated(self) -> bool:
        """True when `count` is PostgreSQL's estimate of the whole table."""
        return self._counted[1]

    @property
    def capped(self) -> bool:
        """True when the filtered list has more than COUNT_CAP rows (`count` is then COUNT_CAP + 1)."""
        return not self.estimated and self.count > COUNT_CAP

    def _table_estimate(self) -> int | None:
        """The planner's row estimate of the list's table, when the list is the whole table."""
        query = self.counted.query
        connection = connections[self.counted.db]
        if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [self.counted.model._meta.db_table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None

    def count_label(self, noun: str = "cases") -> str:
        """Say "about 100,000 cases", "more than 1,000 cases" or "42 cases"."""
        if self.estimated:
            return f"about {self.count:,} {noun}"
        if self.capped:
            return f"more than {COUNT_CAP:,} {noun}"
        return f"{self.count:,} {noun}"

    def pages_label(self) -> str:
        """Say "2", "about 2,000" or "more than 200": the pages, said as surely as they were counted."""
        if self.estimated:
            return f"about {self.num_pages:,}"
        if self.capped:
            return f"more than {COUNT_CAP // self.per_page:,}"
        return f"{self.num_pages:,}"
