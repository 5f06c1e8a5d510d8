from django.urls import path

from cases.views import assessment, cases

urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("rules/", cases.rule_catalogue, name="rule_catalogue"),
    path("new/", assessment.case_create, name="case_create"),
    path("new/preview/", assessment.case_create_preview, name="case_create_preview"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/edit/", assessment.case_edit, name="case_edit"),
    path("<int:pk>/preview/", assessment.case_preview, name="case_preview"),
    path("<int:pk>/panel/", assessment.case_panel, name="case_panel"),
    path("<int:pk>/timeline/", assessment.case_timeline, name="timeline"),
    path("<int:pk>/recommendation/", assessment.recommendation, name="recommendation"),
    path("<int:pk>/<slug:kind>/add/", cases.record_add, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/edit/", cases.record_edit, name="record_edit"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/delete/", cases.record_delete, name="record_delete"),
]
