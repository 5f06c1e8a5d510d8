"""Export → import → assess gives the same assessment as the original, for every demo case and
every public vignette (the valid ones; tests/vignettes/)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.adapters import with_records
from cases.assessing import assess_case, assess_facts
from cases.clinical.parse import CaseFormatError, parse_case_document
from cases.models import Case
from interop import codes as c
from interop.fhir_export import case_bundle
from interop.services import case_fhir, import_bundle

pytestmark = pytest.mark.django_db
VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "vignettes").glob("*.json"))
AS_OF = datetime.date(2026, 12, 1)


def relabelled(bundle: dict, label: str) -> dict:
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["identifier"] = [{"system": c.LABEL_SYSTEM, "value": label}]
    return bundle


def test_every_demo_case_round_trips_through_the_import_command(tmp_path: Path) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    originals = list(with_records())
    assert len(originals) == 16
    for case in originals:
        path = tmp_path / f"{case.label}.json"
        path.write_text(json.dumps(relabelled(case_fhir(case, AS_OF), f"{case.label}-RT")))
        out = io.StringIO()
        call_command("import_case", str(path), "--format", "fhir", stdout=out)
        assert f"created case {case.label}-RT" in out.getvalue()
        copy = with_records().get(label=f"{case.label}-RT")
        before = assess_case(case, as_of=AS_OF).assessment.to_dict()
        after = assess_case(copy, as_of=AS_OF).assessment.to_dict()
        assert after == before, case.label


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_every_vignette_round_trips(path: Path) -> None:
    doc = json.loads(path.read_text())["case"]
    try:
        parsed = parse_case_document(doc)
    except CaseFormatError:
        pytest.skip("an invalid vignette (refused before any export)")
    bundle = case_bundle(assess_facts(parsed.facts, as_of=parsed.as_of).case_document())
    case, problems = import_bundle(json.dumps(bundle).encode(), fallback_label=path.stem)
    assert problems == [] and case is not None
    stored = with_records().get(pk=case.pk)
    before = assess_facts(parsed.facts, as_of=parsed.as_of, proposal=parsed.proposal).assessment.to_dict()
    after = assess_case(stored, as_of=parsed.as_of, proposal=parsed.proposal).assessment.to_dict()
    assert after == before
    assert Case.objects.count() == 1


def test_records_with_only_a_date_keep_their_date() -> None:
    """A dated record with nothing else recorded still exists after the round trip (its date counts:
    "no endoscopy on record" differs from "an endoscopy, varices not recorded")."""
    from interop.fhir_import import parse_bundle

    doc = {
        "format": "hcc-case/1",
        "as_of": "2026-11-27",
        "patient": {"label": "D-1"},
        "labs": [{"date": "2026-11-01"}],
        "clinical": [{"date": "2026-11-02"}],
        "imaging": [{"date": "2026-11-03"}],
        "endoscopies": [{"date": "2026-11-04"}],
        "tace_sessions": [{"date": "2026-10-01"}, {"date": "2026-10-20", "response": "pending"}],
        "systemic_therapies": [{"regimen": "sorafenib", "start": "2026-11-05", "outcome": "ongoing"}],
    }
    parsed = parse_case_document(doc)
    again = parse_bundle(json.dumps(case_bundle(doc)), AS_OF)
    assert again.facts == parsed.facts and again.as_of == parsed.as_of
