"""The rule catalogue covers exactly the rule ids of RULES.md, and every id the engine emits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cases.clinical import algorithm, options, proposals, refractoriness, scores, signals
from cases.clinical.catalogue import COMBO_EVIDENCE, RULES, SOURCES, TR_NOTE, generate_rules_markdown, rule
from cases.clinical.labels import PROPOSAL_LABELS, REGIMEN_LABELS, STATUS_LABELS
from cases.clinical.options import OPTION_STATUSES
from cases.clinical.vocab import PROPOSALS, REGIMENS

from .builders import make_case, run

HERE = Path(__file__).resolve().parent
SHARED_RULES = HERE.parents[2] / "shared" / "clinical" / "RULES.md"
ID_RE = re.compile(r"\b(?:SCORE|TR|PI|GATE|OPT|DOSE|PIT|ALG|COMBO|ON)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


def rule_book_ids() -> set[str]:
    if SHARED_RULES.is_file():
        return set(ID_RE.findall(SHARED_RULES.read_text(encoding="utf-8")))
    lines = (HERE / "rules_ids.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_local_id_copy_matches_rule_book() -> None:
    if not SHARED_RULES.is_file():
        pytest.skip("shared RULES.md not present")
    lines = (HERE / "rules_ids.txt").read_text(encoding="utf-8").splitlines()
    assert {x for x in lines if x and not x.startswith("#")} == rule_book_ids()


def test_exactly_one_entry_per_rule_id() -> None:
    ids = rule_book_ids()
    assert len(ids) >= 50
    assert set(RULES) == ids


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_entry_is_complete(rule_id: str) -> None:
    r = rule(rule_id)
    assert r.id == rule_id
    assert r.title.strip() and r.explanation.strip() and r.source.strip() and r.evidence.strip()
    assert r.citation.strip()


def test_every_flaggable_rule_has_a_sentence() -> None:
    flaggable = [
        i
        for i in RULES
        if i.startswith(("PIT-", "PI-", "GATE-"))
        or i
        in (
            "OPT-AB-CI",
            "OPT-AB-EGD",
            "OPT-IO-CI",
            "OPT-LEN-VP4",
            "OPT-LEN-BURDEN",
            "OPT-REGO-TOL",
            "OPT-LEN-BILE",
            "ALG-5-OVERDUE",
            "OPT-2L-AFTER-IO",
            "OPT-2L-UNDEFINED",
        )
    ]
    assert all(RULES[i].flag for i in flaggable)


def test_every_rule_id_constant_in_the_engine_is_catalogued() -> None:
    emitted = {
        value
        for module in (algorithm, options, proposals, refractoriness, scores, signals)
        for value in vars(module).values()
        if isinstance(value, str) and ID_RE.fullmatch(value)
    }
    assert len(emitted) >= 45
    assert emitted <= set(RULES)


def test_ids_emitted_in_an_assessment_are_catalogued() -> None:
    for proposal in (None, *PROPOSALS):
        a = run(make_case(endoscopies=[], contraindications__bevacizumab=True), proposal)
        ids = {f.id for f in a.flags} | {r for o in a.options for r in o.reasons}
        ids |= {c.id for c in a.refractoriness.criteria} | {s.id for s in a.signals}
        ids |= {s for s in a.algorithm.path if s.startswith("ALG-")}
        assert ids <= set(RULES)


def test_long_source_form() -> None:
    assert "Korean J Radiol 2022;23(12):1126–1240" in SOURCES["KLCA-NCC 2022"]
    assert rule("TR-NORESP").source.startswith("Korean Liver Cancer Association")


def test_evidence_texts() -> None:
    for needle in ("TACTICS-L", "17.8 vs 11.5", "26.7 vs 14.4", "14.6 vs 10.0", "15.0 vs 8.2"):
        assert needle in COMBO_EVIDENCE
    # kr-2022.2: LEAP-012 and EMERALD-1 are PFS results without a shown OS benefit; the conversion
    # outcomes belong to ALG-5, not to the combinations.
    assert "neither has shown an overall survival benefit" in COMBO_EVIDENCE
    for needle in ("42 % vs 10 %", "90 % / 58 % / 42 %", "biliary leak 7 %", "liver failure 3 %"):
        assert needle not in COMBO_EVIDENCE and needle in rule("ALG-5").evidence
    assert "19.2 vs 13.4" in rule("OPT-AB-CI").evidence


def test_further_tace_caveat_belongs_to_no_response_only() -> None:
    assert TR_NOTE in rule("TR-NORESP").explanation
    others = [r.id for r in RULES.values() if r.id != "TR-NORESP" and TR_NOTE in r.explanation]
    assert others == []
    # A caveat without a findable author or title carries no citation.
    page = generate_rules_markdown()
    assert "Radiology 2021" not in page and "Radiology 2021" not in SOURCES


def test_clinical_review_texts() -> None:
    """The kr-2022.2 text corrections a hepatologist asked for."""
    assert "SHARP enrolled ECOG 0–2" in rule("GATE-ECOG").evidence
    assert "KEYNOTE-394" in SOURCES and "0.79" in rule("ALG-4").evidence
    assert "50 %" in rule("ALG-3").explanation
    assert "criteria for TACE failure are not met" in rule("ALG-CONTINUE-TACE").explanation
    assert "more harm" not in rule("GATE-CPC").explanation
    for rule_id in ("OPT-AB-EGD", "PIT-AB-EGD"):
        assert "upper gastrointestinal bleeding" in rule(rule_id).evidence
    assert "not recommended outside a trial" in rule("PIT-TACE-SORA").flag
    for rule_id in ("OPT-LEN-VP4", "OPT-LEN-BURDEN"):
        assert "REFLECT excluded" in rule(rule_id).explanation and "REFLECT excluded" in rule(rule_id).flag
    assert "Lencioni" not in SOURCES["EMERALD-1"].split(".")[0]


def test_labels_cover_vocabularies() -> None:
    assert set(REGIMEN_LABELS) == set(REGIMENS)
    assert set(PROPOSAL_LABELS) == set(PROPOSALS)
    assert set(OPTION_STATUSES) <= set(STATUS_LABELS)
    assert PROPOSAL_LABELS["atezolizumab_bevacizumab"] == "Atezolizumab + bevacizumab"


def test_markdown_page() -> None:
    page = generate_rules_markdown()
    assert page.startswith("# Rule catalogue")
    for rule_id in RULES:
        assert f"## {rule_id} — " in page
