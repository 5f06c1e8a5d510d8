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


# --- hostile files (issue 11): exit 2 with a message, nothing stored, later files still imported ---


def _hostile(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _case_text(tmp_path: Path, **patient: object) -> str:
    case = json.loads((VIGNETTES / "05-responding-continue-tace.json").read_text())["case"]
    case["patient"].update(patient)
    return json.dumps(case)


HOSTILE_FILES = {
    "huge-integer": ("4300 digits", lambda text: text.replace('"inr": 1.1', '"inr": ' + "9" * 5000)),
    "lone-surrogate": (
        "unpaired surrogate",
        lambda text: text.replace('"label": "V"', '"label": "HCC-\\ud800"'),
    ),
    "nul-in-label": ("NUL character", lambda text: text.replace('"label": "V"', '"label": "HCC-\\u0000-1"')),
    "long-note": (
        "at most 2000",
        lambda text: text.replace('"note": ', '"note": "' + "x" * 2001 + '", "x": '),
    ),
    "oversized": (
        "larger than 1000 kB",
        lambda text: text.replace('"note": ', '"note": "' + "x" * 1_100_000 + '", "x": '),
    ),
    "look-alike-label": ("Latin letters", lambda text: text.replace('"label": "V"', '"label": "НСС-0102"')),
    "name-and-birth-date": (
        "pseudonymous",
        lambda text: text.replace('"label": "V"', '"label": "Kim Min-jun 1958-03-02"'),
    ),
    "too-many-labs": (
        "at most 500",
        lambda text: text.replace('"labs": [', '"labs": [' + '{"date": "2026-01-01"},' * 501),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_a_message_and_the_next_file_still_imports(tmp_path: Path, name: str) -> None:
    message, spoil = HOSTILE_FILES[name]
    base = _case_text(tmp_path)
    assert '"note": ' in base  # the vignette carries a contraindication note to spoil
    hostile = _hostile(tmp_path, f"{name}.json", spoil(base))
    good = _hostile(tmp_path, "good.json", _case_text(tmp_path, label="GOOD-1"))
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_case", str(hostile), str(good), stdout=StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert message in err.getvalue()
    assert list(m.Case.objects.values_list("label", flat=True)) == ["GOOD-1"]


@pytest.mark.django_db
def test_an_imported_label_is_normalised_and_unique_ignoring_case(tmp_path: Path) -> None:
    first = _hostile(tmp_path, "a.json", _case_text(tmp_path, label="HCC\u20110102\u200b"))
    call_command("import_case", str(first), stdout=StringIO())
    assert m.Case.objects.get().label == "HCC-0102"
    again = _hostile(tmp_path, "b.json", _case_text(tmp_path, label="hcc-0102"))
    with pytest.raises(SystemExit):
        call_command("import_case", str(again), stdout=StringIO(), stderr=StringIO())
    assert m.Case.objects.count() == 1


def test_assess_and_export_need_no_environment_variables(tmp_path: Path) -> None:
    """As in a fresh clone: no DJANGO_SECRET_KEY, no DJANGO_DEBUG, no database."""
    path = vignette_case("01-refractory-atezo-bev-recommended.json", tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "assess", str(path)], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rule_set"] == "kr-2022.2"
    database = env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    for command in (["migrate", "-v0"], ["import_case", str(path)]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, capture_output=True, text=True, env=database
        )
        assert done.returncode == 0, done.stderr
    export = subprocess.run(
        [sys.executable, "manage.py", "export_case", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=database,
    )
    assert export.returncode == 0, export.stderr
    assert json.loads(export.stdout)["patient"]["label"] == "V"


def test_serving_still_requires_a_secret_key(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import tumorboard.wsgi"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is required" in result.stderr


def test_assess_refuses_an_integer_of_thousands_of_digits_with_exit_2(tmp_path: Path) -> None:
    path = _hostile(tmp_path, "huge.json", HOSTILE_FILES["huge-integer"][1](_case_text(tmp_path)))
    result = subprocess.run(
        [sys.executable, "manage.py", "assess", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "4300 digits" in result.stderr and "Traceback" not in result.stderr
