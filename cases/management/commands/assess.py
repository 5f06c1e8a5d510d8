"""`python manage.py assess FILE [--proposal KEY]` — the assessment JSON of a case file.

A thin wrapper: the engine's `cli.run` reads and parses the file, and the assessment goes through
the project's assessment service (cases/assessing.py). The vignette tests run this command.
Exit 2 with the problems on stderr (and nothing on stdout) for invalid input.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from cases.assessing import assessment_of
from cases.clinical import cli


class Command(BaseCommand):
    help = "Assess a case file in the hcc-case/1 format and print the assessment JSON."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the case JSON, or - for standard input")
        parser.add_argument("--proposal", help="the board's proposed plan (a key of RULES.md §7)")

    def handle(self, *args: Any, **options: Any) -> None:
        # cli.run writes to the text streams that Django's OutputWrappers hold in `_out` (not in django-stubs).
        stdout, stderr = cast(TextIO, self.stdout._out), cast(TextIO, self.stderr._out)
        status = cli.run(options["file"], options["proposal"], stdout, stderr, assess_with=assessment_of)
        if status:
            sys.exit(status)
