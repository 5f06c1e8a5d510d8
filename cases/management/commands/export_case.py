"""`python manage.py export_case PK [--as-of DATE] [--format json|fhir]` — write a stored case in
the hcc-case/1 format, or as a FHIR R4 Bundle (interop/, registered in cases/apps.py)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.adapters import with_records
from cases.apps import CasesConfig
from cases.assessing import assess_case
from cases.clinical.serialize import case_to_json
from cases.models import Case


class Command(BaseCommand):
    help = "Print a stored case as a case file (hcc-case/1), or as a FHIR R4 Bundle (--format fhir)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pk", type=int)
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, help="assessment date (default today)"
        )
        exporters = cast(CasesConfig, apps.get_app_config("cases")).exporters
        parser.add_argument("--format", choices=["json", *exporters], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        exporter = cast(CasesConfig, apps.get_app_config("cases")).exporters.get(options["format"])
        try:
            if exporter is not None:
                self.stdout.write(exporter(options["pk"], options["as_of"]))
                return
            case = with_records().get(pk=options["pk"])
        except Case.DoesNotExist:
            raise CommandError(f"no case with id {options['pk']}") from None
        # The file carries the facts and the as-of date an assessment of it would use (the engine
        # itself does not run: CaseAssessment assesses only when asked).
        assessed = assess_case(case, as_of=options["as_of"])
        self.stdout.write(case_to_json(assessed.facts, assessed.as_of))
