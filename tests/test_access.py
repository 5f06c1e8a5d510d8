"""Sign-in on every page, and roles enforced in the views (not only by hiding buttons)."""

import pytest
from django.test import Client

from tests.factories import CaseFactory, LabFactory
from tests.meetings.factories import sample_meeting
from tests.url_samples import app_url_names, sample_url

# Pages a viewer may read. Every other app URL changes something and must refuse a viewer.
READ_ONLY = {
    "cases:list",
    "cases:detail",
    "cases:rules",
    "cases:assessment_api",
    "cases:recommendation",
    "cases:timeline",
    "cases:panel",
    # Meetings (issue 5): everyone signed in may watch the display and read minutes and reports.
    "meetings:list",
    "meetings:detail",
    "meetings:present",
    "meetings:poll",
    "meetings:minutes",
    "meetings:minutes_pdf",
    "meetings:decision",
    "meetings:decision_snapshot",
    "meetings:followup",
    "meetings:concordance",
    "interop:fhir_export",
}
# Not behind the sign-in: the EHR's signed JWT authenticates each call (tests/interop/test_cds_hooks.py).
PUBLIC = {"interop:cds_discovery", "interop:cds_service"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in app_url_names() if n not in PUBLIC])
def test_anonymous_requests_are_sent_to_sign_in(client: Client, name: str) -> None:
    url = sample_url(name)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


@pytest.mark.django_db
def test_admin_requires_staff_sign_in(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in app_url_names() if n not in READ_ONLY | PUBLIC])
def test_viewer_cannot_write(viewer_client: Client, name: str) -> None:
    case = CaseFactory(pk=1)
    LabFactory(case=case, pk=1)
    url = sample_url(name)
    assert viewer_client.post(url, {"label": "X", "date": "2026-01-01"}).status_code == 403, url
    case.refresh_from_db()
    assert case.label != "X"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(READ_ONLY & set(app_url_names())))
def test_viewer_can_read(viewer_client: Client, name: str) -> None:
    sample_meeting(CaseFactory(pk=1))
    assert viewer_client.get(sample_url(name)).status_code == 200


def test_viewer_sees_no_edit_buttons(viewer_client: Client) -> None:
    case = CaseFactory()
    LabFactory(case=case)
    page = viewer_client.get(case.get_absolute_url()).content.decode()
    assert "Edit case" not in page
    assert ">Delete<" not in page and ">Add<" not in page


def test_board_member_edits_but_does_not_create_cases(member_client: Client) -> None:
    case = CaseFactory()
    assert member_client.get("/cases/new/").status_code == 403
    assert member_client.get(f"/cases/{case.pk}/edit/").status_code == 200
