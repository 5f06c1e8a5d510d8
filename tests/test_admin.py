"""The admin: every model's pages render, and the history records who changed what."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from cases.models import Case
from tests.factories import CaseFactory, LabFactory
from tests.test_live_panel import form_data


@pytest.fixture
def staff_client(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


def test_every_registered_model_has_working_admin_pages(staff_client: Client) -> None:
    LabFactory()
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        assert staff_client.get(base).status_code == 200, base
        assert staff_client.get(f"{base}?q=T").status_code == 200, base
        obj = model.objects.first()
        if obj is not None:
            assert staff_client.get(f"{base}{obj.pk}/change/").status_code == 200, base
            assert staff_client.get(f"{base}{obj.pk}/history/").status_code == 200, base


def test_history_records_the_user_for_app_and_admin_changes(
    member_client: Client, member, staff_client: Client
) -> None:
    case = CaseFactory(ecog=0)
    data = form_data(member_client, case)
    assert member_client.post(f"/cases/{case.pk}/edit/", {**data, "ecog": "1"}).status_code == 302
    latest = case.history.latest("history_id")
    assert latest.ecog == 1 and latest.history_user == member
    change = staff_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert change.status_code == 200
    post = {
        "label": case.label,
        "status": "open",
        "ecog": "2",
        "contraindication_immunotherapy": "",
        "contraindication_bevacizumab": "",
    }
    for prefix in (
        "tace_sessions",
        "labs",
        "clinical_findings",
        "imaging",
        "endoscopies",
        "systemic_therapies",
    ):
        post.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert staff_client.post(f"/admin/cases/case/{case.pk}/change/", post).status_code == 302
    latest = case.history.latest("history_id")
    assert latest.ecog == 2 and latest.history_user.username == "root"


def test_demo_admin_manages_cases_in_the_admin_but_not_users(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    signed_in = client.post("/login/", {"username": "demo-admin", "password": "tumorboard-demo"})
    assert signed_in.status_code == 302
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200 and "HCC-0101" in listing.content.decode()
    assert "verdict verdict-" in listing.content.decode()
    case = Case.objects.get(label="HCC-0101")
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert f'href="/cases/{case.pk}/recommendation/"' in page and "verdict verdict-" in page
    assert client.get("/admin/meetings/meeting/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
