"""The command line: assess, import_case, export_case, and the export → import → assess round trip."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cases import models as m
from cases.adapters import case_to_facts, with_records
from cases.clinical import assess, parse_case

VIGNETTES = Path(__file__).parent / "vignettes"
ROOT = Path(__file__).resolve().parents[1]


def vignette_case(name: str, tmp_path: Path, **changes: object) -> Path:
    case = json.loads((VIGNETTES / name).read_text())["case"]
    case.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(case))
    return path


def test_manage_py_assess_prints_the_assessment(tmp_path: Path) -> None:
    path = vignette_case("01-refractory-atezo-bev-recommended.json", tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "assess", str(path), "--proposal", "tace_sorafenib"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["rule_set"] == "kr-2022.2"
    assert {f["id"]: f["severity"] for f in output["flags"]}["PIT-TACE-SORA"] == "stop"


def test_manage_py_assess_refuses_invalid_input_with_exit_2(tmp_path: Path) -> None:
    path = vignette_case("12-invalid-albumin-units.json", tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "assess", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "labs[0].albumin_g_dl: 35 is outside 0.5–7 g/dL" in result.stderr


@pytest.mark.django_db
def test_import_creates_the_case_with_every_record(tmp_path: Path) -> None:
    path = vignette_case("01-refractory-atezo-bev-recommended.json", tmp_path)
    call_command("import_case", str(path), "--label", "IMP-1", stdout=StringIO())
    case = m.Case.objects.get(label="V")  # the file's own label wins over --label
    assert case.tace_sessions.count() == 3 and case.labs.count() == 1 and case.endoscopies.count() == 1
    assert case.contraindication_immunotherapy is False


@pytest.mark.django_db
def test_import_is_all_or_nothing_per_file(tmp_path: Path) -> None:
    bad = vignette_case("12-invalid-albumin-units.json", tmp_path)
    good = vignette_case("05-responding-continue-tace.json", tmp_path, patient={"label": "GOOD-1", "ecog": 0})
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_case", str(bad), str(good), stdout=StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert "albumin_g_dl" in err.getvalue()
    assert list(m.Case.objects.values_list("label", flat=True)) == ["GOOD-1"]
    assert not m.LabResult.objects.filter(albumin_g_dl=35).exists()


@pytest.mark.django_db
def test_import_refuses_a_duplicate_label(tmp_path: Path) -> None:
    path = vignette_case("01-refractory-atezo-bev-recommended.json", tmp_path)
    call_command("import_case", str(path), stdout=StringIO())
    with pytest.raises(SystemExit):
        call_command("import_case", str(path), stdout=StringIO(), stderr=StringIO())
    assert m.Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vignette", sorted(p.name for p in VIGNETTES.glob("[01]*.json") if "invalid" not in p.name)
)
def test_export_import_assess_gives_the_same_assessment(vignette: str, tmp_path: Path) -> None:
    source = vignette_case(vignette, tmp_path)
    original = parse_case(source.read_text())
    call_command("import_case", str(source), stdout=StringIO())
    case = m.Case.objects.get()
    out = StringIO()
    call_command("export_case", str(case.pk), "--as-of", original.as_of.isoformat(), stdout=out)
    exported = tmp_path / "exported.json"
    exported.write_text(out.getvalue())
    reparsed = parse_case(exported.read_text())
    expected = assess(original.facts, original.as_of, original.proposal).to_dict()
    assert assess(reparsed.facts, reparsed.as_of, original.proposal).to_dict() == expected
    # and the stored case assessed directly agrees too
    stored = with_records().get(pk=case.pk)
    assert assess(case_to_facts(stored), original.as_of, original.proposal).to_dict() == expected
