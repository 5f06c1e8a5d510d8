"""The case format parser: every validation rule gives one message naming the field path;
all problems are collected; export → parse round-trips. Also the CLI's exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cases.clinical import CaseFormatError, case_to_document, cli, parse_case
from cases.clinical.parse import parse_case_json
from cases.clinical.serialize import case_to_json

from .builders import endoscopy, imaging, lab, make_case, session, therapy


def problems(doc: Any) -> list[str]:
    with pytest.raises(CaseFormatError) as exc:
        parse_case(doc) if not isinstance(doc, str) else parse_case_json(doc)
    return exc.value.problems


def one(doc: Any) -> str:
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


def test_valid_case_parses() -> None:
    parsed = parse_case(make_case())
    assert parsed.as_of.isoformat() == "2026-11-27"
    assert len(parsed.facts.tace_sessions) == 3


@pytest.mark.parametrize(
    "doc, message",
    [
        (make_case(labs=[lab(albumin_g_dl=35)]), "labs[0].albumin_g_dl: 35 is outside 0.5–7 g/dL"),
        (make_case(patient__weight_kg=19), "patient.weight_kg: 19 is outside 20–350 kg"),
        (make_case(patient__age=121), "patient.age: 121 is outside 0–120 years"),
        (make_case(labs=[lab(bilirubin_mg_dl=0.05)]), "labs[0].bilirubin_mg_dl: 0.05 is outside"),
        (make_case(labs=[lab(inr=16)]), "labs[0].inr: 16 is outside"),
        (make_case(imaging=[imaging(largest_cm=41)]), "imaging[0].largest_cm: 41 is outside"),
        (
            make_case(imaging=[imaging(liver_involvement_pct=101)]),
            "imaging[0].liver_involvement_pct: 101 is outside",
        ),
        (make_case(baseline_tumor_count=101), "baseline_tumor_count: 101 is outside"),
    ],
)
def test_ranges(doc: dict[str, Any], message: str) -> None:
    assert one(doc).startswith(message)


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(patient__ecog=1.5), "patient.ecog"),
        (make_case(patient__age=64.5), "patient.age"),
        (
            make_case(tace_sessions=[session("2026-04-01", tumor_count_after=2.5)]),
            "tace_sessions[0].tumor_count_after",
        ),
        (make_case(imaging=[imaging(nodule_count=1.1)]), "imaging[0].nodule_count"),
    ],
)
def test_whole_numbers(doc: dict[str, Any], path: str) -> None:
    msg = one(doc)
    assert msg.startswith(path + ":") and "whole number" in msg


def test_whole_number_2_0_is_accepted() -> None:
    parsed = parse_case(make_case(patient__ecog=1.0, baseline_tumor_count=3.0))
    assert parsed.facts.patient.ecog == 1 and isinstance(parsed.facts.patient.ecog, int)
    assert parsed.facts.baseline_tumor_count == 3


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(patient__weight_kg=True), "patient.weight_kg"),
        (make_case(patient__ecog=False), "patient.ecog"),
        (make_case(labs=[lab(afp_ng_ml="85")]), "labs[0].afp_ng_ml"),
        (make_case(imaging=[imaging(hepatic_vein_invasion="no")]), "imaging[0].hepatic_vein_invasion"),
        (make_case(contraindications__immunotherapy=0), "contraindications.immunotherapy"),
        (make_case(patient__label=5), "patient.label"),
        (make_case(labs={"date": "2026-01-01"}), "labs"),
        (make_case(patient=[1]), "patient"),
    ],
)
def test_wrong_types(doc: dict[str, Any], path: str) -> None:
    assert one(doc).startswith(path + ":")


def test_bool_is_not_a_number_message() -> None:
    assert "boolean" in one(make_case(patient__weight_kg=True))


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(patient__sex="male"), "patient.sex"),
        (make_case(clinical=[{"date": "2026-11-20", "ascites": "severe"}]), "clinical[0].ascites"),
        (make_case(imaging=[imaging(portal_vein_invasion="vp5")]), "imaging[0].portal_vein_invasion"),
        (make_case(tace_sessions=[session("2026-04-01", "sd")]), "tace_sessions[0].response"),
        (
            make_case(systemic_therapies=[therapy("nivolumab", "2026-01-01", "stopped")]),
            "systemic_therapies[0].regimen",
        ),
        (make_case(proposal="wait_and_see"), "proposal"),
        (make_case(format="hcc-case/2"), "format"),
    ],
)
def test_unknown_choice_values(doc: dict[str, Any], path: str) -> None:
    assert one(doc).startswith(path + ":")


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(extra=1), "extra"),
        (make_case(patient__height_cm=170), "patient.height_cm"),
        (make_case(labs=[lab(alt_u_l=30)]), "labs[0].alt_u_l"),
        (make_case(contraindications__pregnancy=False), "contraindications.pregnancy"),
    ],
)
def test_unknown_keys(doc: dict[str, Any], path: str) -> None:
    assert one(doc) == f"{path}: unknown key"


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(format=None), "format"),
        (make_case(as_of=None), "as_of"),
        (make_case(labs=[{"albumin_g_dl": 3.9}]), "labs[0].date"),
        (
            make_case(systemic_therapies=[{"regimen": "sorafenib", "start": "2026-01-01"}]),
            "systemic_therapies[0].outcome",
        ),
        (
            make_case(systemic_therapies=[{"regimen": "sorafenib", "outcome": "stopped"}]),
            "systemic_therapies[0].start",
        ),
        (
            make_case(systemic_therapies=[{"start": "2026-01-01", "outcome": "stopped"}]),
            "systemic_therapies[0].regimen",
        ),
    ],
)
def test_required_keys(doc: dict[str, Any], path: str) -> None:
    assert one(doc) == f"{path}: required"


@pytest.mark.parametrize(
    "value, words",
    [
        ("2026-02-30", "not a valid calendar date"),
        ("2026-13-01", "not a valid calendar date"),
        ("27.11.2026", "YYYY-MM-DD"),
        ("20261127", "YYYY-MM-DD"),
    ],
)
def test_invalid_dates(value: str, words: str) -> None:
    msg = one(make_case(labs=[lab(value)]))
    assert msg.startswith("labs[0].date:") and words in msg


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(labs=[lab("2026-11-28")]), "labs[0].date"),
        (make_case(imaging=[imaging("2027-01-01")]), "imaging[0].date"),
        (
            make_case(tace_sessions=[session("2026-04-01", response_date="2026-12-01")]),
            "tace_sessions[0].response_date",
        ),
        (
            make_case(systemic_therapies=[therapy("sorafenib", "2026-12-01", "ongoing")]),
            "systemic_therapies[0].start",
        ),
    ],
)
def test_dates_after_as_of(doc: dict[str, Any], path: str) -> None:
    msg = one(doc)
    assert msg.startswith(path + ":") and "after as_of 2026-11-27" in msg


def test_response_date_before_session() -> None:
    msg = one(make_case(tace_sessions=[session("2026-04-01", response_date="2026-03-31")]))
    assert msg.startswith("tace_sessions[0].response_date:")


def test_end_before_start() -> None:
    msg = one(make_case(systemic_therapies=[therapy("sorafenib", "2026-02-01", "stopped", end="2026-01-31")]))
    assert msg.startswith("systemic_therapies[0].end:")


def test_end_on_ongoing_therapy() -> None:
    msg = one(make_case(systemic_therapies=[therapy("sorafenib", "2026-02-01", "ongoing", end="2026-03-01")]))
    assert msg.startswith("systemic_therapies[0].end:")


def test_more_than_one_ongoing_therapy() -> None:
    msg = one(
        make_case(
            systemic_therapies=[
                therapy("sorafenib", "2026-02-01", "ongoing"),
                therapy("lenvatinib", "2026-03-01", "ongoing"),
            ]
        )
    )
    assert msg.startswith("systemic_therapies[1].outcome:")


@pytest.mark.parametrize(
    "doc, path",
    [
        (make_case(imaging=[imaging("2026-11-10"), imaging("2026-11-10")]), "imaging[1].date"),
        (make_case(clinical=[{"date": "2026-11-20"}, {"date": "2026-11-20"}]), "clinical[1].date"),
        (make_case(endoscopies=[endoscopy("2026-08-01"), endoscopy("2026-08-01")]), "endoscopies[1].date"),
        (make_case(tace_sessions=[session("2026-04-01"), session("2026-04-01")]), "tace_sessions[1].date"),
        (make_case(labs=[lab("2026-11-20"), {"date": "2026-11-20", "inr": 1.2}]), "labs[1].inr"),
    ],
)
def test_same_date_duplicates(doc: dict[str, Any], path: str) -> None:
    assert one(doc).startswith(path + ":")


def test_two_labs_on_one_date_with_different_analytes_are_fine() -> None:
    parse_case(
        make_case(labs=[{"date": "2026-11-20", "albumin_g_dl": 3.9}, {"date": "2026-11-20", "inr": 1.1}])
    )


def test_null_inside_a_list() -> None:
    assert one(make_case(labs=[lab(), None])) == "labs[1]: null is not allowed inside a list"


def test_null_value_means_not_recorded() -> None:
    doc = make_case()
    doc["patient"]["ecog"] = None
    doc["baseline_tumor_count"] = None
    doc["labs"] = None
    parsed = parse_case(doc)
    assert parsed.facts.patient.ecog is None and parsed.facts.labs == ()


def test_repeated_key_within_one_object() -> None:
    text = json.dumps(make_case()).replace('"ecog": 0', '"ecog": 0, "ecog": 1')
    assert one(text) == "patient.ecog: key repeated within one object"
    top = json.dumps(make_case())[:-1] + ', "as_of": "2026-11-27"}'
    assert one(top) == "as_of: key repeated within one object"


def test_invalid_json() -> None:
    assert "invalid JSON" in one("{not json")


def test_not_an_object() -> None:
    assert one("[]").startswith("(document)")


def test_all_problems_are_collected() -> None:
    doc = make_case(labs=[lab(albumin_g_dl=35, inr=True)], patient__ecog=7, extra=1)
    found = problems(doc)
    assert len(found) == 4
    assert {p.split(":")[0] for p in found} == {
        "labs[0].albumin_g_dl",
        "labs[0].inr",
        "patient.ecog",
        "extra",
    }


def test_nan_and_huge_numbers() -> None:
    assert "not a number" in one(
        '{"format": "hcc-case/1", "as_of": "2026-11-27", "patient": {"weight_kg": NaN}}'
    )
    assert one(
        '{"format": "hcc-case/1", "as_of": "2026-11-27", "patient": {"age": 1' + "0" * 400 + "}}"
    ).startswith("patient.age:")


# --- round trip -------------------------------------------------------------------------------


def test_export_parse_round_trip() -> None:
    doc = make_case(
        proposal="lenvatinib",
        systemic_therapies=[
            therapy("sorafenib", "2025-01-01", "progression", end="2025-06-01", tolerated=True)
        ],
    )
    first = parse_case(doc)
    exported = case_to_document(first.facts, first.as_of, first.proposal)
    second = parse_case(json.loads(json.dumps(exported)))
    assert second == first
    assert case_to_json(second.facts, second.as_of, second.proposal) == json.dumps(
        exported, indent=2, ensure_ascii=False
    )


def test_export_leaves_out_unrecorded_values() -> None:
    parsed = parse_case({"format": "hcc-case/1", "as_of": "2026-11-27"})
    exported = case_to_document(parsed.facts, parsed.as_of)
    assert exported["patient"] == {} and exported["labs"] == []
    assert parse_case(exported) == parsed


# --- CLI --------------------------------------------------------------------------------------


def _cli(path: str, proposal: str | None = None) -> tuple[int, str, str]:
    so, se = io.StringIO(), io.StringIO()
    code = cli.run(path, proposal, so, se)
    return code, so.getvalue(), se.getvalue()


def test_cli_success(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(json.dumps(make_case()), encoding="utf-8")
    code, so, se = _cli(str(f))
    assert code == 0 and se == "" and so.endswith("}\n")
    assert json.loads(so)["format"] == "hcc-assessment/1"


def test_cli_proposal_argument_wins(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(json.dumps(make_case(proposal="tace_sorafenib")), encoding="utf-8")
    ids = [x["id"] for x in json.loads(_cli(str(f), "continue_tace")[1])["flags"]]
    assert "PIT-CONTINUE-REFRACTORY" in ids and "PIT-TACE-SORA" not in ids


@pytest.mark.parametrize(
    "content, proposal, needle",
    [
        ("{", None, "invalid JSON"),
        (json.dumps(make_case(labs=[lab(albumin_g_dl=35)], patient__ecog=9)), None, "patient.ecog"),
        (json.dumps(make_case()), "homeopathy", "--proposal"),
    ],
)
def test_cli_invalid_input(tmp_path: Path, content: str, proposal: str | None, needle: str) -> None:
    f = tmp_path / "c.json"
    f.write_text(content, encoding="utf-8")
    code, so, se = _cli(str(f), proposal)
    assert code == 2 and so == "" and needle in se


def test_cli_unreadable_file(tmp_path: Path) -> None:
    code, so, se = _cli(str(tmp_path / "nope.json"))
    assert code == 2 and so == "" and "nope.json" in se


def test_cli_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(make_case())))
    code, so, _ = _cli("-")
    assert code == 0 and json.loads(so)["line"] == 1


def test_cli_main_argparse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.json"
    f.write_text(json.dumps(make_case()), encoding="utf-8")
    assert cli.main([str(f), "--proposal", "sorafenib"]) == 0
    assert "PIT-LIVER-MONITOR" in capsys.readouterr().out
