"""Command line: assess a case file (hcc-case/1) and print the assessment (hcc-assessment/1).

``python -m cases.clinical.cli FILE [--proposal KEY]`` (``-`` reads stdin). The Django management
command ``assess`` is a thin wrapper around ``run``. Exit status 0 on success; 2 on invalid input,
with one line per problem on stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from .assessment import Assessment, assess
from .facts import CaseFacts
from .parse import CaseFormatError, parse_case_json
from .vocab import PROPOSALS, RULE_SET

EXIT_OK = 0
EXIT_INVALID = 2


# How a parsed case is assessed: the engine itself here; the Django command passes the project's
# assessment service (cases/assessing.py), which wraps the same engine call.
Assess = Callable[[CaseFacts, datetime.date, str | None], Assessment]


def run(
    path_or_dash: str, proposal: str | None, stdout: TextIO, stderr: TextIO, assess_with: Assess = assess
) -> int:
    """Read, parse and assess one case; a ``proposal`` given here wins over the document's."""
    problems: list[str] = []
    if proposal is not None and proposal not in PROPOSALS:
        problems.append(f"--proposal: {proposal!r} is not one of {', '.join(PROPOSALS)}")
    text: str | None = None
    try:
        if path_or_dash == "-":
            text = sys.stdin.read()
        else:
            with open(path_or_dash, encoding="utf-8") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path_or_dash}: cannot read the file ({exc})")
    parsed = None
    if text is not None:
        try:
            parsed = parse_case_json(text)
        except CaseFormatError as exc:
            problems.extend(exc.problems)
    if problems or parsed is None:
        for problem in problems or ["(document): invalid input"]:
            stderr.write(problem + "\n")
        return EXIT_INVALID
    chosen = proposal if proposal is not None else parsed.proposal
    stdout.write(assess_with(parsed.facts, parsed.as_of, chosen).to_json() + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="assess", description=f"Assess an HCC case file (hcc-case/1) against rule set {RULE_SET}."
    )
    parser.add_argument("file", help="case JSON file, or - for standard input")
    parser.add_argument("--proposal", default=None, help="the board's proposed plan (a proposal key)")
    args = parser.parse_args(argv)
    return run(args.file, args.proposal, sys.stdout, sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
