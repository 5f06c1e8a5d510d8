"""No lost updates: of two people editing the same record, the second save is refused and shown both values."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from cases import models as m
from cases.models.versioning import StaleEdit
from tests.conftest import signed_in
from tests.factories import CaseFactory, LabFactory, user_with_role
from tests.test_live_panel import form_data, refractory_case


@pytest.fixture
def two_members(db: None) -> tuple[Client, Client]:
    return signed_in(user_with_role("anna", "board member")), signed_in(user_with_role("ben", "board member"))


def test_second_save_of_a_record_is_refused_with_both_values(two_members) -> None:
    anna, ben = two_members
    lab = LabFactory(albumin_g_dl=3.9)
    url = f"/cases/{lab.case_id}/labs/{lab.pk}/edit/"
    form = {"date": lab.date.isoformat(), "version": "1", "inr": "1.1"}
    assert anna.post(url, {**form, "albumin_g_dl": "3.1"}).status_code == 302
    refused = ben.post(url, {**form, "albumin_g_dl": "3.4"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else saved this lab result" in html
    row = html[html.index('data-field="albumin_g_dl"') :]
    assert row.index("3.1") < row.index("3.4")  # saved now, then yours
    assert (
        'name="version" value="2"' in html and 'value="3.4"' in html
    )  # ben's value kept, at the new version
    lab.refresh_from_db()
    assert lab.albumin_g_dl == 3.1  # nothing already saved is lost
    assert ben.post(url, {**form, "version": "2", "albumin_g_dl": "3.4"}).status_code == 302  # reapply
    lab.refresh_from_db()
    assert lab.albumin_g_dl == 3.4 and lab.version == 3


def test_second_save_of_the_case_form_is_refused(two_members) -> None:
    anna, ben = two_members
    case = refractory_case()
    stale = form_data(ben, case)
    fresh = form_data(anna, case)
    assert anna.post(f"/cases/{case.pk}/edit/", {**fresh, "ecog": "1"}).status_code == 302
    refused = ben.post(f"/cases/{case.pk}/edit/", {**stale, "weight_kg": "70"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'data-field="ecog"' in html and 'data-field="weight_kg"' in html
    case.refresh_from_db()
    assert case.ecog == 1 and case.weight_kg == 72


def test_stale_findings_block_is_refused_and_nothing_half_saved(two_members) -> None:
    anna, ben = two_members
    case = refractory_case()
    stale = form_data(ben, case)
    assert (
        anna.post(f"/cases/{case.pk}/edit/", {**form_data(anna, case), "albumin_g_dl": "3.0"}).status_code
        == 302
    )
    refused = ben.post(f"/cases/{case.pk}/edit/", {**stale, "albumin_g_dl": "3.3", "ecog": "1"})
    assert refused.status_code == 409
    assert 'data-field="albumin_g_dl"' in refused.content.decode()
    case.refresh_from_db()
    assert case.ecog == 0  # the case change was rolled back with the refused lab change
    assert case.labs.get().albumin_g_dl == 3.0


def test_editing_a_record_deleted_meanwhile_is_refused(two_members) -> None:
    _anna, ben = two_members
    lab = LabFactory()
    url = f"/cases/{lab.case_id}/labs/{lab.pk}/edit/"
    form = {"date": lab.date.isoformat(), "version": "1", "inr": "1.3"}
    m.LabResult.objects.filter(pk=lab.pk).delete()
    assert ben.post(url, form).status_code == 404


@pytest.mark.django_db
def test_model_refuses_a_stale_version() -> None:
    case = CaseFactory()
    first, second = m.Case.objects.get(pk=case.pk), m.Case.objects.get(pk=case.pk)
    first.ecog = 1
    first.save()
    second.ecog = 2
    with pytest.raises(StaleEdit) as error:
        second.save()
    assert error.value.current.ecog == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_on_postgresql_cannot_both_save() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locking under real concurrency is checked on PostgreSQL (CI)")
    lab = LabFactory(albumin_g_dl=3.9)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(albumin: float) -> None:
        try:
            record = m.LabResult.objects.get(pk=lab.pk)
            barrier.wait()
            record.albumin_g_dl = albumin
            record.save()
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(value,)) for value in (3.1, 3.4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    lab.refresh_from_db()
    assert lab.version == 2
