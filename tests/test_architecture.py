"""The apps' dependencies point one way: meetings may import cases, cases never imports meetings.

Read from the source with ``ast`` (a mention in a comment or a string is not an import), so a
cycle cannot come back unnoticed, even as an import inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, at any depth (functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            # `from . import x` has no module; `from meetings import x` is caught by its module.
    return found


def imports_meetings(module: str) -> bool:
    # interop (FHIR, CDS Hooks) plugs into cases the same way: cases imports neither.
    return any(module == app or module.startswith(f"{app}.") for app in ("meetings", "interop"))


def test_cases_never_imports_meetings() -> None:
    files = sorted((ROOT / "cases").rglob("*.py"))
    assert len(files) > 20  # the walk found the app
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path)
        if imports_meetings(module)
    ]
    assert offending == []


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    """The walk would catch each way of importing meetings (the test above cannot pass vacuously)."""
    source = tmp_path / "example.py"
    source.write_text(
        "import meetings\nimport meetings.models as mm\nfrom meetings.services import sign\n"
        "def f():\n    from meetings import services\n# import meetings (a comment)\nx = 'from meetings import y'\n",
        encoding="utf-8",
    )
    assert [line for line, module in imported_modules(source) if imports_meetings(module)] == [1, 2, 3, 5]


# The names that run the engine or turn a stored case into its facts. Outside the engine itself,
# only the assessment service (and the adapters it calls) may use them: every screen, the API, the
# commands and the meetings go through cases/assessing.py.
ENGINE_ENTRY_POINTS = {"assess", "case_to_facts"}
MAY_RUN_THE_ENGINE = {"cases/assessing.py", "cases/adapters.py"}


def engine_uses(path: Path) -> list[str]:
    """Each use of an engine entry point in a file, as "line: name": imported by name
    (`from cases.clinical import assess`) or reached as an attribute (`clinical.assess(...)`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cases"):
            found += [f"{node.lineno}: {a.name}" for a in node.names if a.name in ENGINE_ENTRY_POINTS]
        elif isinstance(node, ast.Attribute) and node.attr in ENGINE_ENTRY_POINTS:
            found.append(f"{node.lineno}: .{node.attr}")
    return sorted(found, key=lambda use: int(use.split(":")[0]))


def test_only_the_assessment_service_runs_the_engine() -> None:
    files = [
        p
        for app in ("cases", "meetings", "interop", "tumorboard")
        for p in sorted((ROOT / app).rglob("*.py"))
    ]
    offending = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in files
        if not str(path.relative_to(ROOT)).startswith("cases/clinical/")
        and str(path.relative_to(ROOT)) not in MAY_RUN_THE_ENGINE
        for use in engine_uses(path)
    ]
    assert offending == []
    assert engine_uses(ROOT / "cases" / "assessing.py")  # the check sees the service's own import


def test_the_engine_check_sees_each_way_in(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from cases.clinical import assess\nfrom cases import clinical\nclinical.assess(1, 2)\n"
        "from cases.adapters import case_to_facts\nfrom cases.assessing import assess_case\n",
        encoding="utf-8",
    )
    assert engine_uses(source) == ["1: assess", "3: .assess", "4: case_to_facts"]


def test_cases_templates_name_no_meetings_page() -> None:
    """The case page gets what meetings adds through cases/apps.py, not by naming meetings."""
    templates = sorted((ROOT / "templates" / "cases").rglob("*.html"))
    assert templates
    naming = [str(t.relative_to(ROOT)) for t in templates if "meetings" in t.read_text(encoding="utf-8")]
    assert naming == []
