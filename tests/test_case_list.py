from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import CaseFactory, LabFactory, TaceFactory


def populate(cases: int, sessions: int) -> None:
    for _ in range(cases):
        case = CaseFactory()
        LabFactory(case=case)
        TaceFactory.create_batch(sessions, case=case)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_case_list_shows_tace_counts_and_filters(coordinator_client: Client) -> None:
    case = CaseFactory(label="KJ-0142")
    TaceFactory.create_batch(2, case=case)
    CaseFactory(label="ZZ-9", status="closed")
    page = coordinator_client.get("/cases/").content.decode()
    assert "KJ-0142" in page and "ZZ-9" not in page
    assert coordinator_client.get("/cases/?q=kj-01").content.decode().count("KJ-0142") == 1
    assert "KJ-0142" not in coordinator_client.get("/cases/?q=nomatch").content.decode()
    assert "ZZ-9" in coordinator_client.get("/cases/?status=closed").content.decode()
    assert "ZZ-9" in coordinator_client.get("/cases/?status=all").content.decode()


def test_case_list_paginates_by_fifty(coordinator_client: Client) -> None:
    CaseFactory.create_batch(51)
    assert coordinator_client.get("/cases/").content.decode().count('class="fw-semibold" href="/cases/') == 50
    assert "Page 1 of 2" in coordinator_client.get("/cases/").content.decode()


def test_case_list_query_count_does_not_grow_with_cases(coordinator_client: Client) -> None:
    populate(cases=2, sessions=1)
    small = count_queries(coordinator_client, "/cases/")
    populate(cases=30, sessions=4)
    assert count_queries(coordinator_client, "/cases/") == small
