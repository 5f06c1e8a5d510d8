"""The clinical engine: HCC after TACE, rule set kr-2022.2 (no Django imports anywhere here).

Public API::

    parse_case(text_or_dict) -> ParsedCase(facts, as_of, proposal)   # raises CaseFormatError
    assess(facts, as_of, proposal=None) -> Assessment                # pure, never raises on parsed facts
    Assessment.to_dict() / .to_json()                                # hcc-assessment/1
    case_to_document(facts, as_of, proposal=None) -> dict            # hcc-case/1 export
"""

from .algorithm import Algorithm, Reassessment
from .assessment import Assessment, Flag, assess
from .catalogue import RULES, SOURCES, Rule, generate_rules_markdown, rule
from .facts import (
    CaseFacts,
    ClinicalFinding,
    Contraindications,
    Endoscopy,
    Imaging,
    LabResult,
    Patient,
    SystemicTherapy,
    TaceSession,
)
from .options import Option
from .parse import CaseFormatError, ParsedCase, parse_case, parse_case_document, parse_case_json
from .refractoriness import Refractoriness
from .results import RuleFinding, round_half_away
from .scores import Albi, Art, Bclc, ChildPugh, Moral, UpToSeven
from .serialize import case_to_document, case_to_json

__all__ = [
    "RULES",
    "SOURCES",
    "Albi",
    "Algorithm",
    "Art",
    "Assessment",
    "Bclc",
    "CaseFacts",
    "CaseFormatError",
    "ChildPugh",
    "ClinicalFinding",
    "Contraindications",
    "Endoscopy",
    "Flag",
    "Imaging",
    "LabResult",
    "Moral",
    "Option",
    "ParsedCase",
    "Patient",
    "Reassessment",
    "Refractoriness",
    "Rule",
    "RuleFinding",
    "SystemicTherapy",
    "TaceSession",
    "UpToSeven",
    "assess",
    "case_to_document",
    "case_to_json",
    "generate_rules_markdown",
    "parse_case",
    "parse_case_document",
    "parse_case_json",
    "round_half_away",
    "rule",
]
