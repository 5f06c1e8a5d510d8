"""Hostile and broken case documents: the parser, `assess` and `import_case` refuse cleanly.

Whatever a file holds — wrong types, huge numbers, NaN and infinity, unicode, empty or very long
text, dates far in the past or future — the outcome is either an assessment or exit 2 with one
message per problem naming the field, never a traceback, and an import never stores half a case.
"""

import io
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import models as m
from cases.clinical import cli
from cases.clinical.parse import CaseFormatError, parse_case_json
from tests.clinical.builders import make_case

FIELDS = {
    "patient": ["label", "age", "sex", "weight_kg", "ecog", "etiology"],
    "labs": [
        "date",
        "bilirubin_mg_dl",
        "albumin_g_dl",
        "inr",
        "ast_u_l",
        "platelets_10e9_l",
        "afp_ng_ml",
        "pivka_mau_ml",
    ],
    "clinical": ["date", "ascites", "encephalopathy"],
    "imaging": [
        "date",
        "nodule_count",
        "largest_cm",
        "liver_involvement_pct",
        "portal_vein_invasion",
        "hepatic_vein_invasion",
        "bile_duct_invasion",
        "extrahepatic_spread",
    ],
    "endoscopies": ["date", "varices", "varices_treated"],
    "tace_sessions": [
        "date",
        "technique",
        "response",
        "response_date",
        "tumor_count_after",
        "insufficient_lesion_response",
        "new_vascular_invasion",
        "new_extrahepatic_spread",
    ],
    "systemic_therapies": ["regimen", "start", "end", "outcome", "tolerated"],
}

hostile_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "", " ", "1e309", "0x10", "3,5", "١٢", "２"]),
    st.sampled_from(
        ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "27/11/2026", "2026-11-27T00:00"]
    ),
    st.text(alphabet=string.printable + "éü中😀\u202e\x00", max_size=30),
    st.text(min_size=5000, max_size=6000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@st.composite
def hostile_documents(draw: st.DrawFn) -> str:
    doc = make_case()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        section = draw(st.sampled_from(sorted(FIELDS)))
        key = draw(st.sampled_from(FIELDS[section] + ["unexpected_key"]))
        target = doc.setdefault(section, {} if section == "patient" else [])
        if isinstance(target, list):
            if not target:
                target.append({})
            target = target[draw(st.integers(min_value=0, max_value=len(target) - 1))]
        target[key] = draw(hostile_values)
    if draw(st.booleans()):
        doc["as_of"] = draw(hostile_values)
    text = json.dumps(doc, allow_nan=True)
    if draw(st.booleans()):  # NaN / Infinity literals, as some exporters write them
        text = text.replace('"NaN"', "NaN").replace('"Infinity"', "Infinity")
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_documents())
def test_assess_either_assesses_or_names_every_problem(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("doc") / "case.json"
    path.write_text(text)
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(str(path), None, out, err)
    assert status in (0, 2)
    if status == 0:
        assert json.loads(out.getvalue())["rule_set"] == "kr-2022.2" and err.getvalue() == ""
    else:
        assert out.getvalue() == ""
        lines = err.getvalue().strip().splitlines()
        assert lines and all(":" in line for line in lines)  # each names a field path


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(hostile_documents())
def test_import_stores_all_or_nothing(tmp_path: Path, text: str) -> None:
    from django.core.management import call_command

    path = tmp_path / "case.json"
    path.write_text(text)
    try:
        parse_case_json(text)
        valid = True
    except CaseFormatError:
        valid = False
    before = {model: model.objects.count() for model in (m.Case, m.LabResult, m.TaceSession, m.Imaging)}
    try:
        call_command(
            "import_case", str(path), "--label", "HOSTILE", stdout=io.StringIO(), stderr=io.StringIO()
        )
        imported = True
    except SystemExit as exit_:
        assert exit_.code == 2
        imported = False
    after = {model: model.objects.count() for model in before}
    if imported:
        assert valid and after[m.Case] == before[m.Case] + 1
        m.Case.objects.filter(label__in=["HOSTILE", "V"]).delete()
    else:
        assert after == before  # nothing half-stored
