from django.urls import path

from cases.views import case_form, cases, recommendation

urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("rules/", cases.rule_catalogue, name="rule_catalogue"),
    path("new/", case_form.case_create, name="case_create"),
    path("new/preview/", case_form.case_create_preview, name="case_create_preview"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/edit/", case_form.case_edit, name="case_edit"),
    path("<int:pk>/preview/", case_form.case_preview, name="case_preview"),
    path("<int:pk>/panel/", cases.case_panel, name="case_panel"),
    path("<int:pk>/timeline/", cases.case_timeline, name="timeline"),
    path("<int:pk>/recommendation/", recommendation.recommendation, name="recommendation"),
    path("<int:pk>/<slug:kind>/add/", cases.record_add, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/edit/", cases.record_edit, name="record_edit"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/delete/", cases.record_delete, name="record_delete"),
]
