"""Adding, editing and deleting a case's dated records from the case page."""

import datetime

from django.test import Client
from django.utils import timezone

from cases import models as m
from tests.factories import CaseFactory, LabFactory, TaceFactory


def today() -> str:
    return timezone.localdate().isoformat()


def test_member_adds_a_tace_session(member_client: Client) -> None:
    case = CaseFactory()
    response = member_client.post(
        f"/cases/{case.pk}/tace/add/",
        {"date": today(), "technique": "debtace", "response": "pending", "insufficient_lesion_response": ""},
    )
    assert response.status_code == 302
    session = case.tace_sessions.get()
    assert session.technique == "debtace"
    assert session.insufficient_lesion_response is None  # not recorded stays unknown


def test_bad_value_is_shown_on_the_form_and_nothing_saved(member_client: Client) -> None:
    case = CaseFactory()
    response = member_client.post(f"/cases/{case.pk}/labs/add/", {"date": today(), "albumin_g_dl": "35"})
    assert response.status_code == 200
    assert "Albumin (g/dL): 35 is outside 0.5–7 g/dL" in response.content.decode()
    assert not m.LabResult.objects.exists()


def test_second_record_on_the_same_date_is_refused(member_client: Client) -> None:
    session = TaceFactory()
    response = member_client.post(
        f"/cases/{session.case_id}/tace/add/", {"date": session.date.isoformat(), "response": "SD"}
    )
    assert response.status_code == 200
    assert "already has a record of this kind on that date" in response.content.decode()
    assert m.TaceSession.objects.count() == 1


def test_member_edits_and_deletes_a_lab_row(member_client: Client) -> None:
    lab = LabFactory(albumin_g_dl=3.9)
    url = f"/cases/{lab.case_id}/labs/{lab.pk}/edit/"
    assert member_client.get(url).status_code == 200
    member_client.post(
        url, {"date": lab.date.isoformat(), "albumin_g_dl": "3.1", "version": str(lab.version)}
    )
    lab.refresh_from_db()
    assert lab.albumin_g_dl == 3.1
    assert member_client.post(f"/cases/{lab.case_id}/labs/{lab.pk}/delete/").status_code == 302
    assert not m.LabResult.objects.exists()


def test_record_of_another_case_is_not_found(member_client: Client) -> None:
    lab = LabFactory()
    other = CaseFactory()
    assert member_client.get(f"/cases/{other.pk}/labs/{lab.pk}/edit/").status_code == 404
    assert member_client.get(f"/cases/{other.pk}/nonsense/add/").status_code == 404


def test_case_create_and_edit(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/cases/new/",
        {
            "label": "KJ-7",
            "ecog": "1",
            "weight_kg": "58.5",
            "status": "open",
            "contraindication_immunotherapy": "false",
            "contraindication_bevacizumab": "",
        },
    )
    case = m.Case.objects.get(label="KJ-7")
    assert response["Location"] == case.get_absolute_url()
    assert case.contraindication_immunotherapy is False and case.contraindication_bevacizumab is None
    response = coordinator_client.post(
        f"/cases/{case.pk}/edit/", {"label": "KJ-7", "ecog": "9", "status": "open"}
    )
    assert "ECOG performance status: 9 is outside 0–4" in response.content.decode()
    case.refresh_from_db()
    assert case.ecog == 1


def test_last_activity_follows_record_changes(member_client: Client) -> None:
    case = CaseFactory()
    before = m.Case.objects.get(pk=case.pk).updated_at
    LabFactory(case=case, date=timezone.localdate() - datetime.timedelta(days=3))
    assert m.Case.objects.get(pk=case.pk).updated_at > before


def test_an_edit_that_does_not_say_which_version_it_read_is_refused(member_client: Client) -> None:
    lab = LabFactory(albumin_g_dl=3.9)
    response = member_client.post(
        f"/cases/{lab.case_id}/labs/{lab.pk}/edit/", {"date": lab.date.isoformat(), "albumin_g_dl": "3.1"}
    )
    assert response.status_code == 200
    assert "version: This field is required." in response.content.decode()
    lab.refresh_from_db()
    assert lab.albumin_g_dl == 3.9
