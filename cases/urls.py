"""The cases app's URLs, in the ``cases`` namespace: the pages under /cases/ and the JSON API under
/api/cases/. tumorboard/urls.py includes this module once, at the root."""

from django.urls import include, path

from cases.views import api, case_form, cases, recommendation

app_name = "cases"

pages = [
    path("", cases.case_list, name="list"),
    path("rules/", cases.rule_catalogue, name="rules"),
    path("new/", case_form.case_create, name="create"),
    path("new/preview/", case_form.case_create_preview, name="create_preview"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/edit/", case_form.case_edit, name="edit"),
    path("<int:pk>/preview/", case_form.case_preview, name="preview"),
    path("<int:pk>/panel/", cases.case_panel, name="panel"),
    path("<int:pk>/timeline/", cases.case_timeline, name="timeline"),
    path("<int:pk>/recommendation/", recommendation.recommendation, name="recommendation"),
    path("<int:pk>/<slug:kind>/add/", cases.record_add, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/edit/", cases.record_edit, name="record_edit"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/delete/", cases.record_delete, name="record_delete"),
]

urlpatterns = [
    path("cases/", include(pages)),
    path("api/cases/<int:pk>/assessment", api.case_assessment, name="assessment_api"),
]
