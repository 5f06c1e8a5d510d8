from typing import cast

from django.apps import AppConfig, apps


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Tumor board meetings"

    def ready(self) -> None:
        from cases.apps import CasesConfig, WorklistColumn
        from meetings.demo import seed_meetings
        from meetings.worklist import with_next_meeting

        # The case page shows "Add to agenda" and the case's board decisions (cases/apps.py).
        cases = cast(CasesConfig, apps.get_app_config("cases"))
        cases.case_page_actions.append("meetings/case_page.html#add-to-agenda")
        cases.case_page_sections.append("meetings/case_page.html#decisions")
        # `manage.py seed_demo` seeds the demo meetings after the demo cases.
        cases.demo_seeders.append(seed_meetings)
        # The worklist shows each case's next meeting (cases/apps.py).
        cases.worklist_columns.append(WorklistColumn("next_meeting", "Next meeting", with_next_meeting))
