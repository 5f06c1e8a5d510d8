from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import AppConfig
from django.db.models import Field
from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class WorklistColumn:
    """A column another app adds to the case list: `sql()` gives a correlated sub-select over the
    outer case row (table `cases_case`) and its parameters; its value is the case's attribute
    `name`, read in the list's own statement for the rows shown (the query count stays constant)."""

    name: str
    header: str
    sql: Callable[[], tuple[str, list[Any]]]
    output_field: Field[Any, Any]

    def annotate(self, cases: Any) -> Any:
        sql, params = self.sql()
        return cases.annotate(**{self.name: RawSQL(sql, params, output_field=self.output_field)})


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Tumor board cases"

    # What other apps add to the case page, as template names: buttons beside "Edit case", and
    # sections under the records. The meetings app adds "Add to agenda" and the board's decisions
    # here (meetings/apps.py), so the case page never names an app that cases must not import.
    case_page_actions: list[str]
    case_page_sections: list[str]
    # Demo data other apps add after the demo cases (`manage.py seed_demo`): callables taking the
    # command's stdout.
    demo_seeders: list[Callable[[Any], None]]
    # Sections on the new-case page (template names): interop adds the FHIR upload.
    new_case_sections: list[str]
    # Case-file formats besides hcc-case/1 JSON, by `--format` name, for export_case and import_case:
    # exporters take (case pk, as-of date or None) and return the text; importers take (file bytes,
    # fallback label) and return (label and id of the created case, or None; the problems).
    # interop adds "fhir".
    exporters: dict[str, Callable[[int, Any], str]]
    importers: dict[str, Callable[[bytes, str | None], tuple[Any, list[str]]]]
    worklist_columns: list[WorklistColumn]

    def __init__(self, app_name: str, app_module: ModuleType | None) -> None:
        super().__init__(app_name, app_module)
        self.case_page_actions = []
        self.case_page_sections = []
        self.demo_seeders = []
        self.new_case_sections = []
        self.exporters = {}
        self.importers = {}
        # Columns other apps add to the worklist (the case list): callables that annotate its queryset
        # and the header of the column they add. The meetings app adds "Next meeting".
        self.worklist_columns = []

    def ready(self) -> None:
        from cases import worklist

        # The worklist's stored summary follows every save of a case or its records.
        worklist.connect()
