"""The worklist (the case list): stored assessment summary, columns, sorting, filters, query count."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import worklist
from cases.models import Case
from tests.factories import (
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


def complete_case(
    label: str, *, responses: tuple[str, ...] = ("SD", "SD"), liver_failing: bool = False
) -> Case:
    # Dates relative to today, never the factories' sequences (which drift back as the suite runs):
    # the labs, imaging and endoscopy stay current, the sessions 60 days apart.
    case = CaseFactory(label=label)
    if liver_failing:  # Child-Pugh C11
        LabFactory(case=case, date=days_ago(3), bilirubin_mg_dl=4.5, albumin_g_dl=2.5, inr=2.5)
    else:
        LabFactory(case=case, date=days_ago(3))
    ClinicalFactory(case=case, date=days_ago(3))
    ImagingFactory(case=case, date=days_ago(5))
    EndoscopyFactory(case=case, date=days_ago(20))
    for index, response in enumerate(responses):
        TaceFactory(case=case, date=days_ago(60 * (len(responses) - index) + 30), response=response)
    case.refresh_from_db()
    return case


def rows(page: str) -> list[str]:
    """The case labels in the order the table shows them."""
    return re.findall(r'class="fw-semibold" href="/cases/\d+/">([^<]+)</a>', page)


def test_summary_is_stored_when_a_record_is_saved() -> None:
    case = CaseFactory(label="W-1")
    case.refresh_from_db()
    assert case.assessed_rule_set == worklist.RULE_SET  # written on create
    assert case.child_pugh_label == ""
    LabFactory(case=case, bilirubin_mg_dl=1.0, albumin_g_dl=3.9, inr=1.1)
    ClinicalFactory(case=case)
    case.refresh_from_db()
    assert case.child_pugh_label == "A5"
    assert case.child_pugh_date is not None


def test_summary_is_recomputed_when_the_rule_set_changed(
    coordinator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worklist, "_all_current", False)  # a new rule set comes with new processes
    case = complete_case("W-2")
    Case.objects.filter(pk=case.pk).update(assessed_rule_set="kr-2021.1", verdict="", verdict_label="")
    page = coordinator_client.get("/cases/").content.decode()
    case.refresh_from_db()
    assert case.assessed_rule_set == worklist.RULE_SET
    assert case.verdict_label in page


def test_worklist_shows_verdict_bclc_child_pugh_score_and_top_option(coordinator_client: Client) -> None:
    complete_case("W-3")
    page = coordinator_client.get("/cases/").content.decode()
    for header in (
        "TACE verdict",
        "BCLC",
        "Child-Pugh",
        "Top option",
        "Flags",
        "Reassessment",
        "Next meeting",
    ):
        assert f">{header}<" in page
    assert ">A5" in page  # the score, not a date alone


def test_child_pugh_c_is_never_shown_as_reassuring(coordinator_client: Client) -> None:
    complete_case("W-C", liver_failing=True)
    case = Case.objects.get(label="W-C")
    assert case.child_pugh_label == "C11" and case.verdict == "outside"
    case_page = coordinator_client.get(case.get_absolute_url()).content.decode()
    for page in (coordinator_client.get("/cases/").content.decode(), case_page):
        assert "verdict-clear" not in page


def test_filter_by_verdict_and_needs_discussion(coordinator_client: Client) -> None:
    complete_case("W-REF", responses=("PD", "PD"))
    complete_case("W-OK", responses=("PR", "PR"))
    refractory = Case.objects.get(label="W-REF")
    assert refractory.verdict == "refractory"
    page = coordinator_client.get("/cases/?verdict=refractory").content.decode()
    assert rows(page) == ["W-REF"]
    assert "W-REF" in rows(coordinator_client.get("/cases/?discuss=on").content.decode())


def test_sort_by_flags_and_reverse(coordinator_client: Client) -> None:
    complete_case("W-A")
    complete_case("W-B", liver_failing=True)  # a warning flag
    assert rows(coordinator_client.get("/cases/?sort=flags").content.decode()) == ["W-B", "W-A"]
    assert rows(coordinator_client.get("/cases/?sort=-flags").content.decode()) == ["W-A", "W-B"]
    assert rows(coordinator_client.get("/cases/?sort=label").content.decode()) == ["W-A", "W-B"]
    assert coordinator_client.get("/cases/?sort=nonsense&verdict=bogus").status_code == 200


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_worklist_query_count_is_the_same_at_10_and_200_cases(coordinator_client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    # Rendered every time (no cache), so the count is the page's own.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for n in range(10):
        complete_case(f"Q-{n:03d}")
    coordinator_client.get("/cases/")  # once per process: the check for summaries from another rule set
    counts_10 = [
        count_queries(coordinator_client, url) for url in ("/cases/", "/cases/?sort=-flags&discuss=on")
    ]
    # The other 190 cases: bulk-made rows with the same stored summary (the engine is not what is measured).
    template = Case.objects.get(label="Q-000")
    fields = {f: getattr(template, f) for f in worklist.summary_fields()}
    Case.objects.bulk_create(Case(label=f"Q-{n:03d}", **fields) for n in range(10, 200))
    assert Case.objects.count() == 200
    counts_200 = [
        count_queries(coordinator_client, url) for url in ("/cases/", "/cases/?sort=-flags&discuss=on")
    ]
    # The same queries at both sizes, except the capped count, which a list that fits on its first
    # page does not need (cases/pagination.py).
    assert [n + 1 for n in counts_10] == counts_200
    assert counts_200[0] <= 8


def test_refresh_command_recomputes_every_outdated_case() -> None:
    complete_case("W-CMD")
    Case.objects.update(assessed_rule_set="", verdict="")
    out = io.StringIO()
    call_command("refresh_worklist", stdout=out)
    assert "1 case(s) recomputed" in out.getvalue()
    assert Case.objects.get(label="W-CMD").verdict == "refractory"


@pytest.fixture
def memory_cache(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "w"}
    }


def test_the_list_is_kept_until_something_it_shows_changes(
    coordinator_client: Client, memory_cache: None
) -> None:
    case = complete_case("K-1")
    first = count_queries(coordinator_client, "/cases/?sort=flags")
    assert count_queries(coordinator_client, "/cases/?sort=flags") < first  # from the cache
    assert (
        "warning" not in coordinator_client.get("/cases/?sort=flags").content.decode().split("K-1")[1][:600]
    )
    LabFactory(case=case, date=days_ago(1), bilirubin_mg_dl=4.5, albumin_g_dl=2.5, inr=2.5)  # Child-Pugh C
    assert (
        "C1" in coordinator_client.get("/cases/?sort=flags").content.decode()
    )  # at once, not after a minute


def test_moving_a_meeting_changes_the_list_at_once(coordinator_client: Client, memory_cache: None) -> None:
    from meetings.models import AgendaItem, Meeting

    case = complete_case("K-2")
    meeting = Meeting.objects.create(
        title="Board", starts_at=timezone.now() + datetime.timedelta(days=7), location="Room 1"
    )
    AgendaItem.objects.create(meeting=meeting, case=case, position=1)
    assert meeting.starts_at.date().isoformat() in coordinator_client.get("/cases/").content.decode()
    meeting.starts_at += datetime.timedelta(days=7)
    meeting.save()
    assert meeting.starts_at.date().isoformat() in coordinator_client.get("/cases/").content.decode()


def test_a_search_is_never_kept(coordinator_client: Client, memory_cache: None) -> None:
    complete_case("K-3")
    first = count_queries(coordinator_client, "/cases/?q=K-3")
    assert count_queries(coordinator_client, "/cases/?q=K-3") == first


def test_typing_a_search_swaps_the_table_only(coordinator_client: Client) -> None:
    complete_case("S-1")
    complete_case("T-1")
    swapped = coordinator_client.get("/cases/?q=S-", headers={"HX-Request": "true"}).content.decode()
    assert swapped.lstrip().startswith('<div id="worklist">')
    assert rows(swapped) == ["S-1"] and 'id="q"' not in swapped  # the search box is not replaced
    restored = coordinator_client.get(
        "/cases/?q=S-", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert 'id="q"' in restored and rows(restored) == ["S-1"]


def test_each_row_links_to_its_case_page() -> None:
    case = complete_case("U-1")
    assert worklist.row(case, days_ago(0)).url == case.get_absolute_url()


def test_a_page_number_in_other_digits_is_the_first_page(coordinator_client: Client) -> None:
    complete_case("P-2")
    assert coordinator_client.get("/cases/?page=%C2%B2").status_code == 200
