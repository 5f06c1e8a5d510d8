"""Inline (htmx) record changes on the case page refresh the tables, the panel and the timeline."""

from django.test import Client
from django.utils import timezone

from tests.test_live_panel import refractory_case

HTMX = {"HX-Request": "true"}


def test_inline_tace_add_refreshes_tables_and_signals_the_panel(member_client: Client) -> None:
    case = refractory_case(sessions=1)
    url = f"/cases/{case.pk}/tace/add/"
    form = member_client.get(url, headers=HTMX).content.decode()
    assert form.lstrip().startswith("<form") and "<nav" not in form
    response = member_client.post(
        url, {"date": timezone.localdate().isoformat(), "response": "SD"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "case-changed" and response["HX-Retarget"] == "#records"
    assert response.content.decode().count("<tr><td>") >= 2
    panel = member_client.get(f"/cases/{case.pk}/panel/").content.decode()
    assert 'data-refractoriness="refractory"' in panel


def test_inline_invalid_form_stays_in_place(member_client: Client) -> None:
    case = refractory_case(sessions=1)
    response = member_client.post(f"/cases/{case.pk}/labs/add/", {"date": "", "inr": "99"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert "INR: 99 is outside 0.5–15" in html and html.lstrip().startswith("<form")


def test_timeline_endpoint_renders_the_picture(viewer_client: Client) -> None:
    case = refractory_case()
    html = viewer_client.get(f"/cases/{case.pk}/timeline/").content.decode()
    assert "<svg" in html and "SD" in html
