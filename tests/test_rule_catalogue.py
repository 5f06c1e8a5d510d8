"""The rule book page and docs/RULES.md come from the engine's catalogue."""

from pathlib import Path

from django.test import Client

from cases.clinical.catalogue import RULES, generate_rules_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "RULES.md"


def test_rules_page_lists_every_rule_with_its_source(viewer_client: Client) -> None:
    page = viewer_client.get("/cases/rules/").content.decode()
    for rule in RULES.values():
        assert f'id="{rule.id}"' in page
    assert "IMbrave150" in page or "Atezolizumab plus bevacizumab" in page


def test_docs_rules_md_is_up_to_date() -> None:
    """Regenerate with: python -c 'from cases.clinical.catalogue import *; print(generate_rules_markdown())'."""
    assert DOCS.read_text() == generate_rules_markdown()
