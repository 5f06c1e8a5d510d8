from django.urls import path

from cases.views import cases as views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("rules/", views.rule_catalogue, name="rule_catalogue"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/<slug:kind>/add/", views.record_add, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/delete/", views.record_delete, name="record_delete"),
]
