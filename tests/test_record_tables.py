"""The case page's record tables (cases/record_tables.py): each cell is what the clinic reads, an
unrecorded value stays visibly unrecorded, and buttons follow the user's permissions."""

from django.contrib.auth.models import AnonymousUser

from cases.adapters import with_records
from cases.record_tables import record_tables
from tests.factories import CaseFactory, EndoscopyFactory, TaceFactory, TherapyFactory, days_ago


def tables(case, user):  # type: ignore[no-untyped-def]
    return {table.slug: table for table in record_tables(with_records().get(pk=case.pk), user)}


def test_cells_show_labels_dates_and_unrecorded_values(member) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    TaceFactory(case=case, date=days_ago(90), technique="ctace", response="PR", response_date=None)
    TaceFactory(case=case, date=days_ago(30), technique="", response="SD")
    EndoscopyFactory(case=case, varices="small", varices_treated=None)
    TherapyFactory(case=case, regimen="sorafenib", outcome="progression")
    shown = tables(case, member)
    first, second = (row.cells for row in shown["tace"].rows)
    assert first[:5] == (1, days_ago(90).isoformat(), "Conventional (cTACE)", "PR", None)
    assert second[0] == 2 and second[2] is None  # no technique recorded: shown as not recorded
    assert shown["endoscopies"].rows[0].cells[1:] == ("Small", None)
    assert shown["therapies"].rows[0].cells[0] == "Sorafenib"
    assert "Ended: progression" in shown["therapies"].rows[0].cells
    assert shown["labs"].rows == () and shown["labs"].none_recorded == "No lab results recorded."
    assert shown["tace"].colspan == 10 and shown["labs"].colspan == 9


def test_buttons_follow_permissions(member, viewer) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    for table in tables(case, member).values():
        assert table.can_add and table.can_change and table.can_delete
    for table in tables(case, viewer).values():
        assert not (table.can_add or table.can_change or table.can_delete)
    assert not any(table.can_add for table in tables(case, AnonymousUser()).values())


def test_every_kind_has_its_table_in_page_order(viewer) -> None:  # type: ignore[no-untyped-def]
    ids = [table.table_id for table in record_tables(with_records().get(pk=CaseFactory().pk), viewer)]
    assert ids == [
        "tace-table",
        "labs-table",
        "clinical-table",
        "endoscopy-table",
        "imaging-table",
        "therapy-table",
    ]
