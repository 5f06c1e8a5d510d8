"""The case page and the live panel are served from the cache only while nothing they show changed
(cases/caching.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.caching import case_state
from tests.conftest import signed_in
from tests.factories import LabFactory, user_with_role
from tests.servers import RedisServer
from tests.test_live_panel import form_data, refractory_case


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def page_cache(request: pytest.FixtureRequest, settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every test twice: on each process's memory (the default) and on a shared Redis (several app
    servers), whatever DJANGO_CACHE says in this environment."""
    if request.param == "locmem":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
        }
        yield
        return
    redis = RedisServer()
    redis.start()
    settings.CACHES = {"default": {"BACKEND": "tumorboard.cache.ResilientRedisCache", "LOCATION": redis.url}}
    yield
    redis.stop()


def view(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_repeat_view_comes_from_the_cache(member_client: Client) -> None:
    case = refractory_case()
    first, first_queries = view(member_client, case.get_absolute_url())
    again, again_queries = view(member_client, case.get_absolute_url())
    assert again == first
    assert again_queries < first_queries and again_queries <= 4  # session, user, the case's state


def test_an_edited_record_shows_at_once(member_client: Client) -> None:
    case = refractory_case()
    lab = case.labs.get()
    view(member_client, case.get_absolute_url())
    lab.albumin_g_dl = 2.1
    lab.save()
    page, _ = view(member_client, case.get_absolute_url())
    assert "<td>2.1</td>" in page


def test_a_deleted_record_disappears_at_once(member_client: Client) -> None:
    case = refractory_case()
    extra = LabFactory(case=case, inr=1.37)
    page, _ = view(member_client, case.get_absolute_url())
    assert "<td>1.37</td>" in page
    extra.delete()  # a delete does not touch the case: the state's record count changes
    page, _ = view(member_client, case.get_absolute_url())
    assert "<td>1.37</td>" not in page


def test_the_state_follows_every_kind_of_change(db: None) -> None:
    case = refractory_case()
    states = [case_state(case.pk)]
    session = case.tace_sessions.first()
    session.response = "PD"
    session.save()
    states.append(case_state(case.pk))
    case.endoscopies.get().delete()
    states.append(case_state(case.pk))
    case.refresh_from_db()
    case.ecog = 1
    case.save()
    states.append(case_state(case.pk))
    assert len(set(states)) == len(states)
    assert case_state(999_999) is None


def test_a_cached_page_is_never_served_to_another_user_or_browser(member, coordinator) -> None:  # type: ignore[no-untyped-def]
    case = refractory_case()
    url = case.get_absolute_url()
    pages = {}
    for name, user in (("member", member), ("member, other browser", member), ("coordinator", coordinator)):
        client = signed_in(user)
        client.get("/cases/")  # the browser gets its CSRF cookie
        view(client, url)
        page, _ = view(client, url)  # from the cache
        token = re.search(r'"x-csrftoken": "([^"]+)"', page).group(1)
        assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value, name
        pages[name] = page
    assert f"{member.username}" in pages["member"] and f">{coordinator.username}" not in pages["member"]
    assert f"{coordinator.username}" in pages["coordinator"]
    assert "Add to agenda" in pages["coordinator"] and "Add to agenda" not in pages["member"]


def test_a_page_with_a_message_is_not_cached(member_client: Client) -> None:
    case = refractory_case()
    lab = case.labs.get()
    view(member_client, case.get_absolute_url())
    data = {
        "date": lab.date.isoformat(),
        "albumin_g_dl": "3.1",
        "bilirubin_mg_dl": "1.0",
        "inr": "1.1",
        "version": str(lab.version),
    }
    response = member_client.post(f"/cases/{case.pk}/labs/{lab.pk}/edit/", data, follow=True)
    assert "saved." in response.content.decode()
    page, _ = view(member_client, case.get_absolute_url())
    assert "saved." not in page and "<td>3.1</td>" in page


def test_the_panel_is_shared_for_the_same_values_and_follows_the_stored_case(member_client: Client) -> None:
    case = refractory_case()
    other = signed_in(user_with_role("member2", "board member"))
    data = form_data(member_client, case)
    url = f"/cases/{case.pk}/preview/"
    first = member_client.post(url, data).content.decode()
    with CaptureQueriesContext(connection) as queries:
        shared = other.post(url, data).content.decode()
    assert shared == first and len(queries) <= 5  # session, user, permissions, the case's state
    assert 'data-status="recommended"' in first
    ecog = member_client.post(url, {**data, "ecog": "3"}).content.decode()
    assert ecog != first and 'data-status="recommended"' not in ecog
    # The stored case changes where no form field shows it (the earlier of the two TACE sessions
    # is deleted): the same values give a new panel, no longer TACE-refractory.
    case.tace_sessions.order_by("date").first().delete()
    after = member_client.post(url, data).content.decode()
    assert after != first and 'data-status="recommended"' not in after


def test_a_cases_row_follows_its_changes_at_once_in_every_list(member_client: Client) -> None:
    """Rows are rendered once and shared by every list showing them (cached_rows), keyed on what
    they show: a search shows a change the moment it is saved, like the list itself."""
    case = refractory_case()
    for url in (f"/cases/?q={case.label}&status=all", "/cases/?status=all"):
        view(member_client, url)
    lab = case.labs.get()
    lab.bilirubin_mg_dl, lab.albumin_g_dl, lab.inr = 4.5, 2.5, 2.5  # Child-Pugh C
    lab.save()
    case.refresh_from_db()
    case.status = "closed"
    case.save()
    for url in (f"/cases/?q={case.label}&status=all", "/cases/?status=closed"):
        page, _ = view(member_client, url)
        row = page.split(f">{case.label}</a>")[1].split("</tr>")[0]
        assert '<span class="badge case-status">Closed</span>' in row, url
        assert ">C1" in row, url  # Child-Pugh C, from the new labs
