"""The live eligibility panel on the case form: unsaved values are assessed, nothing is saved."""

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import models as m
from tests.factories import (
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
    days_ago,
)


def refractory_case(sessions: int = 2, labs: int = 1) -> m.Case:
    """Child-Pugh A5, ECOG 0, two SD responses within six months, endoscopy with treated varices."""
    case = CaseFactory()
    LabFactory.create_batch(labs, case=case)
    ClinicalFactory(case=case, date=days_ago(5))
    ImagingFactory(case=case, date=days_ago(10))
    EndoscopyFactory(case=case, date=days_ago(60))
    for i in range(sessions):  # the latest two sessions are 20 days apart
        TaceFactory(case=case, response="SD", date=days_ago(40 + 20 * i))
    return case


def form_data(client: Client, case: m.Case) -> dict[str, str]:
    """What the edit form posts when nothing was changed: the pre-filled values."""
    html = client.get(f"/cases/{case.pk}/edit/").content.decode()
    start = html.index('id="case-form"')
    form = html[start : html.index("</form>", start)]
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, select in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-regimen="([a-z_]+)" data-status="([a-z_]+)"', html))


def preview(client: Client, case: m.Case, **changes: str) -> str:
    data = form_data(client, case)
    data.update(changes)
    response = client.post(f"/cases/{case.pk}/preview/", data)
    assert response.status_code == 200
    return response.content.decode()


def test_unchanged_form_shows_the_stored_assessment(member_client: Client) -> None:
    case = refractory_case()
    html = preview(member_client, case)
    assert 'id="eligibility-panel"' in html and 'aria-live="polite"' in html
    assert statuses(html)["atezolizumab_bevacizumab"] == "recommended"
    assert "A5" in html and "TACE-refractory" in html


def test_ecog_2_makes_every_option_not_indicated_without_saving(member_client: Client) -> None:
    case = refractory_case()
    html = preview(member_client, case, ecog="2")
    assert set(statuses(html).values()) == {"not_indicated"}
    assert 'data-flag="GATE-ECOG"' in html
    case.refresh_from_db()
    assert case.ecog == 0


def test_vp4_contraindicates_lenvatinib(member_client: Client) -> None:
    html = preview(member_client, refractory_case(), portal_vein_invasion="vp4")
    assert statuses(html)["lenvatinib"] == "contraindicated"
    assert 'data-flag="OPT-LEN-VP4" data-severity="warning"' in html


def test_clearing_the_endoscopy_date_means_no_endoscopy(member_client: Client) -> None:
    case = refractory_case()
    html = preview(member_client, case, endoscopy_date="")
    assert statuses(html)["atezolizumab_bevacizumab"] == "needs_workup"
    assert "endoscopy date: none on record" in html
    assert case.endoscopies.count() == 1


def test_impossible_albumin_is_named_in_the_panel(member_client: Client) -> None:
    case = refractory_case()
    html = preview(member_client, case, albumin_g_dl="35")
    assert "Cannot assess" in html
    assert "Albumin (g/dL): 35 is outside 0.5–7 g/dL" in html
    assert 'data-regimen="' not in html
    assert not m.LabResult.objects.filter(albumin_g_dl=35).exists()


def test_new_case_preview_works_without_a_stored_case(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/cases/new/preview/", {"label": "NEW-1", "ecog": "0", "status": "open"}
    )
    html = response.content.decode()
    assert statuses(html)["sorafenib"] == "insufficient_data"  # Child-Pugh unknown: never assumed normal
    assert not m.Case.objects.filter(label="NEW-1").exists()


def test_preview_is_post_only(member_client: Client) -> None:
    case = CaseFactory()
    assert member_client.get(f"/cases/{case.pk}/preview/?ecog=2").status_code == 405


def test_preview_query_count_does_not_grow_with_sessions_and_labs(member_client: Client) -> None:
    small, large = refractory_case(sessions=2, labs=2), refractory_case(sessions=20, labs=100)

    def queries(case: m.Case) -> int:
        data = form_data(member_client, case)
        with CaptureQueriesContext(connection) as captured:
            assert member_client.post(f"/cases/{case.pk}/preview/", data).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)


def test_save_corrects_same_date_findings_and_adds_new_dates(member_client: Client) -> None:
    case = refractory_case()
    lab = case.labs.get()
    data = form_data(member_client, case)
    data.update(albumin_g_dl="3.2", imaging_date=timezone.localdate().isoformat(), nodule_count="4")
    response = member_client.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 302
    lab.refresh_from_db()
    assert lab.albumin_g_dl == 3.2  # same date: corrected
    assert case.imaging.count() == 2  # new date: the earlier study is kept
    assert case.imaging.order_by("date").last().nodule_count == 4


def test_save_refuses_to_delete_a_record_by_clearing_its_date(member_client: Client) -> None:
    case = refractory_case()
    data = form_data(member_client, case)
    data.update(endoscopy_date="", ecog="1")
    response = member_client.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 200
    assert "delete it on the case page" in response.content.decode()
    case.refresh_from_db()
    assert case.ecog == 0 and case.endoscopies.count() == 1


def test_findings_without_a_date_are_refused(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/cases/new/", {"label": "N-2", "status": "open", "albumin_g_dl": "3.5"}
    )
    assert "Latest labs — date: enter the date of these findings" in response.content.decode()
    assert not m.Case.objects.filter(label="N-2").exists()


def test_new_case_with_findings_is_saved_with_its_records(coordinator_client: Client) -> None:
    today = timezone.localdate().isoformat()
    response = coordinator_client.post(
        "/cases/new/",
        {
            "label": "N-3",
            "status": "open",
            "labs_date": today,
            "albumin_g_dl": "3.5",
            "inr": "1.2",
            "endoscopy_date": today,
            "varices": "none",
        },
    )
    assert response.status_code == 302
    case = m.Case.objects.get(label="N-3")
    assert case.labs.get().albumin_g_dl == 3.5
    assert case.endoscopies.get().varices == "none"


def test_moving_the_findings_onto_an_older_records_date_is_refused(member_client: Client) -> None:
    case = refractory_case()
    latest = case.labs.order_by("date").last()
    older = LabFactory(case=case, date=latest.date - datetime.timedelta(days=100), afp_ng_ml=500)
    data = form_data(member_client, case)
    data["labs_date"] = older.date.isoformat()
    response = member_client.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 200
    assert "there is already a record of this kind on" in response.content.decode()
    older.refresh_from_db()
    assert older.afp_ng_ml == 500  # the older draw is untouched


def test_headline_never_reads_unknown_as_no(member_client: Client) -> None:
    case = CaseFactory(ecog=None)
    html = member_client.post(f"/cases/{case.pk}/preview/", form_data(member_client, case)).content.decode()
    assert "Line not known: data missing" in html and "Not a systemic candidate" not in html
