from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
    TherapyFactory,
)


def full_case(sessions: int, labs: int):  # type: ignore[no-untyped-def]
    case = CaseFactory()
    LabFactory.create_batch(labs, case=case)
    TaceFactory.create_batch(sessions, case=case)
    ClinicalFactory(case=case)
    ImagingFactory(case=case)
    EndoscopyFactory(case=case)
    TherapyFactory(case=case)
    return case


def test_case_page_shows_every_record(coordinator_client: Client) -> None:
    case = full_case(sessions=2, labs=2)
    page = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert page.count("<tr><td>") >= 2 + 2 + 1 + 1 + 1
    assert "Sorafenib" in page and "Ended: progression" in page
    assert "Small" in page  # varices
    assert page.index('id="tace-table"') < page.index('id="labs-table"')


def test_unrecorded_values_are_shown_as_not_recorded(coordinator_client: Client) -> None:
    case = CaseFactory(ecog=None, contraindication_bevacizumab=None)
    page = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert page.count('title="not recorded"') >= 2


def test_case_page_query_count_does_not_grow_with_records(coordinator_client: Client) -> None:
    small = full_case(sessions=1, labs=1)
    large = full_case(sessions=20, labs=100)

    def queries(case) -> int:  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as captured:
            assert coordinator_client.get(case.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)


def test_missing_case_is_404(coordinator_client: Client) -> None:
    assert coordinator_client.get("/cases/999999/").status_code == 404
