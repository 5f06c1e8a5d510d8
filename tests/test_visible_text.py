"""What a user reads is in the clinic's words: no raw rule id or regimen key in the visible text of
any page (issue 14). Keys may stay in data-* attributes (tests and scripts read them) and in
<code> / <pre> (the rule id beside its title, the stored JSON shown as such)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from cases.clinical.catalogue import RULES
from cases.clinical.labels import REGIMEN_LABELS
from meetings.demo import PAST_MEETING
from meetings.models import Meeting
from tests.url_samples import app_url_names, demo_url

pytestmark = pytest.mark.django_db

HIDDEN = {"code", "pre", "script", "style", "template", "title"}
RAW = re.compile(
    r"(?<![\w-])("
    # Rule ids, and the regimen keys that are not also the drug's name in prose ("after sorafenib").
    + "|".join(
        re.escape(k)
        for k in sorted([*RULES, *(k for k in REGIMEN_LABELS if "_" in k)], key=len, reverse=True)
    )
    + r")(?![\w-])"
)


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def raw_keys(html: str) -> set[str]:
    return set(RAW.findall(visible_text(html)))


def test_the_check_finds_a_raw_key_outside_code_and_not_inside() -> None:
    assert raw_keys("<p>atezolizumab_bevacizumab: not_indicated — ALG-CONTINUE-TACE</p>") == {
        "atezolizumab_bevacizumab",
        "ALG-CONTINUE-TACE",
    }
    assert raw_keys('<p data-regimen="lenvatinib"><code>OPT-AB-EGD</code> Endoscopy first</p>') == set()


def test_no_page_shows_a_raw_rule_id_or_regimen_key(coordinator_client: Client) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    checked, found = 0, {}
    past = Meeting.objects.get(
        title=PAST_MEETING
    )  # its signed decisions, in the minutes and the detail pages
    extra = [f"/meetings/{past.pk}/minutes/", f"/meetings/{past.pk}/"]
    for url in [*(demo_url(name) for name in app_url_names()), *extra]:
        response = coordinator_client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        text = visible_text(response.content.decode())
        if hits := list(RAW.finditer(text)):
            # Where each is, so a failure says what to fix.
            found[url] = sorted({" ".join(text[max(0, h.start() - 50) : h.end() + 10].split()) for h in hits})
    assert checked >= 15
    assert found == {}
