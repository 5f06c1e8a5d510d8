"""The cases app's URLs, in the ``cases`` namespace: the pages under /cases/ and the JSON API under
/api/cases/. tumorboard/urls.py includes this module once, at the root."""

from django.urls import include, path

from cases.views import api, assessment, cases

app_name = "cases"

pages = [
    path("", cases.case_list, name="list"),
    path("rules/", cases.rule_catalogue, name="rules"),
    path("new/", assessment.case_create, name="create"),
    path("new/preview/", assessment.case_create_preview, name="create_preview"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/edit/", assessment.case_edit, name="edit"),
    path("<int:pk>/preview/", assessment.case_preview, name="preview"),
    path("<int:pk>/panel/", assessment.case_panel, name="panel"),
    path("<int:pk>/timeline/", assessment.case_timeline, name="timeline"),
    path("<int:pk>/recommendation/", assessment.recommendation, name="recommendation"),
    path("<int:pk>/<slug:kind>/add/", cases.record_add, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/edit/", cases.record_edit, name="record_edit"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/delete/", cases.record_delete, name="record_delete"),
]

urlpatterns = [
    path("cases/", include(pages)),
    path("api/cases/<int:pk>/assessment", api.case_assessment, name="assessment_api"),
]
