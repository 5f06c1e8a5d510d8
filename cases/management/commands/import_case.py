"""`python manage.py import_case FILE...` — create cases from hcc-case/1 files, all or nothing per file.

Each file is read, checked and stored on its own: a file with any problem stores nothing and its
problems are printed (one line each, naming the field); the later files are still imported, and the
command exits 2 if any file failed. Never a traceback: oversized files, numbers of thousands of
digits, NUL characters, lone surrogates and look-alike labels are all messages.

Reading a file is one function per format (FORMATS), so another format plugs in beside JSON.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from cases.adapters import store_imported_case
from cases.apps import CasesConfig
from cases.clinical.parse import CaseFormatError, ParsedCase, loads_case_json, parse_case_document
from cases.validators import NOTE_MAX

# Limits of an imported file (README "Limits"): a real case file is a few kB.
MAX_FILE_BYTES = 1_000_000
MAX_RECORDS = 500  # per list (labs, TACE sessions, …)


def _text_problems(value: object, path: str, problems: list[str]) -> None:
    """Characters no field may hold, and texts longer than any field takes, anywhere in the document."""
    if isinstance(value, dict):
        for key, item in value.items():
            _text_problems(item, f"{path}.{key}" if path else str(key), problems)
    elif isinstance(value, list):
        if len(value) > MAX_RECORDS:
            problems.append(f"{path}: {len(value)} entries; at most {MAX_RECORDS} are imported")
        for index, item in enumerate(value[:MAX_RECORDS]):
            _text_problems(item, f"{path}[{index}]", problems)
    elif isinstance(value, str):
        if "\x00" in value:
            problems.append(f"{path}: contains a NUL character")
        elif any("\ud800" <= ch <= "\udfff" for ch in value):
            problems.append(f"{path}: contains an unpaired surrogate (not a character)")
        elif len(value) > NOTE_MAX:
            problems.append(f"{path}: {len(value)} characters; at most {NOTE_MAX}")


def read_json(data: bytes) -> ParsedCase:
    document = loads_case_json(data)  # CaseFormatError for broken JSON, even a 5000-digit integer
    problems: list[str] = []
    _text_problems(document, "", problems)
    if problems:
        raise CaseFormatError(problems)
    return parse_case_document(document)


FORMATS: dict[str, Callable[[bytes], ParsedCase]] = {"json": read_json}


class Command(BaseCommand):
    help = "Create cases from case files (hcc-case/1). A file with any problem creates nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+")
        parser.add_argument("--label", help="label to use when a file has none (one file only)")
        importers = cast(CasesConfig, apps.get_app_config("cases")).importers
        parser.add_argument("--format", choices=["json", *importers], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for name in options["files"]:
            if options["format"] == "json":
                problems = import_file(Path(name), options.get("label"), self)
            else:
                problems = import_other(Path(name), options, self)
            for problem in problems:
                self.stderr.write(_printable(f"{name}: {problem}"))
            failed += bool(problems)
        if failed:
            sys.exit(2)


def import_other(path: Path, options: dict[str, Any], command: BaseCommand) -> list[str]:
    """A file in another format (--format fhir: a FHIR Bundle), read by the app that registered it."""
    importer = cast(CasesConfig, apps.get_app_config("cases")).importers[options["format"]]
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [f"cannot read the file: {error.strerror}"]
    created, problems = importer(raw, options.get("label"))
    if created:
        command.stdout.write(_printable(f"{path}: created case {created}"))
    return problems


def _printable(text: str) -> str:
    # A message quotes what the file held; a lone surrogate would stop the terminal's encoder.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def import_file(path: Path, fallback_label: str | None, command: BaseCommand, fmt: str = "json") -> list[str]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [f"the file is larger than {MAX_FILE_BYTES // 1000} kB; a case file is a few kB"]
        parsed = FORMATS[fmt](path.read_bytes())
    except OSError as error:
        return [f"cannot read the file: {error.strerror}"]
    except CaseFormatError as error:
        return error.problems
    case, problems = store_imported_case(parsed.facts, "patient.label", fallback_label)
    if case is None:
        return problems
    command.stdout.write(_printable(f"{path}: created case {case.label} (id {case.pk})"))
    return []
