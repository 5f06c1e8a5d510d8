"""URLs of the board's meetings, all in the ``meetings`` namespace: /meetings/…, and the lists at
/followup/ and /reports/concordance/ (tumorboard/urls.py includes this module at the root)."""

from django.urls import include, path

from meetings.views import agenda, decisions, display, lifecycle, minutes, reports

app_name = "meetings"

meeting_urls = [
    path("", agenda.meeting_list, name="list"),
    path("new/", agenda.meeting_create, name="create"),
    path("add-case/<int:pk>/", agenda.agenda_add_case, name="add_case"),
    path("<int:pk>/", agenda.meeting_detail, name="detail"),
    path("<int:pk>/edit/", agenda.meeting_edit, name="edit"),
    path("<int:pk>/open/", lifecycle.meeting_open, name="open"),
    path("<int:pk>/close/", lifecycle.meeting_close, name="close"),
    path("<int:pk>/amendments/add/", lifecycle.amendment_add, name="amendment_add"),
    path("<int:pk>/attendees/add/", agenda.attendee_add, name="attendee_add"),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/presence/", agenda.attendee_presence, name="attendee_presence"
    ),
    path("<int:pk>/attendees/<int:attendee_pk>/remove/", agenda.attendee_remove, name="attendee_remove"),
    path("<int:pk>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/move/", agenda.agenda_move, name="agenda_move"),
    path("<int:pk>/agenda/<int:item_pk>/question/", agenda.agenda_question, name="agenda_question"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", agenda.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item_pk>/decision/", decisions.decision_new, name="decision_new"),
    path("<int:pk>/agenda/<int:item_pk>/decision/check/", decisions.decision_check, name="decision_check"),
    path("<int:pk>/present/", display.meeting_present, name="present"),
    path("<int:pk>/present/poll/", display.meeting_poll, name="poll"),
    path("<int:pk>/present/go/", display.meeting_go, name="go"),
    path("<int:pk>/decisions/<int:decision_pk>/", decisions.decision_detail, name="decision"),
    path("<int:pk>/decisions/<int:decision_pk>/edit/", decisions.decision_edit, name="decision_edit"),
    path("<int:pk>/decisions/<int:decision_pk>/sign/", decisions.decision_sign, name="decision_sign"),
    path(
        "<int:pk>/decisions/<int:decision_pk>/correct/", decisions.decision_correct, name="decision_correct"
    ),
    path(
        "<int:pk>/decisions/<int:decision_pk>/snapshot.json",
        decisions.decision_snapshot,
        name="decision_snapshot",
    ),
    path("<int:pk>/minutes/", minutes.meeting_minutes, name="minutes"),
    path("<int:pk>/minutes.pdf", minutes.meeting_minutes_pdf, name="minutes_pdf"),
]

followup_urls = [
    path("", reports.followup, name="followup"),
    path("actions/<int:action_pk>/done/", reports.action_done, name="action_done"),
]

urlpatterns = [
    path("meetings/", include(meeting_urls)),
    path("followup/", include(followup_urls)),
    path("reports/concordance/", reports.concordance_report, name="concordance"),
]
