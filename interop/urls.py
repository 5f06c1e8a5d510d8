"""The interop app's URLs (``interop`` namespace): the FHIR Bundle of a case, the FHIR upload on the
new-case page, and the CDS Hooks endpoints (the spec fixes their paths)."""

from django.urls import path

from interop import cds_views, views

app_name = "interop"

urlpatterns = [
    path("api/cases/<int:pk>/fhir", views.case_bundle, name="fhir_export"),
    path("cases/new/fhir/", views.upload, name="fhir_upload"),
    path("cds-services", cds_views.discovery, name="cds_discovery"),
    path("cds-services/<str:service_id>", cds_views.service, name="cds_service"),
]
