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


def test_rules_page_shows_the_rule_set_its_changes_and_our_readings(viewer_client: Client) -> None:
    page = viewer_client.get("/cases/rules/").content.decode()
    assert "rule set kr-2022.2" in page and "Changes since kr-2022.1" in page
    assert "ALG-WEIGH-SWITCH" in page and "OPT-DT-VP4" in page
    # Where the rule book leaves a case open, the page says which reading the tool takes.
    assert "Our reading:" in page and "CR, CR, then an unrecorded" in page


def test_docs_rules_md_carries_the_change_list() -> None:
    text = DOCS.read_text()
    assert text.startswith("# Rule catalogue — rule set kr-2022.2")
    assert "## Changes since kr-2022.1" in text and "*Our reading:*" in text
