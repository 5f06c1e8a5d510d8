"""`python manage.py import_case FILE...` — create cases from hcc-case/1 files, all or nothing per file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from cases.adapters import create_case_from_facts
from cases.apps import CasesConfig
from cases.clinical.parse import CaseFormatError, parse_case_json
from cases.models import Case


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
                self.stderr.write(f"{name}: {problem}")
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
        command.stdout.write(f"{path}: created case {created}")
    return problems


def import_file(path: Path, fallback_label: str | None, command: BaseCommand) -> list[str]:
    try:
        parsed = parse_case_json(path.read_bytes())
    except OSError as error:
        return [f"cannot read the file: {error.strerror}"]
    except CaseFormatError as error:
        return error.problems
    label = parsed.facts.patient.label or fallback_label
    if not label:
        return ["patient.label: a case needs a label to be stored (or pass --label)"]
    if Case.objects.filter(label=label).exists():
        return [f"patient.label: a case labelled {label!r} already exists"]
    try:
        case = create_case_from_facts(parsed.facts, label)
    except ValidationError as error:
        return [
            f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages
        ]
    command.stdout.write(f"{path}: created case {case.label} (id {case.pk})")
    return []
