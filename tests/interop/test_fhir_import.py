"""`import_case FILE --format fhir`: an EHR's Bundle in its own units converts; anything the app
cannot read is listed and refuses the whole file (exit 2, nothing saved)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.models import Case
from tests.interop.ehr_bundle import ehr_bundle, lab

pytestmark = pytest.mark.django_db


def run_import(tmp_path: Path, bundle: object, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "bundle.json"
    path.write_text(bundle if isinstance(bundle, str) else json.dumps(bundle))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_case", str(path), "--format", "fhir", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_an_ehr_bundle_in_mixed_units_imports_converted(tmp_path: Path) -> None:
    code, _out, err = run_import(tmp_path, ehr_bundle(), "--label", "EHR-1")
    assert code == 0, err
    case = Case.objects.get(label="EHR-1")
    lab = case.labs.get()
    assert lab.bilirubin_mg_dl == pytest.approx(1.2, abs=0.01)  # 20.5 µmol/L
    assert lab.albumin_g_dl == pytest.approx(3.8)  # 38 g/L
    assert (lab.inr, lab.platelets_10e9_l, lab.afp_ng_ml) == (1.1, 150, 12)
    assert str(lab.date) == "2026-11-20"  # the draw's own calendar day
    assert case.sex == "F"


def test_a_unit_we_do_not_convert_is_refused_naming_the_accepted_ones(tmp_path: Path) -> None:
    bundle = ehr_bundle()
    bundle["entry"].append({"resource": lab("o9", "1920-8", 0.5, "ukat/L")})
    code, _out, err = run_import(tmp_path, bundle, "--label", "EHR-2")
    assert code == 2
    assert "entry[7] Observation" in err and "'ukat/L'" in err and "U/L" in err
    assert not Case.objects.exists()


def test_an_implausible_converted_value_names_the_field(tmp_path: Path) -> None:
    bundle = ehr_bundle()
    bundle["entry"][3]["resource"]["valueQuantity"]["value"] = 380  # albumin 380 g/L = 38 g/dL
    code, _, err = run_import(tmp_path, bundle, "--label", "EHR-3")
    assert code == 2 and "albumin_g_dl" in err and "entry[3] Observation" in err
    assert not Case.objects.exists()


def test_unrecognised_and_unmapped_resources_are_all_listed(tmp_path: Path) -> None:
    bundle = ehr_bundle()
    bundle["entry"].append(
        {"resource": {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}}}
    )
    bundle["entry"].append({"resource": lab("o8", "2160-0", 1.0, "mg/dL")})  # creatinine: not read
    code, _, err = run_import(tmp_path, bundle, "--label", "EHR-4")
    assert code == 2
    assert "entry[7] Encounter" in err and "entry[8] Observation" in err and "2160-0" in err
    assert not Case.objects.exists()


def hostile_cases() -> dict[str, object]:
    wrong_type = ehr_bundle()
    wrong_type["entry"][2]["resource"]["valueQuantity"]["value"] = "lots"
    missing_code = ehr_bundle()
    del missing_code["entry"][3]["resource"]["code"]
    flood = ehr_bundle()
    flood["entry"] += [{"resource": lab(f"x{i}", "1751-7", 38, "g/L")} for i in range(10_000)]
    deep: object = {"url": "urn:x", "valueString": "x"}
    for _ in range(200):
        deep = {"url": "urn:x", "extension": [deep]}
    nested = ehr_bundle()
    nested["entry"][0]["resource"]["extension"] = [deep]
    return {
        "wrong value type": wrong_type,
        "missing code": missing_code,
        "10,000 observations": flood,
        "deep nesting": nested,
        "very deep JSON": "[" * 100_000 + "]" * 100_000,
        "not a bundle": {"resourceType": "Patient"},
        "not JSON": "{",
        "two patients": {**ehr_bundle(), "entry": ehr_bundle()["entry"] + [ehr_bundle()["entry"][0]]},
    }


@pytest.mark.parametrize("name", list(hostile_cases()))
def test_hostile_bundles_exit_2_with_messages_and_save_nothing(tmp_path: Path, name: str) -> None:
    code, out, err = run_import(tmp_path, hostile_cases()[name], "--label", "H-1")
    assert code == 2, name
    assert err.strip() and out == ""
    assert not Case.objects.exists()


def test_the_library_s_messages_name_the_element(tmp_path: Path) -> None:
    bundle = hostile_cases()["missing code"]
    _, _, err = run_import(tmp_path, bundle, "--label", "H-2")
    assert "entry.3.resource" in err and "code" in err and "FHIR R4 validation" in err


@pytest.mark.parametrize("label", ["Kim Min-jun 1958-03-02", "НСС-0102", "HCC-0101"])
def test_a_label_is_checked_as_the_case_form_checks_it(tmp_path: Path, label: str) -> None:
    Case.objects.create(label="HCC-0101")
    code, _out, err = run_import(tmp_path, ehr_bundle(), "--label", label)
    assert code == 2 and "Patient.identifier" in err
    assert list(Case.objects.values_list("label", flat=True)) == ["HCC-0101"]


def test_a_number_of_thousands_of_digits_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    code, _out, err = run_import(tmp_path, '{"resourceType": "Bundle", "total": ' + "9" * 5001 + "}")
    assert code == 2 and "not valid JSON" in err
