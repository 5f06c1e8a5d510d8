"""Nothing loads from outside the app, and the CSP allows only 'self' for scripts and styles."""

import re
from pathlib import Path

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
