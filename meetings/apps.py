from typing import cast

from django.apps import AppConfig, apps


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Tumor board meetings"

    def ready(self) -> None:
        from django.db.models import DateTimeField

        from cases.apps import CasesConfig, WorklistColumn
        from meetings.demo import seed_meetings
        from meetings.worklist import next_meeting

        # The case page shows "Add to agenda" and the case's board decisions (cases/apps.py).
        cases = cast(CasesConfig, apps.get_app_config("cases"))
        cases.case_page_actions.append("meetings/case_page.html#add-to-agenda")
        cases.case_page_sections.append("meetings/case_page.html#decisions")
        # `manage.py seed_demo` seeds the demo meetings after the demo cases.
        cases.demo_seeders.append(seed_meetings)
        # The worklist shows each case's next meeting (cases/apps.py).
        cases.worklist_columns.append(
            WorklistColumn("next_meeting", "Next meeting", next_meeting, DateTimeField())
        )
        # The column reads the meeting's date: moving a meeting changes the list (its cache version).
        from django.db.models.signals import post_delete, post_save

        from cases.models import WorklistVersion
        from meetings.models import Meeting

        post_save.connect(WorklistVersion.bump, sender=Meeting, dispatch_uid="worklist-version-meeting")
        post_delete.connect(WorklistVersion.bump, sender=Meeting, dispatch_uid="worklist-gone-meeting")
