"""Recompute the worklist's stored assessment summary (cases/worklist.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases import worklist
from cases.models import Case


class Command(BaseCommand):
    help = "Recompute the stored assessment summary of the cases from another rule set (--all: every case)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every case, not only outdated ones")

    def handle(self, *args: Any, **options: Any) -> None:
        count = (
            worklist.refresh(Case.objects.all()) if options["all"] else worklist.refresh_outdated(limit=None)
        )
        self.stdout.write(f"Worklist: {count} case(s) recomputed.")
