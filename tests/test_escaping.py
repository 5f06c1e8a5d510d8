"""Text typed or imported into the app is never rendered unescaped."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from cases import models as m
from tests.clinical.builders import make_case

SCRIPT = '<script>alert("x")</script>'


def pages_of(case: m.Case) -> list[str]:
    return [
        "/cases/",
        f"/cases/?q={SCRIPT}",
        case.get_absolute_url(),
        f"/cases/{case.pk}/edit/",
        f"/cases/{case.pk}/recommendation/",
        f"/cases/{case.pk}/panel/",
        f"/cases/{case.pk}/timeline/",
    ]


@pytest.mark.django_db
def test_script_in_every_imported_text_field_is_escaped(coordinator_client: Client, tmp_path: Path) -> None:
    doc = make_case()
    doc["patient"]["label"] = SCRIPT
    doc["contraindications"]["note"] = SCRIPT
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc))
    call_command("import_case", str(path), stdout=io.StringIO())
    case = m.Case.objects.get(label=SCRIPT)
    for url in pages_of(case):
        html = coordinator_client.get(url).content.decode()
        assert SCRIPT not in html, url
    assert "&lt;script&gt;" in coordinator_client.get(case.get_absolute_url()).content.decode()


def test_script_typed_into_the_live_panel_is_escaped(member_client: Client) -> None:
    case = m.Case.objects.create(label="ESC-1")
    html = member_client.post(
        f"/cases/{case.pk}/preview/",
        {"label": SCRIPT, "status": "open", "ecog": SCRIPT, "albumin_g_dl": SCRIPT},
    ).content.decode()
    assert SCRIPT not in html and "ECOG performance status: " in html  # the field, by its label
