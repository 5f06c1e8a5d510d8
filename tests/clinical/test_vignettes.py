"""Every vignette in tests/vignettes/ goes through ``python manage.py assess FILE`` (the command:
the engine's ``cli.run`` with the project's assessment service) and every key of its ``expect`` is
checked (vignettes/README.md).
An ``expect`` key the checker does not understand fails the test; it never passes silently."""

from __future__ import annotations

import filecmp
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

HERE = Path(__file__).resolve().parent
VIGNETTES = HERE.parent / "vignettes"
SHARED = HERE.parents[2] / "shared" / "clinical" / "vignettes"  # /work/shared/clinical/vignettes
FILES = sorted(VIGNETTES.glob("*.json"))

_MISSING = object()


class ExpectError(AssertionError):
    pass


def _lookup(value: Any, path: list[str], full: str) -> Any:
    """Follow a dotted path; inside a list of objects a segment selects the entry whose ``id``
    (flags, criteria, signals) or ``regimen`` (options) equals it."""
    for segment in path:
        if isinstance(value, dict):
            if segment not in value:
                raise ExpectError(f"{full}: no key {segment!r} in the output")
            value = value[segment]
        elif isinstance(value, list):
            matches = [
                item
                for item in value
                if isinstance(item, dict) and segment in (item.get("id"), item.get("regimen"))
            ]
            if len(matches) != 1:
                raise ExpectError(f"{full}: {len(matches)} entries named {segment!r}")
            value = matches[0]
        else:
            raise ExpectError(f"{full}: cannot descend into {value!r} at {segment!r}")
    return value


def check_expect(expect: dict[str, Any], code: int, stdout: str, stderr: str) -> None:
    if "exit" not in expect:
        raise ExpectError("a vignette must state its expected exit status")
    assert code == expect["exit"], f"exit {code} != {expect['exit']}; stderr: {stderr}"
    output: dict[str, Any] | None = None
    if code == 0:
        assert stderr == "", stderr
        output = json.loads(stdout)
    else:
        assert stdout == "", "nothing may be printed on stdout for invalid input"
        assert stderr.strip(), "invalid input must be explained on stderr"
    for key, want in expect.items():
        if key == "exit":
            continue
        if key == "stderr.contains":
            assert want in stderr, f"stderr lacks {want!r}: {stderr}"
            continue
        if output is None:
            raise ExpectError(f"{key}: an output check on a vignette that expects no output")
        flags = output["flags"]
        ids = [f["id"] for f in flags]
        if key == "options.recommended":
            rec = [o["regimen"] for o in output["options"] if o["status"] == "recommended"]
            assert len(rec) <= 1, rec
            assert (rec[0] if rec else None) == want, f"recommended {rec} != {want}"
        elif key == "flags.include":
            assert set(want) <= set(ids), f"flags {ids} lack {set(want) - set(ids)}"
        elif key == "flags.exclude":
            assert not set(want) & set(ids), f"flags {ids} contain {set(want) & set(ids)}"
        elif key == "flags.stop":
            stops = sorted(f["id"] for f in flags if f["severity"] == "stop")
            assert stops == sorted(want), f"stop flags {stops} != {sorted(want)}"
        elif key.endswith((".include", ".exclude")):
            base, _, mode = key.rpartition(".")
            got = _lookup(output, base.split("."), key)
            if not isinstance(got, list) or not isinstance(want, list):
                raise ExpectError(f"{key}: include/exclude needs lists")
            if mode == "include":
                assert set(want) <= set(got), f"{base} = {got} lacks {want}"
            else:
                assert not set(want) & set(got), f"{base} = {got} contains {want}"
        else:
            got = _lookup(output, key.split("."), key)
            assert got == want, f"{key}: {got!r} != {want!r}"


def run_vignette(path: Path, tmp_path: Path) -> tuple[dict[str, Any], int, str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(data["case"], indent=2, ensure_ascii=False), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("assess", str(case_file), stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return data["expect"], code, stdout.getvalue(), stderr.getvalue()


def test_vignettes_present() -> None:
    assert len(FILES) >= 17


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vignette(path: Path, tmp_path: Path) -> None:
    expect, code, stdout, stderr = run_vignette(path, tmp_path)
    check_expect(expect, code, stdout, stderr)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vignette_output_is_stable(path: Path, tmp_path: Path) -> None:
    first = run_vignette(path, tmp_path)
    second = run_vignette(path, tmp_path)
    assert first == second


def test_checker_rejects_unknown_expect_key() -> None:
    output = json.dumps({"flags": [], "options": [], "line": 1})
    with pytest.raises(ExpectError):
        check_expect({"exit": 0, "no.such.path": 1}, 0, output, "")
    with pytest.raises(AssertionError):
        check_expect({"exit": 0, "line": 2}, 0, output, "")


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared vignettes directory not present")
def test_copies_match_shared_vignettes() -> None:
    shared = sorted(p.name for p in SHARED.iterdir() if p.is_file())
    local = sorted(p.name for p in VIGNETTES.iterdir() if p.is_file())
    assert shared == local
    for name in shared:
        assert filecmp.cmp(SHARED / name, VIGNETTES / name, shallow=False), name
