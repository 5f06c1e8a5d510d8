"""Nothing loads from outside the app, and the CSP allows only 'self' for scripts and styles."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import CaseFactory, LabFactory, TaceFactory

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def pages(client: Client) -> list[str]:
    case = CaseFactory()
    LabFactory(case=case)
    TaceFactory(case=case)
    urls = ["/cases/", case.get_absolute_url(), f"/cases/{case.pk}/edit/", "/cases/new/", "/cases/rules/"]
    return [client.get(url).content.decode() for url in urls]


def test_pages_load_nothing_from_outside(coordinator_client: Client) -> None:
    for html in pages(coordinator_client):
        assert not EXTERNAL.search(html)
        assert "<style" not in html and " style=" not in html  # CSP: no inline styles


def test_no_template_references_a_remote_asset() -> None:
    for template in TEMPLATES.rglob("*.html"):
        assert not EXTERNAL.search(template.read_text()), template


def test_csp_allows_only_self_for_scripts_and_styles(coordinator_client: Client, client: Client) -> None:
    for response in (coordinator_client.get("/cases/"), client.get("/login/")):
        policy = dict(
            part.strip().split(" ", 1)
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        )
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["default-src"] == "'self'"


def test_inline_scripts_are_absent(coordinator_client: Client) -> None:
    for html in pages(coordinator_client):
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, tag


# --- issue 11: caching, sessions and headers ------------------------------------------------------


def _entries() -> int:
    from django.core.cache import cache

    return len(cache._cache)  # type: ignore[attr-defined]  # locmem's store


def test_random_csrf_cookies_make_no_new_cache_entries(member_client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    import secrets

    from django.core.cache import cache

    cache.clear()
    case = CaseFactory()
    for _ in range(20):
        member_client.cookies["csrftoken"] = secrets.token_hex(16)
        assert member_client.get(case.get_absolute_url()).status_code == 200
    assert _entries() == 1  # one case page for this session, whatever cookie it sends


def test_an_oversized_answer_is_not_kept(member_client: Client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from cases import caching

    cache.clear()
    monkeypatch.setattr(caching, "MAX_CACHED_BYTES", 1000)
    member_client.get(CaseFactory().get_absolute_url())
    assert _entries() == 0


def test_answers_with_patient_data_are_never_stored_by_browsers_or_proxies(member_client: Client) -> None:
    from meetings.models import Meeting

    case = CaseFactory()
    LabFactory(case=case)
    Meeting.objects.create(title="Board", starts_at="2026-01-01T10:00Z", location="Room 1")
    meeting = Meeting.objects.get()
    for url in (
        "/cases/",
        case.get_absolute_url(),
        f"/cases/{case.pk}/recommendation/",
        f"/api/cases/{case.pk}/assessment",
        f"/meetings/{meeting.pk}/minutes/",
        "/followup/",
    ):
        response = member_client.get(url)
        assert response.status_code == 200, url
        control = response["Cache-Control"]
        assert "no-store" in control and "private" in control, url


@pytest.mark.parametrize("https_redirect", [False, True])
def test_the_400_page_of_an_unknown_host_carries_the_security_headers(
    client: Client, settings, https_redirect: bool
) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = https_redirect  # on in production: then the host is checked earlier
    response = client.get("/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
