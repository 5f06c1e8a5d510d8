"""The worklist's pages are numbered without counting every case (cases/pagination.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import pagination
from cases.models import Case
from cases.pagination import CappedPaginator
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_short_list_is_counted_exactly() -> None:
    CaseFactory.create_batch(7)
    paginator = CappedPaginator(Case.objects.order_by("label"), 3)
    assert (paginator.count, paginator.num_pages, paginator.estimated, paginator.capped) == (
        7,
        3,
        False,
        False,
    )
    assert paginator.count_label() == "7 cases"
    assert [c.label for c in paginator.page(3)] == [Case.objects.order_by("label").last().label]


def test_a_long_filtered_list_is_counted_up_to_the_cap_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    CaseFactory.create_batch(9)
    paginator = CappedPaginator(Case.objects.filter(pk__gt=0).order_by("label"), 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5 and paginator.capped
    assert "LIMIT 5" in queries[0]["sql"]
    assert paginator.count_label() == "more than 4 cases"
    assert len(paginator.page(1)) == 2 and paginator.page(1).has_next()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the row estimate is PostgreSQL's")
def test_the_whole_table_takes_the_planner_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 5)
    CaseFactory.create_batch(12)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}")
    paginator = CappedPaginator(Case.objects.order_by("label"), 5)
    assert paginator.estimated and paginator.count == 12  # exact right after ANALYZE
    assert paginator.count_label() == "about 12 cases"
    filtered = CappedPaginator(Case.objects.filter(label__icontains="x").order_by("label"), 5)
    assert not filtered.estimated


def test_the_pages_are_said_as_surely_as_they_were_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    CaseFactory.create_batch(7)
    assert CappedPaginator(Case.objects.order_by("label"), 3).pages_label() == "3"
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    capped = CappedPaginator(Case.objects.filter(pk__gt=0).order_by("label"), 2)
    assert capped.pages_label() == "more than 2"


def test_a_list_that_fits_on_the_first_page_is_not_counted(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    CaseFactory.create_batch(3)
    paginator = CappedPaginator(Case.objects.filter(pk__gt=0).order_by("label"), 5)
    with django_assert_num_queries(1):
        page = paginator.get_page(1)
        assert len(page) == 3 and paginator.count == 3 and not page.has_next()
    assert paginator.count_label() == "3 cases" and paginator.pages_label() == "1"
