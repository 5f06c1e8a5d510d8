from collections.abc import Callable
from types import ModuleType
from typing import Any

from django.apps import AppConfig


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

    def __init__(self, app_name: str, app_module: ModuleType | None) -> None:
        super().__init__(app_name, app_module)
        self.case_page_actions = []
        self.case_page_sections = []
        self.demo_seeders = []
