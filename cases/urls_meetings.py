"""URLs of the board meeting: /meetings/… here, and the lists mounted at /followup/ and
/reports/concordance/ (tumorboard/urls.py includes each once)."""

from django.urls import path

from cases.views import meetings as views

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("add-case/<int:pk>/", views.agenda_add_case, name="agenda_add_case"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attendees/add/", views.attendee_add, name="attendee_add"),
    path("<int:pk>/attendees/<int:attendee_pk>/presence/", views.attendee_presence, name="attendee_presence"),
    path("<int:pk>/attendees/<int:attendee_pk>/remove/", views.attendee_remove, name="attendee_remove"),
    path("<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/move/", views.agenda_move, name="agenda_move"),
    path("<int:pk>/agenda/<int:item_pk>/question/", views.agenda_question, name="agenda_question"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item_pk>/decision/", views.decision_new, name="decision_new"),
    path("<int:pk>/agenda/<int:item_pk>/decision/check/", views.decision_check, name="decision_check"),
    path("<int:pk>/present/", views.meeting_present, name="meeting_present"),
    path("<int:pk>/present/poll/", views.meeting_poll, name="meeting_poll"),
    path("<int:pk>/present/go/", views.meeting_go, name="meeting_go"),
    path("<int:pk>/decisions/<int:decision_pk>/", views.decision_detail, name="decision_detail"),
    path("<int:pk>/decisions/<int:decision_pk>/edit/", views.decision_edit, name="decision_edit"),
    path("<int:pk>/decisions/<int:decision_pk>/correct/", views.decision_correct, name="decision_correct"),
    path("<int:pk>/decisions/<int:decision_pk>/snapshot.json", views.decision_snapshot, name="decision_snapshot"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
]

followup_urls = [
    path("", views.followup, name="followup"),
    path("actions/<int:action_pk>/done/", views.action_done, name="action_done"),
]

report_urls = [
    path("", views.concordance_report, name="concordance_report"),
]
