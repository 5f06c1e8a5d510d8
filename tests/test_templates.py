"""Templates stay readable: no line over 160 characters, in any file under templates/."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LONGEST = 160
NAMES = sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


def long_lines(name: str) -> list[str]:
    """Each line over the limit, as "line N: M characters"."""
    lines = (TEMPLATES / name).read_text().splitlines()
    return [
        f"line {number}: {len(line)} characters"
        for number, line in enumerate(lines, start=1)
        if len(line) > LONGEST
    ]


def test_every_template_is_checked() -> None:
    assert len(NAMES) > 20 and any(n.startswith("meetings/") for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_no_template_line_is_over_160_characters(name: str) -> None:
    assert long_lines(name) == [], f"templates/{name}: break these lines (at most {LONGEST} characters)"
