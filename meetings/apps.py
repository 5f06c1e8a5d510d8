from typing import cast

from django.apps import AppConfig, apps


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Tumor board meetings"

    def ready(self) -> None:
        from cases.apps import CasesConfig
        from meetings.demo import seed_meetings

        # The case page shows "Add to agenda" and the case's board decisions (cases/apps.py).
        cases = cast(CasesConfig, apps.get_app_config("cases"))
        cases.case_page_actions.append("meetings/case_page.html#add-to-agenda")
        cases.case_page_sections.append("meetings/case_page.html#decisions")
        # `manage.py seed_demo` seeds the demo meetings after the demo cases.
        cases.demo_seeders.append(seed_meetings)
