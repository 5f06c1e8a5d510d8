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


def test_next_meeting_is_the_earliest_still_to_come(coordinator_client: Client) -> None:
    from meetings.models import AgendaItem, Meeting

    def meeting_in(days: int) -> Meeting:
        return Meeting.objects.create(
            title="Board", starts_at=timezone.now() + datetime.timedelta(days=days), location="Room 1"
        )

    planned = complete_case("N-1")
    complete_case("N-2")  # on no agenda
    past, later, sooner = meeting_in(-3), meeting_in(14), meeting_in(7)
    for meeting in (past, later, sooner):
        AgendaItem.objects.create(meeting=meeting, case=planned, position=1)
    page = coordinator_client.get("/cases/?q=N-").content.decode()
    row_of = {label: page.split(f">{label}</a>")[1].split("</tr>")[0] for label in ("N-1", "N-2")}
    shown = timezone.localtime(sooner.starts_at).strftime("%Y-%m-%d %H:%M")
    assert f'data-label="Next meeting">{shown}<' in row_of["N-1"]
    assert 'data-label="Next meeting">none planned<' in row_of["N-2"]


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


@pytest.mark.parametrize("few_matches", [worklist.FEW_MATCHES, 1])  # cases read by id, or the range kept
def test_a_search_finds_the_text_anywhere_in_the_label_ignoring_case(
    coordinator_client: Client, few_matches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worklist, "FEW_MATCHES", few_matches)
    for label in ("HCC-2024-0117", "HCC-2024-0217", "LIV-0117-B"):
        CaseFactory(label=label)

    def found(text: str) -> list[str]:
        return sorted(rows(coordinator_client.get("/cases/", {"q": text}).content.decode()))

    assert found("hcc-2024-01") == ["HCC-2024-0117"]  # from the start, typed in lower case
    assert found("0117") == ["HCC-2024-0117", "LIV-0117-B"]  # in the middle and at the end
    assert found("7-b") == ["LIV-0117-B"]
    assert found("17") == ["HCC-2024-0117", "HCC-2024-0217", "LIV-0117-B"]  # two characters
    assert found("2024-0") == ["HCC-2024-0117", "HCC-2024-0217"]
    assert found("%") == [] and found("_0") == []  # literal characters, never wildcards
    assert found("0117x") == []


def test_a_relabelled_case_is_found_by_its_new_label_only(coordinator_client: Client) -> None:
    case = CaseFactory(label="OLD-LABEL-1")
    case.label = "NEW-1"
    case.save()
    assert rows(coordinator_client.get("/cases/?q=NEW-1").content.decode()) == ["NEW-1"]
    assert rows(coordinator_client.get("/cases/?q=OLD-LAB").content.decode()) == []
    assert rows(coordinator_client.get("/cases/?q=LABEL").content.decode()) == []


@pytest.mark.parametrize("sort", [*worklist.SORTS, *(f"-{key}" for key in worklist.SORTS)])
def test_a_search_lists_the_same_rows_in_the_same_order_however_it_is_read(
    coordinator_client: Client, sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label being typed is read by id (worklist.FoundCases), a text most labels share through the
    list's own query: the same rows, the same order, the same pages."""
    complete_case("PG-0001")
    complete_case("PG-0002", liver_failing=True)
    complete_case("PG-0003", responses=("PD", "PD"))
    for n in range(4, 56):
        CaseFactory(label=f"PG-{n:04d}", status="closed" if n % 9 == 0 else "open")

    def listed(query: str) -> list[list[str]]:
        pages = []
        for number in (1, 2):
            page = coordinator_client.get(f"/cases/?q=pg-&sort={sort}&page={number}{query}").content.decode()
            pages.append(rows(page))
        return pages

    for query in ("", "&status=all", "&status=closed", "&verdict=refractory", "&discuss=on"):
        by_id = listed(query)
        monkeypatch.setattr(worklist, "FEW_MATCHES", 0)
        by_query = listed(query)
        monkeypatch.undo()
        assert by_id == by_query, query
    first, second = listed("&status=all")
    assert len(first) == 50 and len(second) == 5  # 55 cases, pages of 50
